import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ADDRESS_PATTERN, LEGACY_ID, MONEY } from '../../database/columns';

export enum AssetCategory {
  RealEstate = 'real_estate',
  PrivateCredit = 'private_credit',
  Venture = 'venture',
  Commodities = 'commodities',
}

export enum AssetStatus {
  Draft = 'draft',
  Open = 'open',
  Funded = 'funded',
  Closed = 'closed',
  Cancelled = 'cancelled',
}

export interface AssetDocument {
  title: string | null;
  url: string | null;
  version: string | null;
}

@Entity('assets')
@Check(
  'chk_assets_amounts',
  `"target_amount" >= 0 AND "min_investment" >= 0 AND ("max_investment" IS NULL OR "max_investment" >= "min_investment") AND "token_price" >= 0`,
)
@Check('chk_assets_min_within_target', `"min_investment" <= "target_amount"`)
@Check('chk_assets_contract_address', `"contract_address" IS NULL OR "contract_address" ~ ${ADDRESS_PATTERN}`)
@Check('chk_assets_window', `"opens_at" IS NULL OR "closes_at" IS NULL OR "closes_at" >= "opens_at"`)
@Index('idx_assets_status_category', ['status', 'category'])
export class Asset {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'enum', enum: AssetCategory, enumName: 'asset_category' })
  category: AssetCategory;

  @Column({ type: 'enum', enum: AssetStatus, enumName: 'asset_status', default: AssetStatus.Draft })
  status: AssetStatus;

  @Column({ type: 'varchar', length: 10, default: 'USDC' })
  currency: string;

  @Column({ ...MONEY, name: 'target_amount' })
  targetAmount: string;

  @Column({ ...MONEY, name: 'min_investment', default: 0 })
  minInvestment: string;

  @Column({ ...MONEY, name: 'max_investment', nullable: true })
  maxInvestment: string | null;

  @Column({ name: 'token_symbol', type: 'varchar', length: 16, nullable: true })
  tokenSymbol: string | null;

  @Column({ ...MONEY, name: 'token_price', nullable: true })
  tokenPrice: string | null;

  @Column({ name: 'chain_id', type: 'integer', nullable: true })
  chainId: number | null;

  /** EIP-55 checksummed. */
  @Column({ name: 'contract_address', type: 'varchar', length: 42, nullable: true })
  contractAddress: string | null;

  /** A percentage: 8.5 means 8.5 %. */
  @Column({ name: 'expected_apy', type: 'numeric', precision: 7, scale: 4, nullable: true })
  expectedApy: string | null;

  @Column({ name: 'opens_at', type: 'timestamptz', nullable: true })
  opensAt: Date | null;

  @Column({ name: 'closes_at', type: 'timestamptz', nullable: true })
  closesAt: Date | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** Offering documents as the legacy store lists them: [{title, url, version}]. */
  @Column({ type: 'jsonb', nullable: true })
  documents: AssetDocument[] | null;

  /** Email of the admin who created it; kept verbatim even when that admin is gone. */
  @Column({ name: 'created_by', type: 'varchar', length: 254, nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
