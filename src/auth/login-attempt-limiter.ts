import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';

interface Window {
  attempts: number;
  startedAt: number;
  blockedUntil: number;
}

/** Counts attempts per key in a fixed window; the `limit`-th blocks the key for `blockMs`. In memory, per instance. */
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

/** Rate limit of failed admin logins per email+IP and per IP, before the password is even checked. */
@Injectable()
export class LoginAttemptLimiter {
  private readonly byEmailAndIp = new AttemptCounter(LOGIN_LIMITS.perEmailAndIp, LOGIN_LIMITS.windowMs, LOGIN_LIMITS.blockMs);
  private readonly byIp = new AttemptCounter(LOGIN_LIMITS.perIp, LOGIN_LIMITS.windowMs, LOGIN_LIMITS.blockMs);

  retryAfterSeconds(email: string, ip: string): number {
    return Math.max(this.byEmailAndIp.retryAfterSeconds(`${email}|${ip}`), this.byIp.retryAfterSeconds(ip));
  }

  recordFailure(email: string, ip: string): void {
    this.byEmailAndIp.record(`${email}|${ip}`);
    this.byIp.record(ip);
  }

  recordSuccess(email: string, ip: string): void {
    this.byEmailAndIp.reset(`${email}|${ip}`);
  }
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
