import { AdminLog } from '../admin/entities/admin-log.entity';
import { AdminPermission } from '../admin/entities/admin-permission.entity';
import { AdminUser } from '../admin/entities/admin-user.entity';
import { Asset } from '../assets/entities/asset.entity';
import {
  InvestmentRollupAsset,
  InvestmentRollupPair,
  InvestmentRollupQueueEntry,
  InvestmentRollupTotal,
  InvestmentRollupUser,
  InvestmentRollupUserCategory,
} from '../assets/entities/investment-rollup.entity';
import { AuthNonce } from '../auth/entities/auth-nonce.entity';
import { RateLimitWindow } from '../auth/entities/rate-limit-window.entity';
import { BlockchainEvent } from '../blockchain/entities/blockchain-event.entity';
import { ContractInteraction } from '../blockchain/entities/contract-interaction.entity';
import { ScannerCheckpoint } from '../blockchain/entities/scanner-checkpoint.entity';
import { IdempotencyKey } from '../investments/entities/idempotency-key.entity';
import { InvestmentAgreement } from '../investments/entities/investment-agreement.entity';
import { Investment } from '../investments/entities/investment.entity';
import { Transaction } from '../investments/entities/transaction.entity';
import { KycApplication } from '../kyc/entities/kyc-application.entity';
import { KycDocument } from '../kyc/entities/kyc-document.entity';
import { LatestKycApplication } from '../kyc/entities/latest-kyc-application.view';
import { ImportFingerprint } from '../migration/entities/import-fingerprint.entity';
import { ImportQuarantine } from '../migration/entities/import-quarantine.entity';
import { ImportRun } from '../migration/entities/import-run.entity';
import { ApiUsageLog } from '../system/entities/api-usage-log.entity';
import { SystemLog } from '../system/entities/system-log.entity';
import { SystemMetric } from '../system/entities/system-metric.entity';
import { UserProfile } from '../users/entities/user-profile.entity';
import { UserTier } from '../users/entities/user-tier.entity';
import { User } from '../users/entities/user.entity';

/** Every entity of the schema. The app, the CLI and the tests all build their DataSource from this list. */
export const ENTITIES = [
  User,
  UserProfile,
  UserTier,
  KycApplication,
  KycDocument,
  LatestKycApplication,
  Asset,
  Investment,
  Transaction,
  InvestmentAgreement,
  AdminUser,
  AdminLog,
  AdminPermission,
  BlockchainEvent,
  ContractInteraction,
  ScannerCheckpoint,
  SystemLog,
  SystemMetric,
  ApiUsageLog,
  ImportRun,
  ImportQuarantine,
  ImportFingerprint,
  IdempotencyKey,
  AuthNonce,
  RateLimitWindow,
  InvestmentRollupQueueEntry,
  InvestmentRollupPair,
  InvestmentRollupAsset,
  InvestmentRollupUserCategory,
  InvestmentRollupUser,
  InvestmentRollupTotal,
];

/**
 * The 17 domain tables; the rest support them (import_*, idempotency_keys, auth_nonces, rate_limit_windows,
 * scanner_checkpoints, and the investment_rollup_* tables behind the analytics route).
 */
export const DOMAIN_TABLES = [
  'users',
  'user_profiles',
  'user_tiers',
  'kyc_applications',
  'kyc_documents',
  'assets',
  'investments',
  'transactions',
  'investment_agreements',
  'admin_users',
  'admin_logs',
  'admin_permissions',
  'blockchain_events',
  'contract_interactions',
  'system_logs',
  'system_metrics',
  'api_usage_logs',
] as const;
