import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Asset } from '../../assets/entities/asset.entity';
import { LEGACY_ID, MONEY, TX_HASH_PATTERN } from '../../database/columns';
import { User } from '../../users/entities/user.entity';
import { Investment } from './investment.entity';

export enum TransactionType {
  Deposit = 'deposit',
  Withdrawal = 'withdrawal',
  Investment = 'investment',
  Distribution = 'distribution',
  Fee = 'fee',
  Refund = 'refund',
}

export enum TransactionStatus {
  Pending = 'pending',
  Completed = 'completed',
  Failed = 'failed',
}

@Entity('transactions')
@Check('chk_transactions_amount', `"amount" >= 0`)
@Check('chk_transactions_tx_hash', `"tx_hash" IS NULL OR "tx_hash" ~ ${TX_HASH_PATTERN}`)
// Created DESC in the migration; TypeORM cannot express the sort order.
@Index('idx_transactions_timestamp', ['createdAt'])
// Per-user history, newest first, keyset-paginated on (created_at, id).
@Index('idx_transactions_user_created', ['userId', 'createdAt', 'id'])
export class Transaction {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'enum', enum: TransactionType, enumName: 'transaction_type' })
  type: TransactionType;

  @Column({ ...MONEY })
  amount: string;

  @Column({ type: 'varchar', length: 10, default: 'USDC' })
  currency: string;

  @Column({ type: 'enum', enum: TransactionStatus, enumName: 'transaction_status', default: TransactionStatus.Pending })
  status: TransactionStatus;

  @Column({ name: 'tx_hash', type: 'varchar', length: 66, nullable: true })
  txHash: string | null;

  @Column({ name: 'asset_id', type: 'uuid', nullable: true })
  assetId: string | null;

  @ManyToOne(() => Asset, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'asset_id' })
  asset?: Asset | null;

  @Column({ name: 'investment_id', type: 'uuid', nullable: true })
  investmentId: string | null;

  @ManyToOne(() => Investment, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'investment_id' })
  investment?: Investment | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
