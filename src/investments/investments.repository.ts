import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { cursorTimestampSql, KeysetPosition } from '../common/pagination/keyset-cursor';
import { InvestmentStatus } from './entities/investment.entity';
import { TransactionStatus, TransactionType } from './entities/transaction.entity';
import { RecordRef, recordRefMatch } from '../common/validation/parse-record-ref.pipe';
import { InvestmentDetailDto, InvestmentDto, InvestorEligibility, MyInvestmentDto, StoredIdempotentResponse } from './investments.types';

const INVESTMENT_COLUMNS = `i.id, i.user_id AS "userId", i.asset_id AS "assetId", i.amount, i.tokens, i.status,
  i.tx_hash AS "txHash", i.created_at AS "createdAt", i.updated_at AS "updatedAt"`;

const AGREEMENT_JSON = `ag.version AS "agreementVersion", ag.accepted_at AS "agreementAcceptedAt", ag.signature AS "agreementSignature"`;

interface AgreementColumns {
  agreementVersion: string | null;
  agreementAcceptedAt: Date | null;
  agreementSignature: string | null;
}

/** Folds the agreement columns into a nested `agreement` (null when there is none). */
function withAgreement<T extends AgreementColumns>(row: T): Omit<T, keyof AgreementColumns> & Pick<InvestmentDto, 'agreement'> {
  const { agreementVersion, agreementAcceptedAt, agreementSignature, ...rest } = row;
  return {
    ...rest,
    agreement:
      agreementVersion === null ? null : { version: agreementVersion, acceptedAt: agreementAcceptedAt!, signature: agreementSignature },
  };
}

export interface NewInvestment {
  userId: string;
  assetId: string;
  amount: string;
  currency: string;
  agreementVersion: string;
  agreementSignature: string;
  ip: string | null;
}

/** The investment row an admin action locks, with the asset's token price for minting. */
export interface LockedInvestment {
  id: string;
  userId: string;
  assetId: string;
  amount: string;
  status: InvestmentStatus;
  currency: string;
  /** The asset's token price (null: no price yet). */
  tokenPrice: string | null;
}

