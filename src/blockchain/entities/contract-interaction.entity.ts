import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { ADDRESS_PATTERN, LEGACY_ID, TX_HASH_PATTERN, UINT256 } from '../../database/columns';

export enum ContractCallStatus {
  Success = 'success',
  Reverted = 'reverted',
}

@Entity('contract_interactions')
@Unique('uq_contract_interactions_chain_tx_method', ['chainId', 'transactionHash', 'method'])
@Check('chk_contract_interactions_contract_address', `"contract_address" ~ ${ADDRESS_PATTERN}`)
@Check('chk_contract_interactions_from_address', `"from_address" IS NULL OR "from_address" ~ ${ADDRESS_PATTERN}`)
@Check('chk_contract_interactions_tx_hash', `"transaction_hash" ~ ${TX_HASH_PATTERN}`)
@Check('chk_contract_interactions_amounts', `"value" >= 0 AND ("gas_used" IS NULL OR "gas_used" >= 0)`)
@Index('idx_contract_interactions_contract', ['contractAddress', 'method'])
@Index('idx_contract_interactions_from', ['fromAddress'])
export class ContractInteraction {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `<chainId>:<transactionHash>:<method>`. */
  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  @Column({ name: 'chain_id', type: 'integer' })
  chainId: number;

  @Column({ name: 'contract_address', type: 'varchar', length: 42 })
  contractAddress: string;

  @Column({ name: 'transaction_hash', type: 'varchar', length: 66 })
  transactionHash: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber: string;

  @Column({ name: 'from_address', type: 'varchar', length: 42, nullable: true })
  fromAddress: string | null;

  @Column({ type: 'varchar', length: 200 })
  method: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  args: unknown[];

  @Column({ ...UINT256, default: 0 })
  value: string;

  @Column({ ...UINT256, name: 'gas_used', nullable: true })
  gasUsed: string | null;

  @Column({ type: 'enum', enum: ContractCallStatus, enumName: 'contract_call_status' })
  status: ContractCallStatus;

  @Column({ type: 'timestamptz', nullable: true })
  timestamp: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
