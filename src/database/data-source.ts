import * as path from 'node:path';
import * as pg from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { classifyDatabaseError, DatabaseOutageMonitor } from '../common/database/database-outage';
import { AppConfig } from '../config/app.config';
import { JsonLogger } from '../common/logging/json-logger';
import { ENTITIES } from './entities';
import { TypeormJsonLogger } from './typeorm-logger';

export const MIGRATIONS_TABLE = 'migrations';
const MIGRATIONS_GLOB = path.join(__dirname, 'migrations', '*.{ts,js}');

/** The only place database options are built: the app, the CLI, the importer and the tests share it. */
export function buildDataSourceOptions(config: AppConfig, url: string, overrides: Partial<DataSourceOptions> = {}): DataSourceOptions {
  const { database } = config;
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: MIGRATIONS_TABLE,
    // Each migration in its own transaction: a failed one leaves the earlier ones applied.
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error', 'warn', 'migration'],
    maxQueryExecutionTime: database.slowQueryMs,
    // TypeORM's own logger prints slow queries with their parameters (phones, hashes); ours never does.
    logger: new TypeormJsonLogger(new JsonLogger(config.logLevel)),
    applicationName: 'pend-backend',
    // gen_random_uuid() is built into PostgreSQL 13+; no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    extra: {
      max: database.poolMax,
      idleTimeoutMillis: database.idleTimeoutMs,
      connectionTimeoutMillis: database.connectTimeoutMs,
    },
    ...overrides,
  } as DataSourceOptions;
}

export function createDataSource(config: AppConfig, url: string, overrides: Partial<DataSourceOptions> = {}): DataSource {
  return new DataSource(buildDataSourceOptions(config, url, overrides));
}

/**
 * The app's request pool: buildDataSourceOptions plus the bounds that keep a stalled or slow
 * database from hanging requests (CLIs, migrations and the importer keep the unbounded options).
 * - the query timeout (client side, DB_QUERY_TIMEOUT_MS, QueryTimeoutSweep): fires even when the server is
 *   frozen (SIGSTOP, a dead network), where no server-side timeout can; the connection it fired on is
 *   destroyed, so the pool never hands out a connection whose query is still running.
 * - `statement_timeout` / `lock_timeout` (server side): a slow query or a lock wait is cancelled by the
 *   server first, which keeps the connection usable; both map to 503 database_unavailable.
 * - `connectionTimeoutMillis` (DB_CONNECT_TIMEOUT_MS): the bounded wait for a pooled connection.
 * Every query's outcome tells the outage monitor whether the database answers.
 */
export function buildRequestDataSourceOptions(
  config: AppConfig,
  url: string,
  monitor: DatabaseOutageMonitor,
  overrides: Partial<DataSourceOptions> = {},
): DataSourceOptions {
  const { database } = config;
  const base = buildDataSourceOptions(config, url, overrides);
  return {
    ...base,
    extra: {
      ...(base as { extra?: object }).extra,
      // The client-side bound: the query-timeout sweep's (below), not node-postgres' query_timeout.
      Client: boundedClientClass(monitor, database.queryTimeoutMs),
      // Sent as startup parameters, which a transaction pooler (PgBouncer) refuses: with DATABASE_DIRECT_URL
      // set, DATABASE_URL is a pooler and these come from the role instead (ALTER ROLE … SET, docs/operations.md).
      ...(database.statementTimeoutMs > 0 && !database.directUrl ? { statement_timeout: database.statementTimeoutMs } : {}),
      ...(database.lockTimeoutMs > 0 && !database.directUrl ? { lock_timeout: database.lockTimeoutMs } : {}),
    },
    // An idle pooled connection that the server dropped: the outage monitor's business, not a log line each.
    poolErrorHandler: (error: unknown) => {
      if (classifyDatabaseError(error) === 'unavailable') monitor.failed(error instanceof Error ? error.message : String(error));
    },
  } as DataSourceOptions;
}

/** The parts of node-postgres' Client and Query the query-timeout sweep reads (pg keeps them on every client). */
interface PgQuery {
  /** Set by BoundedClient when the query is sent (a field on pg's own object: no allocation per query). */
  pendSentAt?: number;
  callback?: (error: Error) => void;
  handleError(error: Error, connection: unknown): void;
}
interface PgClientInternals {
  _queryable: boolean;
  _activeQuery: PgQuery | null;
  _queryQueue: PgQuery[];
  connection?: { stream?: { destroy(): void } };
}

