import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { cursorTimestampSql, KeysetPosition } from '../common/pagination/keyset-cursor';
import { TransactionStatus, TransactionType } from '../investments/entities/transaction.entity';
import { UserStatus } from './entities/user.entity';
import { readRows } from '../common/database/read-rows';
import { RecordRef, recordRefMatch } from '../common/validation/parse-record-ref.pipe';

export interface UserSummaryRow {
  id: string;
  legacyId: string | null;
  walletAddress: string | null;
  phone: string | null;
  email: string | null;
  displayName: string | null;
  status: UserStatus;
  createdAt: Date;
  lastLoginAt: Date | null;
  profile: Record<string, unknown> | null;
  tier: { id: number; name: string; rank: number; maxSingleInvestment: string | null; benefits: string[] } | null;
  kycStatus: string | null;
  kycApprovedLevel: number | null;
  kycApplicationId: string | null;
}

export type UserDetailRow = UserSummaryRow & { holdings: HoldingRow[] };

export interface HoldingRow {
  assetId: string;
  assetName: string;
  tokenSymbol: string | null;
  confirmedAmount: string;
  pendingAmount: string;
  tokens: string;
  investmentCount: number;
}

export interface TransactionHistoryFilter {
  userId: string;
  limit: number;
  after?: KeysetPosition;
  type?: TransactionType;
  status?: TransactionStatus;
  from?: string;
  to?: string;
}

export interface TransactionRow {
  id: string;
  type: TransactionType;
  amount: string;
  currency: string;
  status: TransactionStatus;
  txHash: string | null;
  assetId: string | null;
  investmentId: string | null;
  createdAt: Date;
  cursorAt: string;
}

/** A history line as the API shows it: the row without its keyset position. */
export type TransactionItem = Omit<TransactionRow, 'cursorAt'>;

/**
 * Spelled out rather than `({ cursorAt, ...item })`: object rest copies key by key, several
 * microseconds a row on a hot route.
 */
export function toTransactionItem(row: TransactionItem): TransactionItem {
  return {
    id: row.id,
    type: row.type,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    txHash: row.txHash,
    assetId: row.assetId,
    investmentId: row.investmentId,
    createdAt: row.createdAt,
  };
}

/** Profile columns a PATCH may set, by DTO field. */
export const PROFILE_COLUMNS = {
  firstName: 'first_name',
  lastName: 'last_name',
  country: 'country',
  dateOfBirth: 'date_of_birth',
  language: 'language',
  notifyEmail: 'notify_email',
  notifySms: 'notify_sms',
} as const;
export type ProfileChanges = Partial<Record<keyof typeof PROFILE_COLUMNS, unknown>>;

