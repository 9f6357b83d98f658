import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';
import { RateLimitWindows, WindowLimit } from './rate-limit-windows';

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

const LOGIN_WINDOW = { windowSeconds: LOGIN_LIMITS.windowMs / 1000, blockSeconds: LOGIN_LIMITS.blockMs / 1000 };

/**
 * Rate limit of failed admin logins per email+IP and per IP, before the password is even checked.
 * Counted in PostgreSQL (rate_limit_windows): one limit across every instance.
 */
@Injectable()
export class LoginAttemptLimiter {
  constructor(private readonly windows: RateLimitWindows) {}

  retryAfterSeconds(email: string, ip: string): Promise<number> {
    return this.windows.retryAfterSeconds([`email+ip:${email}|${ip}`, `ip:${ip}`]);
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await this.windows.count(`email+ip:${email}|${ip}`, { ...LOGIN_WINDOW, limit: LOGIN_LIMITS.perEmailAndIp });
    await this.windows.count(`ip:${ip}`, { ...LOGIN_WINDOW, limit: LOGIN_LIMITS.perIp });
  }

  recordSuccess(email: string, ip: string): Promise<void> {
    return this.windows.clear(`email+ip:${email}|${ip}`);
  }
}

/**
 * Caps how fast one client address can ask for sign-in nonces (each is a row in auth_nonces), in
 * PostgreSQL like the login limit, so more instances do not mean more nonces.
 */
@Injectable()
export class NonceRequestLimiter {
  private readonly limit: WindowLimit;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly windows: RateLimitWindows,
  ) {
    this.limit = { limit: config.auth.siwe.noncesPerMinutePerIp, windowSeconds: 60, blockSeconds: 60 };
  }

  /** Seconds to wait when over the limit, else 0 (and the request is counted). */
  async take(ip: string): Promise<number> {
    const key = `nonce-ip:${ip}`;
    const wait = await this.windows.retryAfterSeconds([key]);
    if (wait === 0) await this.windows.count(key, this.limit);
    return wait;
  }
}