const noop = () => undefined;

/**
 * The client-side bound on a request-pool query (DB_QUERY_TIMEOUT_MS), kept by one periodic sweep over
 * the clients that have a query out, instead of node-postgres' query_timeout, which arms and clears a
 * timer (and two closures) for every query: measurable per request on the hot path. A query still
 * unanswered when the sweep finds it older than the bound fails exactly as pg's own timeout fails it
 * ('Query read timeout', the late answer ignored), and its connection is destroyed, never reused. The
 * sweep runs every tenth of the bound (at most 250 ms): a stalled query fails within bound + that tick.
 */
export class QueryTimeoutSweep {
  private readonly busy = new Set<pg.Client>();
  private timer?: NodeJS.Timeout;
  readonly intervalMs: number;

  constructor(
    readonly boundMs: number,
    private readonly timedOut: (client: pg.Client) => void,
  ) {
    this.intervalMs = Math.max(10, Math.min(250, Math.floor(boundMs / 10)));
  }

  /** A client sent a query: watch it until the sweep sees it idle. */
  watch(client: pg.Client): void {
    if (this.busy.has(client)) return;
    this.busy.add(client);
    this.timer ??= setInterval(() => this.sweep(Date.now()), this.intervalMs).unref();
  }

  sweep(now: number): void {
    for (const client of this.busy) {
      const internals = client as unknown as PgClientInternals;
      const query = internals._activeQuery ?? internals._queryQueue[0];
      const sentAt = query?.pendSentAt;
      if (!query || sentAt === undefined) {
        this.busy.delete(client);
        continue;
      }
      if (now - sentAt < this.boundMs) continue;
      this.busy.delete(client);
      timeOut(internals, query);
      this.timedOut(client);
    }
    if (this.busy.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

/** What pg's query_timeout does to a query that outlived it, and then the connection destroyed (the server may still run it). */
function timeOut(client: PgClientInternals, query: PgQuery): void {
  // Not queryable from now on: when the query's holder releases it (before the socket's close is seen), pg-pool drops it.
  client._queryable = false;
  const error = new Error('Query read timeout');
  const callback = query.callback ?? noop;
  query.callback = noop;
  // A query object without a callback (a COPY stream) learns of it through handleError, as with pg's timer.
  process.nextTick(() => query.handleError(error, client.connection));
  callback(error);
  client.connection?.stream?.destroy();
}

type QueryablePromise = { then?: (ok: () => void, fail: (error: unknown) => void) => unknown };

/**
 * A node-postgres Client that reports each query's outcome to the outage monitor, bounded by the
 * query-timeout sweep (`queryTimeoutMs`, 0 for none): a timed-out query's connection is destroyed.
 */
export function boundedClientClass(monitor: DatabaseOutageMonitor, queryTimeoutMs: number): typeof pg.Client {
  const sweep = queryTimeoutMs > 0 ? new QueryTimeoutSweep(queryTimeoutMs, () => monitor.failed('Query read timeout')) : undefined;
  return class BoundedClient extends pg.Client {
    constructor(...args: ConstructorParameters<typeof pg.Client>) {
      super(...args);
      // pg emits 'error' on a client whose socket fails even while it is handed out (a query runner
      // held by a job, between TypeORM's listeners): with no listener that would end the process.
      // The query on it rejects, and that is what reports the outage.
      this.on('error', noop);
    }

    override query(...args: unknown[]): never {
      const sentAt = Date.now();
      const result = (super.query as (...a: unknown[]) => unknown)(...args) as QueryablePromise | undefined;
      if (sweep) {
        // The query pg just queued: the last of the queue, or the active one when it was sent at once.
        const internals = this as unknown as PgClientInternals;
        const queue = internals._queryQueue;
        const query = queue.length > 0 ? queue[queue.length - 1] : internals._activeQuery;
        if (query) {
          query.pendSentAt = sentAt;
          sweep.watch(this);
        }
      }
      if (typeof result?.then === 'function') {
        result.then(
          () => monitor.succeeded(sentAt),
          (error: unknown) => {
            if (classifyDatabaseError(error) === 'unavailable') monitor.failed(error instanceof Error ? error.message : String(error));
          },
        );
      }
      return result as never;
    }
  };
}
