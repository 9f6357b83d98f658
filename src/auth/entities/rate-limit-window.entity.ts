import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Attempts per key in a fixed window, shared by every app instance: failed admin logins (per
 * email+IP and per IP) and sign-in nonce requests (per IP). A limit holds however many instances a
 * client spreads its requests over.
 */
@Entity('rate_limit_windows')
@Index('idx_rate_limit_windows_started', ['windowStartedAt'])
export class RateLimitWindow {
  /** SHA-256 (hex) of the key: the table never keeps the emails (or passwords typed as one) or addresses it counts. */
  @PrimaryColumn({ type: 'char', length: 64 })
  key: string;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt: Date;

  @Column({ name: 'blocked_until', type: 'timestamptz', nullable: true })
  blockedUntil: Date | null;
}
