import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { ADDRESS_PATTERN, LEGACY_ID, TX_HASH_PATTERN, UINT256 } from '../../database/columns';

@Entity('blockchain_events')
@Unique('uq_blockchain_events_chain_tx_log', ['chainId', 'transactionHash', 'logIndex'])
@Check('chk_blockchain_events_contract_address', `"contract_address" ~ ${ADDRESS_PATTERN}`)
@Check('chk_blockchain_events_tx_hash', `"transaction_hash" ~ ${TX_HASH_PATTERN}`)
@Check('chk_blockchain_events_block_hash', `"block_hash" IS NULL OR "block_hash" ~ ${TX_HASH_PATTERN}`)
@Check('chk_blockchain_events_numbers', `"block_number" >= 0 AND "log_index" >= 0`)
@Index('idx_blockchain_events_contract', ['contractAddress', 'eventType'])
@Index('idx_blockchain_events_block', ['chainId', 'blockNumber'])
export class BlockchainEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `<chainId>:<transactionHash>:<logIndex>`, the event's identity across overlapping scans. */
  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  @Column({ name: 'chain_id', type: 'integer' })
  chainId: number;

  /** EIP-55 checksummed. */
  @Column({ name: 'contract_address', type: 'varchar', length: 42 })
  contractAddress: string;

  @Column({ name: 'contract_name', type: 'varchar', length: 100, nullable: true })
  contractName: string | null;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber: string;

  @Column({ name: 'block_hash', type: 'varchar', length: 66, nullable: true })
  blockHash: string | null;

  @Column({ name: 'transaction_hash', type: 'varchar', length: 66 })
  transactionHash: string;

  @Column({ name: 'log_index', type: 'integer' })
  logIndex: number;

  @Column({ name: 'event_type', type: 'varchar', length: 100 })
  eventType: string;

  /** Free-form per event type; kept whole. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  args: Record<string, unknown>;

  /** `args.value` when the event carries a uint256 amount, for exact sums. */
  @Column({ ...UINT256, nullable: true })
  value: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  timestamp: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
