import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';

export interface WindowLimit {
  /** The attempt that reaches this count blocks the key. */
  limit: number;
  windowSeconds: number;
  blockSeconds: number;
}

export interface BackoffLimit {
  /** Failures in a window that cost no delay. */
  freeAttempts: number;
  /** The delay after the first failure beyond the free ones; it doubles with each further one. */
  baseSeconds: number;
  maxSeconds: number;
  windowSeconds: number;
}

/** Forget ended windows at most this often per instance. */
const PRUNE_EVERY_MS = 60_000;
/** Windows this old are over for every limit that uses the table. */
const LONGEST_WINDOW_SECONDS = 3600;

/**
 * Fixed-window attempt counts kept in PostgreSQL (rate_limit_windows), so a limit holds across every
 * instance. Keys are stored as SHA-256; each count is one atomic upsert, so concurrent attempts never
 * lose an increment.
 */
@Injectable()
export class RateLimitWindows {
  private lastPrune = 0;

  constructor(private readonly dataSource: DataSource) {}

  /** Seconds until every one of these keys may try again; 0 when none is blocked. */
  async retryAfterSeconds(keys: string[]): Promise<number> {
    const [row]: { wait: number }[] = await this.dataSource.query(
      `SELECT COALESCE(ceil(extract(epoch FROM max(blocked_until) - now())), 0)::int AS wait
         FROM rate_limit_windows WHERE key = ANY($1::char(64)[]) AND blocked_until > now()`,
      [keys.map(hashKey)],
    );
    return row.wait;
  }

  /** One more attempt for the key: a new window once the old one ended; the limit-th blocks the key. */
  async count(key: string, { limit, windowSeconds, blockSeconds }: WindowLimit): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO rate_limit_windows AS w (key, attempts, window_started_at, blocked_until)
       VALUES ($1, 1, now(), CASE WHEN $2 <= 1 THEN now() + make_interval(secs => $4) END)
       ON CONFLICT (key) DO UPDATE SET
         attempts = CASE WHEN w.window_started_at <= now() - make_interval(secs => $3) THEN 1 ELSE w.attempts + 1 END,
         window_started_at = CASE WHEN w.window_started_at <= now() - make_interval(secs => $3) THEN now() ELSE w.window_started_at END,
         blocked_until = CASE
           WHEN (CASE WHEN w.window_started_at <= now() - make_interval(secs => $3) THEN 1 ELSE w.attempts + 1 END) >= $2
           THEN now() + make_interval(secs => $4) ELSE w.blocked_until END`,
      [hashKey(key), limit, windowSeconds, blockSeconds],
    );
    await this.pruneNowAndThen();
  }

  /**
   * One more failure for the key, with growing delays: the first `freeAttempts` in a window cost
   * nothing, each later one blocks the key for baseSeconds × 2^(extra − 1), at most maxSeconds.
   */
  async countWithBackoff(key: string, { freeAttempts, baseSeconds, maxSeconds, windowSeconds }: BackoffLimit): Promise<void> {
    // One atomic upsert (the row's lock orders concurrent failures): `attempts` after this one is
    // computed alike in each SET expression.
    const attempts = `(CASE WHEN w.window_started_at <= now() - make_interval(secs => $3::int) THEN 1 ELSE w.attempts + 1 END)`;
    const delayAfter = (n: string) => `make_interval(secs => least($5::float8, $4::float8 * power(2, ${n} - $2::int - 1)))`;
    await this.dataSource.query(
      `INSERT INTO rate_limit_windows AS w (key, attempts, window_started_at, blocked_until)
       VALUES ($1, 1, now(), CASE WHEN 1 > $2::int THEN now() + ${delayAfter('1')} END)
       ON CONFLICT (key) DO UPDATE SET
         attempts = ${attempts},
         window_started_at = CASE WHEN ${attempts} = 1 THEN now() ELSE w.window_started_at END,
         blocked_until = CASE WHEN ${attempts} > $2::int THEN now() + ${delayAfter(attempts)} ELSE w.blocked_until END`,
      [hashKey(key), freeAttempts, windowSeconds, baseSeconds, maxSeconds],
    );
    await this.pruneNowAndThen();
  }

  async clear(key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM rate_limit_windows WHERE key = $1`, [hashKey(key)]);
  }

  private async pruneNowAndThen(): Promise<void> {
    if (Date.now() - this.lastPrune <= PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    await this.dataSource.query(
      `DELETE FROM rate_limit_windows
        WHERE window_started_at <= now() - make_interval(secs => $1) AND (blocked_until IS NULL OR blocked_until <= now())`,
      [LONGEST_WINDOW_SECONDS],
    );
  }
}

function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