/** Every users / user_profiles query, named for what it is for. */
/** GET /api/users/:id's statement for a match on `column` (u.id or u.legacy_id). */
function userDetailSql(column: 'u.id' | 'u.legacy_id'): string {
  return `SELECT u.id, u.legacy_id AS "legacyId", u.blockchain_address AS "walletAddress", u.phone_e164 AS phone, u.email, u.display_name AS "displayName",
              u.status, u.created_at AS "createdAt", u.last_login_at AS "lastLoginAt",
              CASE WHEN p.user_id IS NULL THEN NULL ELSE json_build_object(
                'firstName', p.first_name, 'lastName', p.last_name, 'country', p.country,
                'dateOfBirth', to_char(p.date_of_birth, 'YYYY-MM-DD'), 'language', p.language,
                'notifyEmail', p.notify_email, 'notifySms', p.notify_sms) END AS profile,
              CASE WHEN t.id IS NULL THEN NULL ELSE json_build_object(
                'id', t.id, 'name', t.name, 'rank', t.rank,
                'maxSingleInvestment', t.max_single_investment::text, 'benefits', t.benefits) END AS tier,
              k.status AS "kycStatus", k.approved_level AS "kycApprovedLevel", k.id AS "kycApplicationId",
              (SELECT COALESCE(json_agg(h ORDER BY h."assetName", h."assetId"), '[]')
                 FROM (SELECT i.asset_id AS "assetId", a.name AS "assetName", a.token_symbol AS "tokenSymbol",
                              coalesce(sum(i.amount) FILTER (WHERE i.status = 'confirmed'), 0)::numeric(24,6)::text AS "confirmedAmount",
                              coalesce(sum(i.amount) FILTER (WHERE i.status = 'pending'), 0)::numeric(24,6)::text AS "pendingAmount",
                              coalesce(sum(i.tokens) FILTER (WHERE i.status = 'confirmed'), 0)::text AS tokens,
                              count(*)::int AS "investmentCount"
                         FROM investments i
                         JOIN assets a ON a.id = i.asset_id
                        WHERE i.user_id = u.id AND i.status IN ('pending', 'confirmed')
                        GROUP BY i.asset_id, a.name, a.token_symbol) h) AS holdings
         FROM users u
         LEFT JOIN user_profiles p ON p.user_id = u.id
         LEFT JOIN user_tiers t ON t.id = u.tier_id
         LEFT JOIN LATERAL (
              SELECT latest.id, latest.status,
                     (SELECT max(level) FROM kyc_applications a WHERE a.user_id = u.id AND a.status = 'approved') AS approved_level
                FROM latest_kyc_applications latest
               WHERE latest.user_id = u.id) k ON true
        WHERE ${column} = $1`;
}
const USER_DETAIL_BY_ID_SQL = userDetailSql('u.id');
const USER_DETAIL_BY_LEGACY_ID_SQL = userDetailSql('u.legacy_id');

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The user with profile, tier, KYC state (the latest application decides the status) and holdings
   * (live investments per asset, summed as exact numerics): one statement, one round trip.
   */
  async findUserDetail(ref: RecordRef): Promise<UserDetailRow | null> {
    const match = recordRefMatch(ref, 'u');
    // One constant text per column: readRows keys its prepared statements by the text, and a text built per
    // request is hashed anew on every lookup (about 4 µs of CPU per request on this ~1.7 kB statement).
    const sql = match.column === 'u.id' ? USER_DETAIL_BY_ID_SQL : USER_DETAIL_BY_LEGACY_ID_SQL;
    const rows: UserDetailRow[] = await readRows(this.dataSource, sql, [match.value]);
    return rows[0] ?? null;
  }

  /** Which of phone hash (covers the E.164 column) and wallet another user already has. */
  async findRegistrationClashes(manager: EntityManager, phoneHash: string, phoneE164: string, wallet: string) {
    const rows: { phone: boolean; wallet: boolean }[] = await manager.query(
      `SELECT bool_or(phone_hash = $1 OR phone_e164 = $2) AS phone, bool_or(blockchain_address = $3) AS wallet
         FROM users WHERE phone_hash = $1 OR phone_e164 = $2 OR blockchain_address = $3`,
      [phoneHash, phoneE164, wallet],
    );
    return { phone: rows[0]?.phone === true, wallet: rows[0]?.wallet === true };
  }

  /** A new investor on the entry tier (lowest rank). */
  async insertInvestor(manager: EntityManager, phoneE164: string, phoneHash: string, wallet: string): Promise<string> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO users (phone_e164, phone_hash, blockchain_address, tier_id, last_login_at)
       VALUES ($1, $2, $3, (SELECT id FROM user_tiers ORDER BY rank, id LIMIT 1), now())
       RETURNING id`,
      [phoneE164, phoneHash, wallet],
    );
    return rows[0].id;
  }

  /** Locks the investor's row for the rest of the transaction; false when there is no such investor. */
  async lockInvestorRow(manager: EntityManager, userId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [userId]);
    return rows.length > 0;
  }

  async updateContactDetails(manager: EntityManager, userId: string, changes: { displayName?: string | null; email?: string | null }) {
    const sets: string[] = [];
    const params: unknown[] = [userId];
    if (changes.displayName !== undefined) sets.push(`display_name = $${params.push(changes.displayName)}`);
    if (changes.email !== undefined) sets.push(`email = $${params.push(changes.email)}`);
    if (sets.length === 0) return;
    await manager.query(`UPDATE users SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
  }

  /** Creates the profile row on first edit; otherwise changes only the given columns. */
  async upsertProfile(manager: EntityManager, userId: string, changes: ProfileChanges): Promise<void> {
    const fields = (Object.keys(PROFILE_COLUMNS) as (keyof typeof PROFILE_COLUMNS)[]).filter((field) => changes[field] !== undefined);
    if (fields.length === 0) return;
    const columns = fields.map((field) => PROFILE_COLUMNS[field]);
    const params = [userId, ...fields.map((field) => changes[field])];
    await manager.query(
      `INSERT INTO user_profiles (user_id, ${columns.join(', ')}) VALUES ($1, ${columns.map((_, i) => `$${i + 2}`).join(', ')})
       ON CONFLICT (user_id) DO UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()`,
      params,
    );
  }

  /**
   * One page of a user's history, newest first. Served by idx_transactions_user_created
   * (user_id, created_at DESC, id DESC): the keyset condition and the ORDER BY follow the index.
   */
  buildTransactionHistoryQuery(filter: TransactionHistoryFilter): { sql: string; params: unknown[] } {
    const params: unknown[] = [filter.userId];
    const where = ['t.user_id = $1'];
    if (filter.type) where.push(`t.type = $${params.push(filter.type)}`);
    if (filter.status) where.push(`t.status = $${params.push(filter.status)}`);
    if (filter.from) where.push(`t.created_at >= $${params.push(filter.from)}::timestamptz`);
    if (filter.to) where.push(`t.created_at < $${params.push(filter.to)}::timestamptz`);
    if (filter.after) {
      const at = params.push(filter.after.at);
      const id = params.push(filter.after.id);
      where.push(`(t.created_at, t.id) < ($${at}::timestamptz, $${id}::uuid)`);
    }
    const limit = params.push(filter.limit);
    const sql = `SELECT t.id, t.type, t.amount::text AS amount, t.currency, t.status, t.tx_hash AS "txHash",
                        t.asset_id AS "assetId", t.investment_id AS "investmentId", t.created_at AS "createdAt",
                        ${cursorTimestampSql('t.created_at')} AS "cursorAt"
                   FROM transactions t
                  WHERE ${where.join(' AND ')}
                  ORDER BY t.created_at DESC, t.id DESC
                  LIMIT $${limit}`;
    return { sql, params };
  }

  /** One page of history and whether the user exists at all (an unknown id is 404, not an empty page): one round trip. */
  async findTransactionPage(filter: TransactionHistoryFilter): Promise<{ userExists: boolean; rows: TransactionRow[] }> {
    const { sql, params } = this.buildTransactionHistoryQuery(filter);
    const rows: (TransactionRow & { userExists: boolean })[] = await readRows(
      this.dataSource,
      `SELECT owner.found AS "userExists", page.*
         FROM (SELECT EXISTS (SELECT 1 FROM users WHERE id = $1) AS found) owner
         LEFT JOIN LATERAL (${sql}) page ON owner.found
        ORDER BY page."createdAt" DESC, page.id DESC`,
      params,
    );
    const userExists = rows[0]?.userExists === true;
    const page = rows
      .filter((row) => row.id !== null)
      .map((row): TransactionRow => Object.assign(toTransactionItem(row), { cursorAt: row.cursorAt }));
    return { userExists, rows: page };
  }
}
