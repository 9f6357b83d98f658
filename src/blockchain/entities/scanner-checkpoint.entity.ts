import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The last block the chain scanner processed, per chain (metadata.json `scanner.lastBlock`). */
@Entity('scanner_checkpoints')
@Check('chk_scanner_checkpoints_block', `"last_block" >= 0`)
export class ScannerCheckpoint {
  @PrimaryColumn({ name: 'chain_id', type: 'integer' })
  chainId: number;

  @Column({ name: 'last_block', type: 'bigint' })
  lastBlock: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
