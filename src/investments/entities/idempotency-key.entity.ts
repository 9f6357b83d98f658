import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Remembers the first response to an `Idempotency-Key`, per caller. */
@Entity('idempotency_keys')
@Index('idx_idempotency_keys_created', ['createdAt'])
export class IdempotencyKey {
  /** The caller (user or admin id) the key belongs to. */
  @PrimaryColumn({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  /** SHA-256 of method, route and canonical body. */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash: string;

  @Column({ name: 'response_status', type: 'smallint', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'response_body', type: 'jsonb', nullable: true })
  responseBody: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
