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
 * - `query_timeout` (client side, DB_QUERY_TIMEOUT_MS): fires even when the server is frozen (SIGSTOP,
 *   a dead network), where no server-side timeout can; the connection it fired on is destroyed, so the
 *   pool never hands out a connection whose query is still running.
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
  keepTimerListAlive(database.queryTimeoutMs);
  return {
    ...base,
    extra: {
      ...(base as { extra?: object }).extra,
      Client: boundedClientClass(monitor),
      query_timeout: database.queryTimeoutMs,
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

const anchoredDurations = new Set<number>();

/**
 * pg arms a setTimeout of query_timeout for every query and clears it when the answer comes. Node keeps
 * one list of timers per duration, and creates it (a priority-queue insert, and libuv's timer re-armed)
 * whenever that list had emptied, which with answers back before the next query is sent is nearly every
 * query: about 6 µs of CPU per request in the bench's profile. One idle, unref'd interval of the same
 * duration keeps the list, so each query's timer is a linked-list append and unlink.
 */
export function keepTimerListAlive(ms: number): void {
  if (!(ms > 0) || anchoredDurations.has(ms)) return;
  anchoredDurations.add(ms);
  setInterval(() => undefined, ms).unref();
}

type QueryablePromise = { then?: (ok: () => void, fail: (error: unknown) => void) => unknown };

/** A node-postgres Client that reports each query's outcome and destroys itself when its query timed out. */
function boundedClientClass(monitor: DatabaseOutageMonitor): typeof pg.Client {
  return class BoundedClient extends pg.Client {
    constructor(...args: ConstructorParameters<typeof pg.Client>) {
      super(...args);
      // pg emits 'error' on a client whose socket fails even while it is handed out (a query runner
      // held by a job, between TypeORM's listeners): with no listener that would end the process.
      // The query on it rejects, and that is what reports the outage.
      this.on('error', () => undefined);
    }

    override query(...args: unknown[]): never {
      const sentAt = Date.now();
      const result = (super.query as (...a: unknown[]) => unknown)(...args) as QueryablePromise | undefined;
      if (typeof result?.then === 'function') {
        result.then(
          () => monitor.succeeded(sentAt),
          (error: unknown) => {
            if (classifyDatabaseError(error) !== 'unavailable') return;
            monitor.failed(error instanceof Error ? error.message : String(error));
            // The server may still be running (or frozen on) that query: this connection must never be
            // reused. Destroying the socket makes pg-pool drop the client when it is released.
            if (error instanceof Error && error.message === 'Query read timeout') {
              (this as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
            }
          },
        );
      }
      return result as never;
    }
  };
}
