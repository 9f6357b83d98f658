import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RecordRef } from '../common/validation/parse-record-ref.pipe';
import { AssetDto, AssetDetailDto, AssetAnalyticsRow } from './assets.types';
import {
  ASSET_COLUMNS,
  assetAnalyticsSql,
  assetByIdSql,
  AssetSearch,
  assetSearchSql,
  ROLLUP_FOLD_LOCK,
  ROLLUP_FOLD_SQL,
  ROLLUP_PENDING_SQL,
} from './assets.sql';
import { AssetStatus } from './entities/asset.entity';
import { readRows } from '../common/database/read-rows';
import { SessionDatabase } from '../database/session-database';

/** Writable asset fields and their columns. */
const FIELD_COLUMNS = {
  name: 'name',
  category: 'category',
  status: 'status',
  currency: 'currency',
  targetAmount: 'target_amount',
  minInvestment: 'min_investment',
  maxInvestment: 'max_investment',
  tokenSymbol: 'token_symbol',
  tokenPrice: 'token_price',
  chainId: 'chain_id',
  contractAddress: 'contract_address',
  expectedApy: 'expected_apy',
  opensAt: 'opens_at',
  closesAt: 'closes_at',
  description: 'description',
  documents: 'documents',
} as const;

export type AssetFields = Partial<Record<keyof typeof FIELD_COLUMNS, unknown>>;

/** The asset row an investment or an edit locks: just what the rules need. */
export interface LockedAsset {
  id: string;
  status: AssetStatus;
  currency: string;
  targetAmount: string;
  minInvestment: string;
  maxInvestment: string | null;
  tokenPrice: string | null;
  opensAt: Date | null;
  closesAt: Date | null;
  /** pending + confirmed, computed while the row is locked. */
  committedAmount: string;
}

function columnsAndValues(fields: AssetFields): { columns: string[]; values: unknown[] } {
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const [field, column] of Object.entries(FIELD_COLUMNS)) {
    const value = fields[field as keyof AssetFields];
    if (value === undefined) continue;
    columns.push(column);
    values.push(field === 'documents' && value !== null ? JSON.stringify(value) : value);
  }
  return { columns, values };
}

/**
 * The asset fields of a search row (which also carries the match count). Spelled out: an object
 * literal of known shape costs a fraction of `({ total, ...asset })`, which copies key by key.
 */
