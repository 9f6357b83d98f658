import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';

interface Window {
  attempts: number;
  startedAt: number;
  blockedUntil: number;
}

/** Counts attempts per key in a fixed window; the `limit`-th blocks the key for `blockMs`. In memory, per instance (sign-in nonce requests). */
export class AttemptCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly blockMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Seconds until the key may try again; 0 when it may. */
  retryAfterSeconds(key: string, now = Date.now()): number {
    const window = this.windows.get(key);
    return window && window.blockedUntil > now ? Math.ceil((window.blockedUntil - now) / 1000) : 0;
  }

  record(key: string, now = Date.now()): void {
    let window = this.windows.get(key);
    if (!window || now - window.startedAt > this.windowMs) {
      if (this.windows.size >= this.maxKeys) this.prune(now);
      window = { attempts: 0, startedAt: now, blockedUntil: 0 };
      this.windows.set(key, window);
    }
    window.attempts += 1;
    if (window.attempts >= this.limit) window.blockedUntil = now + this.blockMs;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.startedAt > this.windowMs && window.blockedUntil <= now) this.windows.delete(key);
    }
    // Still full (an attack from many addresses): forget the oldest half rather than grow without bound.
    if (this.windows.size >= this.maxKeys) {
      let drop = Math.floor(this.windows.size / 2);
      for (const key of this.windows.keys()) {
        if (drop-- <= 0) break;
        this.windows.delete(key);
      }
    }
  }
}

export const LOGIN_LIMITS = {
  /** Failures per email from one address before it is blocked. */
  perEmailAndIp: 5,
  /** Failures from one address over any emails. */
  perIp: 20,
  windowMs: 15 * 60_000,
  blockMs: 15 * 60_000,
  /** Failures on one account (from anywhere) before the account itself is locked (admin_users.locked_until). */
  perAccount: 10,
  accountLockSeconds: 15 * 60,
} as const;

/** Forget ended windows at most this often per instance. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Rate limit of failed admin logins per email+IP and per IP, before the password is even checked.
 * Counted in PostgreSQL (login_failure_windows): one limit across every instance. Each count is one
 * atomic upsert, so concurrent failures never lose an increment.
 */
@Injectable()
export class LoginAttemptLimiter {
  private lastPrune = 0;

  constructor(private readonly dataSource: DataSource) {}

  async retryAfterSeconds(email: string, ip: string): Promise<number> {
    const [row]: { wait: number }[] = await this.dataSource.query(
      `SELECT COALESCE(ceil(extract(epoch FROM max(blocked_until) - now())), 0)::int AS wait
         FROM login_failure_windows WHERE key = ANY($1::char(64)[]) AND blocked_until > now()`,
      [[keyOf(`email+ip:${email}|${ip}`), keyOf(`ip:${ip}`)]],
    );
    return row.wait;
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await this.count(keyOf(`email+ip:${email}|${ip}`), LOGIN_LIMITS.perEmailAndIp);
    await this.count(keyOf(`ip:${ip}`), LOGIN_LIMITS.perIp);
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      await this.dataSource.query(
        `DELETE FROM login_failure_windows
          WHERE window_started_at <= now() - make_interval(secs => $1) AND (blocked_until IS NULL OR blocked_until <= now())`,
        [LOGIN_LIMITS.windowMs / 1000],
      );
    }
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_failure_windows WHERE key = $1`, [keyOf(`email+ip:${email}|${ip}`)]);
  }

  /** One more failure for the key: a new window once the old one ended; the limit-th blocks the key. */
  private async count(key: string, limit: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO login_failure_windows AS w (key, attempts, window_started_at, blocked_until)
       VALUES ($1, 1, now(), CASE WHEN $2 <= 1 THEN now() + make_interval(secs => $4) END)
       ON CONFLICT (key) DO UPDATE SET
         attempts = CASE WHEN w.window_started_at <= now() - make_interval(secs => $3) THEN 1 ELSE w.attempts + 1 END,
         window_started_at = CASE WHEN w.window_started_at <= now() - make_interval(secs => $3) THEN now() ELSE w.window_started_at END,
         blocked_until = CASE
           WHEN (CASE WHEN w.window_started_at <= now() - make_interval(secs => $3) THEN 1 ELSE w.attempts + 1 END) >= $2
           THEN now() + make_interval(secs => $4) ELSE w.blocked_until END`,
      [key, limit, LOGIN_LIMITS.windowMs / 1000, LOGIN_LIMITS.blockMs / 1000],
    );
  }
}

function keyOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Caps how fast one client address can ask for sign-in nonces (each is a row in auth_nonces). */
@Injectable()
export class NonceRequestLimiter {
  private readonly byIp: AttemptCounter;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.byIp = new AttemptCounter(config.auth.siwe.noncesPerMinutePerIp, 60_000, 60_000);
  }

  /** Seconds to wait when over the limit, else 0 (and the request is counted). */
  take(ip: string): number {
    const wait = this.byIp.retryAfterSeconds(ip);
    if (wait === 0) this.byIp.record(ip);
    return wait;
  }
}
