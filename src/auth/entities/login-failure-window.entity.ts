import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Failed admin logins per key (email+IP, or IP) in a fixed window, shared by every app instance:
 * the limit holds however many instances a client spreads its guesses over.
 */
@Entity('login_failure_windows')
@Index('idx_login_failure_windows_started', ['windowStartedAt'])
export class LoginFailureWindow {
  /** SHA-256 (hex) of the key: the table never keeps the emails (or passwords typed as one) it counts. */
  @PrimaryColumn({ type: 'char', length: 64 })
  key: string;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt: Date;

  @Column({ name: 'blocked_until', type: 'timestamptz', nullable: true })
  blockedUntil: Date | null;
}