function toAssetDto(row: AssetDto): AssetDto {
  return {
    id: row.id,
    name: row.name,
    category: row.category,
    status: row.status,
    currency: row.currency,
    targetAmount: row.targetAmount,
    minInvestment: row.minInvestment,
    maxInvestment: row.maxInvestment,
    tokenSymbol: row.tokenSymbol,
    tokenPrice: row.tokenPrice,
    chainId: row.chainId,
    contractAddress: row.contractAddress,
    expectedApy: row.expectedApy,
    opensAt: row.opensAt,
    closesAt: row.closesAt,
    description: row.description,
    documents: row.documents,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A search hit and its sort value as a cursor holds it. */
export interface AssetSearchRow {
  asset: AssetDto;
  cursorValue: string | null;
}

@Injectable()
export class AssetsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly session: SessionDatabase,
  ) {}

  /** A keyset page of the search (`search.limit` rows at most), each with its cursor value, and the count of all matches. */
  async searchAssets(search: AssetSearch): Promise<{ rows: AssetSearchRow[]; total: number }> {
    const { text, values } = assetSearchSql(search);
    const rows: (AssetDto & { cursorValue: string | null; total: number })[] = await readRows(this.dataSource, text, values);
    const total = rows[0]?.total ?? 0;
    return { rows: rows.filter((row) => row.id !== null).map((row) => ({ asset: toAssetDto(row), cursorValue: row.cursorValue })), total };
  }

  async findAssetWithFunding(ref: RecordRef, includeDrafts: boolean): Promise<AssetDetailDto | null> {
    const { text, values } = assetByIdSql(ref, includeDrafts);
    const rows: AssetDetailDto[] = await readRows(this.dataSource, text, values);
    return rows[0] ?? null;
  }

  /**
   * The analytics rows, from the rollup as last folded: a read never writes (it may be served by a
   * replica). The once-a-minute fold job (InvestmentRollupJob, on the primary under an advisory lock)
   * folds the queued confirmed-investment changes, so analytics lag them by at most about a minute
   * (the job interval plus one fold).
   */
  async aggregateAnalytics(): Promise<AssetAnalyticsRow[]> {
    const { text, values } = assetAnalyticsSql();
    return readRows(this.dataSource, text, values);
  }

  /** Folds the queue if anything waits in it (an empty queue means the rollup is current). */
  async foldPendingInvestmentRollup(): Promise<number> {
    const [{ pending }] = await readRows<{ pending: boolean }>(this.dataSource, ROLLUP_PENDING_SQL, [], { primary: true });
    return pending ? this.foldInvestmentRollup() : 0;
  }

  /**
   * Applies the queued confirmed-investment changes to the rollup. One fold at a time (a session
   * advisory lock, taken before the snapshot), and one snapshot for the whole fold (REPEATABLE READ),
   * so the queue entries it deletes are exactly the ones it adds up.
   */
  async foldInvestmentRollup(): Promise<number> {
    // A session advisory lock: on the direct connection, never through a transaction pooler.
    const runner = this.session.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [ROLLUP_FOLD_LOCK]);
      try {
        await runner.startTransaction('REPEATABLE READ');
        try {
          const [{ folded }]: { folded: number }[] = await runner.query(ROLLUP_FOLD_SQL);
          await runner.commitTransaction();
          return folded;
        } catch (error) {
          await runner.rollbackTransaction();
          throw error;
        }
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [ROLLUP_FOLD_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  /** The creating admin's email, recorded verbatim in assets.created_by. */
  async findAdminEmail(manager: EntityManager, adminId: string): Promise<string | null> {
    const rows: { email: string }[] = await manager.query(`SELECT email FROM admin_users WHERE id = $1`, [adminId]);
    return rows[0]?.email ?? null;
  }

  async insertAsset(manager: EntityManager, fields: AssetFields, createdBy: string | null): Promise<AssetDto> {
    const { columns, values } = columnsAndValues(fields);
    columns.push('created_by');
    values.push(createdBy);
    const placeholders = values.map((_, i) => `$${i + 1}`);
    const rows: AssetDto[] = await manager.query(
      `INSERT INTO assets AS a (${columns.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING ${ASSET_COLUMNS}`,
      values,
    );
    return rows[0];
  }

  /** Locks the asset row (FOR UPDATE) and sums what investors have committed to it, inside the caller's transaction. */
  async lockAssetWithCommitted(manager: EntityManager, id: string): Promise<LockedAsset | null> {
    const rows: Omit<LockedAsset, 'committedAmount'>[] = await manager.query(
      `SELECT a.id, a.status, a.currency, a.target_amount AS "targetAmount", a.min_investment AS "minInvestment",
              a.max_investment AS "maxInvestment", a.token_price AS "tokenPrice", a.opens_at AS "opensAt", a.closes_at AS "closesAt"
       FROM assets a WHERE a.id = $1 FOR UPDATE`,
      [id],
    );
    if (!rows[0]) return null;
    // A separate statement on purpose: under READ COMMITTED it takes a fresh snapshot after the lock
    // is granted, so it sees the investments the previous lock holder committed. A subquery in the
    // locking SELECT would still read the snapshot taken before waiting, and let the target be overrun.
    const [{ committed }]: { committed: string }[] = await manager.query(
      `SELECT COALESCE(sum(amount), 0)::numeric(24,6) AS committed FROM investments
       WHERE asset_id = $1 AND status IN ('pending', 'confirmed')`,
      [id],
    );
    return { ...rows[0], committedAmount: committed };
  }

  async updateAssetFields(manager: EntityManager, id: string, fields: AssetFields): Promise<AssetDto> {
    const { columns, values } = columnsAndValues(fields);
    const sets = columns.map((column, i) => `${column} = $${i + 2}`);
    sets.push('updated_at = now()');
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows]: [AssetDto[], number] = await manager.query(
      `UPDATE assets AS a SET ${sets.join(', ')} WHERE a.id = $1 RETURNING ${ASSET_COLUMNS}`,
      [id, ...values],
    );
    return rows[0];
  }

  /** The full row of an asset inside a transaction (for merging a partial edit). */
  async findAssetForEdit(manager: EntityManager, id: string): Promise<AssetDto | null> {
    const rows: AssetDto[] = await manager.query(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = $1`, [id]);
    return rows[0] ?? null;
  }
}
