import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { AssetCategory } from './asset.entity';

/*
 * The analytics rollup of confirmed investments (migration InvestmentRollup): triggers on investments
 * append each statement's change to investment_rollup_queue in the same transaction as the change
 * (insert only: writers never wait on each other); fold_investment_rollup() applies the queue to the
 * totals below, one fold at a time. GET /api/assets/analytics folds, then reads a few hundred rows.
 * Sums are unbounded numeric: exact.
 */

/** Confirmed amount and tickets per (asset, investor) a committed statement added (or removed). rebuild: recompute everything. */
@Entity('investment_rollup_queue')
export class InvestmentRollupQueueEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'asset_id', type: 'uuid', nullable: true })
  assetId: string | null;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'numeric', default: 0 })
  amount: string;

  @Column({ type: 'integer', default: 0 })
  tickets: number;

  @Column({ type: 'boolean', default: false })
  rebuild: boolean;
}

/** One row per (asset, investor) with confirmed investments. */
@Entity('investment_rollup_pairs')
export class InvestmentRollupPair {
  @PrimaryColumn({ name: 'asset_id', type: 'uuid' })
  assetId: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'numeric' })
  amount: string;

  @Column({ type: 'integer' })
  tickets: number;
}

/** Per asset: raised (confirmed), confirmed investments, distinct investors. */
@Entity('investment_rollup_assets')
export class InvestmentRollupAsset {
  @PrimaryColumn({ name: 'asset_id', type: 'uuid' })
  assetId: string;

  @Column({ type: 'numeric' })
  raised: string;

  @Column({ type: 'integer' })
  tickets: number;

  @Column({ type: 'integer' })
  investors: number;
}

/** How many assets of a category an investor holds confirmed investments in. */
@Entity('investment_rollup_user_categories')
export class InvestmentRollupUserCategory {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @PrimaryColumn({ type: 'enum', enum: AssetCategory, enumName: 'asset_category' })
  category: AssetCategory;

  @Column({ type: 'integer' })
  assets: number;
}

/** How many assets an investor holds confirmed investments in (the platform's distinct investors). */
@Entity('investment_rollup_users')
export class InvestmentRollupUser {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'integer' })
  assets: number;
}

/** Distinct investors per category (scope = the category) and on the platform (scope = 'platform'). */
@Entity('investment_rollup_totals')
export class InvestmentRollupTotal {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  scope: string;

  @Column({ type: 'integer' })
  investors: number;
}
