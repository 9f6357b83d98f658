import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService, OnApplicationShutdown } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import * as pg from 'pg';
import { boundedClientClass } from './bounded-client';
import { guardPoolClients } from './pool-errors';
import { classifyDatabaseError } from './database-outage';

/** The header a write's answer carries (the primary's WAL position after it) and a later read sends back. */
export const READ_AFTER_LSN_HEADER = 'x-pend-lsn';
const LSN = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i;
/** How long a replica that failed is left out before it is tried again. */
const REPLICA_BACKOFF_MS = 5_000;
const LSN_POLL_MS = 10;

/** What readRows needs to know about the request it serves (set per request by the HTTP hook). */
export interface ReadScope {
  /** The request writes (any method but GET/HEAD/OPTIONS): all its reads go to the primary. */
  write: boolean;
  /** The caller's last write position (X-Pend-LSN): a replica serves it only once it has replayed that far. */
  minLsn?: string;
  /** Set when a malformed X-Pend-LSN came: the primary answers (always current). */
  primaryOnly?: boolean;
}

export const readScope = new AsyncLocalStorage<ReadScope>();

const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readScopeFor(method: string, lsnHeader: string | string[] | undefined): ReadScope {
  const write = !READ_ONLY_METHODS.has(method);
  const value = Array.isArray(lsnHeader) ? lsnHeader[0] : lsnHeader;
  if (value === undefined || value === '') return { write };
  return LSN.test(value.trim()) ? { write, minLsn: value.trim().toUpperCase() } : { write, primaryOnly: true };
}

export interface ReplicaPoolOptions {
  poolMax: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  statementTimeoutMs: number;
  idleTimeoutMs: number;
}

interface Replica {
  url: string;
  pool: pg.Pool;
  /** Left out until then (ms since epoch) after a connection failure. */
  downUntil: number;
}

/**
 * The read replicas (streaming standbys) and the rule for when one may answer a hot read:
 * - never outside a request (jobs, CLIs) nor inside a write request: the primary;
 * - a caller that sent X-Pend-LSN: the first replica that has replayed that position within
 *   DB_REPLICA_WAIT_MS, else the primary (read-your-writes across instances);
 * - while the primary is in an outage: a replica whatever its position (reads keep being served).
 * A replica that fails to answer is left out for a few seconds and the read goes to the primary.
 */
export class ReplicaRouter implements OnApplicationShutdown {
  private readonly replicas: Replica[];
  private next = 0;

  constructor(
    urls: string[],
    options: ReplicaPoolOptions,
    private readonly waitMs: number,
    private readonly primaryInOutage: () => boolean,
    private readonly logger?: LoggerService,
  ) {
    this.replicas = urls.map((url) => {
      const pool = new pg.Pool({
        connectionString: url,
        max: options.poolMax,
        connectionTimeoutMillis: options.connectTimeoutMs,
        idleTimeoutMillis: options.idleTimeoutMs,
        // The client-side bound (DB_QUERY_TIMEOUT_MS) kept by the query-timeout sweep, as on the request pool:
        // node-postgres' query_timeout would arm and clear a timer for every hot read the replica serves.
        Client: boundedClientClass(undefined, options.queryTimeoutMs),
        application_name: 'pend-backend-replica',
        ...(options.statementTimeoutMs > 0 ? { statement_timeout: options.statementTimeoutMs } : {}),
      });
      guardPoolClients(pool); // a connection the server dropped: the query on it fails, the next one notices
      return { url, pool, downUntil: 0 };
    });
  }

  get size(): number {
    return this.replicas.length;
  }

  /** Each replica's pool, for health checks. */
  get pools(): { url: string; pool: pg.Pool }[] {
    return this.replicas.map(({ url, pool }) => ({ url, pool }));
  }

  /** The replica pool that may serve the current request's hot read, or undefined for the primary. */
  async choose(preferPrimary = false): Promise<pg.Pool | undefined> {
    const scope = readScope.getStore();
    if (!scope || scope.write || this.replicas.length === 0) return undefined;
    const now = Date.now();
    const up = this.replicas.filter((replica) => replica.downUntil <= now);
    if (up.length === 0) return undefined;
    const start = this.next++ % up.length;
    const ordered = [...up.slice(start), ...up.slice(0, start)];
    const primaryDown = this.primaryInOutage();
    if (primaryDown) return ordered[0].pool;
    if (scope.primaryOnly || preferPrimary) return undefined;
    if (!scope.minLsn) return ordered[0].pool;
    const deadline = now + this.waitMs;
    for (;;) {
      for (const replica of ordered) {
        if (await this.hasReplayed(replica, scope.minLsn)) return replica.pool;
      }
      if (Date.now() + LSN_POLL_MS > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, LSN_POLL_MS));
    }
  }

  /** Whether some replica is not left out: with the primary down, reads are still served (writes get maintenance_read_only). */
  hasReplicaUp(): boolean {
    const now = Date.now();
    return this.replicas.some((replica) => replica.downUntil <= now);
  }

  /** A replica that is not left out (for a read the primary failed to answer), or undefined. */
  anyUp(): pg.Pool | undefined {
    const scope = readScope.getStore();
    if (!scope || scope.write) return undefined;
    const now = Date.now();
    return this.replicas.find((replica) => replica.downUntil <= now)?.pool;
  }

  /**
   * A replica's read failed; whether the primary should serve it instead. Yes for a connection failure (the
   * replica is then left out for a while), and for no free connection in the replica's pool within the wait:
   * more reads than its pool holds while its connections are stuck on a stalled server, or a saturated
   * replica. That alone does not leave it out; the stuck connections' own timeouts do.
   */
  failed(pool: pg.Pool, error: unknown): boolean {
    const failure = classifyDatabaseError(error);
    if (failure !== 'unavailable' && failure !== 'pool_wait') return false;
    const replica = this.replicas.find((candidate) => candidate.pool === pool);
    if (!replica) return false;
    if (failure === 'pool_wait') return true;
    if (replica.downUntil <= Date.now())
      this.logger?.warn(`Read replica unavailable; reads go to the primary for ${REPLICA_BACKOFF_MS} ms`, 'Database');
    replica.downUntil = Date.now() + REPLICA_BACKOFF_MS;
    return true;
  }

  private async hasReplayed(replica: Replica, lsn: string): Promise<boolean> {
    try {
      const { rows } = await replica.pool.query<{ ok: boolean }>('SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, true) AS ok', [
        lsn,
      ]);
      return rows[0]?.ok === true;
    } catch (error) {
      this.failed(replica.pool, error);
      return false;
    }
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.pool.end().catch(() => undefined)));
  }
}

/**
 * Per request: the read scope readRows routes by (an AsyncLocalStorage run around the whole request),
 * and on every answer to a write the primary's WAL position after it, in X-Pend-LSN, for the client to
 * send back on its next reads (to any instance): a replica answers them only once it has replayed it.
 */
export function useReadRouting(fastify: FastifyInstance, router: ReplicaRouter, primary: () => pg.Pool | undefined): void {
  if (router.size === 0) return;
  fastify.addHook('onRequest', (request, _reply, done) => {
    readScope.run(readScopeFor(request.method, request.headers[READ_AFTER_LSN_HEADER]), done);
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (READ_ONLY_METHODS.has(request.method) || reply.statusCode === 503) return payload;
    try {
      const pool = primary();
      const rows = pool ? (await pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows : [];
      if (rows[0]) void reply.header(READ_AFTER_LSN_HEADER, rows[0].lsn);
    } catch {
      // No position, no header: the client's next reads are served as any other caller's.
    }
    return payload;
  });
}
