import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';
import { BackoffLimit, RateLimitWindows, WindowLimit } from './rate-limit-windows';

/**
 * Failed admin logins are throttled per (account, client address) with growing delays, as OWASP's
 * authentication cheat sheet recommends, never by locking the account: a stranger who knows an
 * admin's e-mail slows down only their own addresses, and the admin still signs in from theirs.
 */
export const LOGIN_LIMITS = {
  /** Per email from one address: 4 free failures, then 2 s, 4 s, 8 s … up to 15 minutes, over an hour. */
  perEmailAndIp: { freeAttempts: 4, baseSeconds: 2, maxSeconds: 15 * 60, windowSeconds: 60 * 60 } satisfies BackoffLimit,
  /** Per address over any emails (password spraying): 20 failures in 15 minutes block the address for 15 minutes. */
  perIp: { limit: 20, windowSeconds: 15 * 60, blockSeconds: 15 * 60 } satisfies WindowLimit,
} as const;

/** The rate-limit key part for a client address; clients whose address is unknown (null) share one. */
const addressKey = (ip: string | null): string => ip ?? 'unknown';

/**
 * Throttles failed admin logins per email+IP (growing delays) and per IP, before the password is even
 * checked. Counted in PostgreSQL (rate_limit_windows): one limit across every instance. The address
 * is the socket's peer, or what a TRUST_PROXY proxy says (never a client's own X-Forwarded-For).
 */
@Injectable()
export class LoginAttemptLimiter {
  constructor(private readonly windows: RateLimitWindows) {}

  retryAfterSeconds(email: string, clientIp: string | null): Promise<number> {
    const ip = addressKey(clientIp);
    return this.windows.retryAfterSeconds([`email+ip:${email}|${ip}`, `ip:${ip}`]);
  }

  async recordFailure(email: string, clientIp: string | null): Promise<void> {
    const ip = addressKey(clientIp);
    await this.windows.countWithBackoff(`email+ip:${email}|${ip}`, LOGIN_LIMITS.perEmailAndIp);
    await this.windows.count(`ip:${ip}`, LOGIN_LIMITS.perIp);
  }

  recordSuccess(email: string, clientIp: string | null): Promise<void> {
    return this.windows.clear(`email+ip:${email}|${addressKey(clientIp)}`);
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
  async take(ip: string | null): Promise<number> {
    const key = `nonce-ip:${addressKey(ip)}`;
    const wait = await this.windows.retryAfterSeconds([key]);
    if (wait === 0) await this.windows.count(key, this.limit);
    return wait;
  }
}