@Injectable()
export class InvestmentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Serialises requests carrying the same key (released at commit or rollback). */
  async lockIdempotencyKey(manager: EntityManager, ownerId: string, key: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`idempotency:${ownerId}:${key}`]);
  }

  async findIdempotentResponse(manager: EntityManager, ownerId: string, key: string): Promise<StoredIdempotentResponse | null> {
    const rows: StoredIdempotentResponse[] = await manager.query(
      `SELECT request_hash AS "requestHash", response_status AS "responseStatus", response_body AS "responseBody"
       FROM idempotency_keys WHERE owner_id = $1 AND key = $2`,
      [ownerId, key],
    );
    return rows[0] ?? null;
  }

  async saveIdempotentResponse(
    manager: EntityManager,
    entry: { ownerId: string; key: string; requestHash: string; status: number; body: unknown },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO idempotency_keys (owner_id, key, request_hash, response_status, response_body) VALUES ($1, $2, $3, $4, $5)`,
      [entry.ownerId, entry.key, entry.requestHash, entry.status, JSON.stringify(entry.body)],
    );
  }

  /** Account status, latest KYC decision and the user's own tier (none: hasTier false, tier fields null). */
  async findInvestorEligibility(manager: EntityManager, userId: string): Promise<InvestorEligibility | null> {
    const rows: InvestorEligibility[] = await manager.query(
      `SELECT u.status,
              (SELECT k.status FROM latest_kyc_applications k WHERE k.user_id = u.id) AS "kycStatus",
              t.id IS NOT NULL AS "hasTier", t.name AS "tierName", t.max_single_investment AS "tierMaxSingleInvestment"
       FROM users u
       LEFT JOIN user_tiers t ON t.id = u.tier_id
       WHERE u.id = $1`,
      [userId],
    );
    return rows[0] ?? null;
  }

  /** The lowest-ranked tier (ties: lowest id), or null when there are no tiers. */
  async findLowestTier(manager: EntityManager): Promise<{ name: string; maxSingleInvestment: string | null } | null> {
    const rows: { name: string; maxSingleInvestment: string | null }[] = await manager.query(
      `SELECT name, max_single_investment AS "maxSingleInvestment" FROM user_tiers ORDER BY rank, id LIMIT 1`,
    );
    return rows[0] ?? null;
  }

  /** The investment, its pending transaction and its agreement, in one statement. */
  async insertPendingInvestment(manager: EntityManager, input: NewInvestment): Promise<InvestmentDto> {
    const rows: (InvestmentDto & AgreementColumns)[] = await manager.query(
      `WITH i AS (
         INSERT INTO investments (user_id, asset_id, amount, status) VALUES ($1, $2, $3, 'pending') RETURNING *
       ), tx AS (
         INSERT INTO transactions (user_id, type, amount, currency, status, asset_id, investment_id)
         SELECT i.user_id, '${TransactionType.Investment}', i.amount, $4, '${TransactionStatus.Pending}', i.asset_id, i.id FROM i
         RETURNING id
       ), ag AS (
         INSERT INTO investment_agreements (investment_id, version, accepted_at, ip_address, signature)
         SELECT i.id, $5, now(), $6, $7 FROM i RETURNING *
       )
       SELECT ${INVESTMENT_COLUMNS}, ${AGREEMENT_JSON} FROM i, ag`,
      [input.userId, input.assetId, input.amount, input.currency, input.agreementVersion, input.ip, input.agreementSignature],
    );
    return withAgreement(rows[0]) as InvestmentDto;
  }

  /** A keyset page of the user's investments, newest first, with each row's cursor position and the user's total. */
  async findInvestmentsOfUser(
    userId: string,
    limit: number,
    after: KeysetPosition | null,
  ): Promise<{ rows: (MyInvestmentDto & { cursorAt: string })[]; total: number }> {
    const rows: (MyInvestmentDto & AgreementColumns & { cursorAt: string; total: string })[] = await this.dataSource.query(
      `SELECT ${INVESTMENT_COLUMNS}, a.name AS "assetName", a.currency, ${AGREEMENT_JSON},
              ${cursorTimestampSql('i.created_at')} AS "cursorAt",
              (SELECT count(*) FROM investments c WHERE c.user_id = $1) AS total
       FROM investments i
       JOIN assets a ON a.id = i.asset_id
       LEFT JOIN investment_agreements ag ON ag.investment_id = i.id
       WHERE i.user_id = $1 AND ($3::timestamptz IS NULL OR (i.created_at, i.id) < ($3::timestamptz, $4::uuid))
       ORDER BY i.created_at DESC, i.id DESC
       LIMIT $2`,
      [userId, limit, after?.at ?? null, after?.id ?? null],
    );
    const total = rows.length > 0 ? Number(rows[0].total) : await this.countInvestmentsOfUser(userId);
    return { rows: rows.map(({ total: _total, ...row }) => withAgreement(row) as MyInvestmentDto & { cursorAt: string }), total };
  }

  async countInvestmentsOfUser(userId: string): Promise<number> {
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM investments WHERE user_id = $1`, [userId])) as {
      total: number;
    }[];
    return total;
  }

  async lockInvestment(manager: EntityManager, id: string): Promise<LockedInvestment | null> {
    const rows: LockedInvestment[] = await manager.query(
      `SELECT i.id, i.user_id AS "userId", i.asset_id AS "assetId", i.amount, i.status, a.currency, a.token_price AS "tokenPrice"
       FROM investments i JOIN assets a ON a.id = i.asset_id WHERE i.id = $1 FOR UPDATE OF i`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** pending → confirmed; `tokens` null keeps the stored count. */
  async confirmInvestment(manager: EntityManager, id: string, txHash: string | null, tokens: string | null): Promise<void> {
    await manager.query(
      `UPDATE investments SET status = 'confirmed', tx_hash = COALESCE($2, tx_hash), tokens = COALESCE($3, tokens), updated_at = now()
       WHERE id = $1`,
      [id, txHash, tokens],
    );
    await this.settleInvestmentTransaction(manager, id, TransactionStatus.Completed, txHash);
  }

  /** pending → cancelled; its transaction failed. */
  async cancelInvestment(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE investments SET status = 'cancelled', updated_at = now() WHERE id = $1`, [id]);
    await this.settleInvestmentTransaction(manager, id, TransactionStatus.Failed, null);
  }

  /** confirmed → refunded, plus a completed refund transaction for the same amount. */
  async refundInvestment(manager: EntityManager, investment: LockedInvestment): Promise<void> {
    await manager.query(`UPDATE investments SET status = 'refunded', updated_at = now() WHERE id = $1`, [investment.id]);
    await manager.query(
      `INSERT INTO transactions (user_id, type, amount, currency, status, asset_id, investment_id)
       VALUES ($1, '${TransactionType.Refund}', $2, $3, '${TransactionStatus.Completed}', $4, $5)`,
      [investment.userId, investment.amount, investment.currency, investment.assetId, investment.id],
    );
  }

  private async settleInvestmentTransaction(
    manager: EntityManager,
    investmentId: string,
    status: TransactionStatus,
    txHash: string | null,
  ) {
    await manager.query(
      `UPDATE transactions SET status = $2, tx_hash = COALESCE($3, tx_hash)
       WHERE investment_id = $1 AND type = '${TransactionType.Investment}' AND status = '${TransactionStatus.Pending}'`,
      [investmentId, status, txHash],
    );
  }

  /** An investment by id; with `ownerId`, only when that user owns it. */
  /** GET /api/investments/:id: the owner's investment by uuid or legacy id, with its legacy id (someone else's is null). */
  async findOwnInvestmentDetail(manager: EntityManager, ref: RecordRef, ownerId: string): Promise<InvestmentDetailDto | null> {
    const match = recordRefMatch(ref, 'i');
    const rows: (InvestmentDetailDto & AgreementColumns)[] = await manager.query(
      `SELECT ${INVESTMENT_COLUMNS}, i.legacy_id AS "legacyId", ${AGREEMENT_JSON}
       FROM investments i LEFT JOIN investment_agreements ag ON ag.investment_id = i.id
       WHERE ${match.column} = $1 AND i.user_id = $2`,
      [match.value, ownerId],
    );
    return rows[0] ? (withAgreement(rows[0]) as InvestmentDetailDto) : null;
  }

  async findInvestmentView(manager: EntityManager, id: string, ownerId?: string): Promise<InvestmentDto | null> {
    const rows: (InvestmentDto & AgreementColumns)[] = await manager.query(
      `SELECT ${INVESTMENT_COLUMNS}, ${AGREEMENT_JSON}
       FROM investments i LEFT JOIN investment_agreements ag ON ag.investment_id = i.id
       WHERE i.id = $1 AND ($2::uuid IS NULL OR i.user_id = $2)`,
      [id, ownerId ?? null],
    );
    return rows[0] ? (withAgreement(rows[0]) as InvestmentDto) : null;
  }
}
