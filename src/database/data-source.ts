import * as path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { boundedClientClass } from '../common/database/bounded-client';
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
      // The client-side bound: the query-timeout sweep's (common/database/bounded-client), not node-postgres' query_timeout.
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
