import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Asset } from '../../assets/entities/asset.entity';
import { LEGACY_ID, MONEY, TX_HASH_PATTERN, UINT256 } from '../../database/columns';
import { User } from '../../users/entities/user.entity';
import { InvestmentAgreement } from './investment-agreement.entity';

export enum InvestmentStatus {
  Pending = 'pending',
  Confirmed = 'confirmed',
  Cancelled = 'cancelled',
  Refunded = 'refunded',
}

@Entity('investments')
@Check('chk_investments_amount', `"amount" >= 0`)
@Check('chk_investments_tokens', `"tokens" IS NULL OR "tokens" >= 0`)
@Check('chk_investments_tx_hash', `"tx_hash" IS NULL OR "tx_hash" ~ ${TX_HASH_PATTERN}`)
@Index('idx_investments_user_asset', ['userId', 'assetId'])
@Index('idx_investments_asset_status', ['assetId', 'status'])
// Analytics: confirmed investments in (asset, investor) order, amount included for index-only scans.
@Index('idx_investments_confirmed_asset_user', ['assetId', 'userId', 'amount'], { where: `"status" = 'confirmed'` })
export class Investment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'asset_id', type: 'uuid' })
  assetId: string;

  @ManyToOne(() => Asset, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'asset_id' })
  asset?: Asset;

  @Column({ ...MONEY })
  amount: string;

  @Column({ ...UINT256, nullable: true })
  tokens: string | null;

  @Column({ type: 'enum', enum: InvestmentStatus, enumName: 'investment_status', default: InvestmentStatus.Pending })
  status: InvestmentStatus;

  @Column({ name: 'tx_hash', type: 'varchar', length: 66, nullable: true })
  txHash: string | null;

  @OneToOne(() => InvestmentAgreement, (agreement) => agreement.investment)
  agreement?: InvestmentAgreement | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
