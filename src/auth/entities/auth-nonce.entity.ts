import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A one-time Sign-In-with-Ethereum nonce. */
@Entity('auth_nonces')
@Index('idx_auth_nonces_expires', ['expiresAt'])
export class AuthNonce {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  nonce: string;

  @Column({ type: 'varchar', length: 42 })
  address: string;

  /** SHA-256 (hex) of the exact message issued with the nonce: only that message is accepted. */
  @Column({ name: 'message_hash', type: 'char', length: 64 })
  messageHash: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
