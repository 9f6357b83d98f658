import * as path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
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
