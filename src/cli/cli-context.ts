import { DataSource } from 'typeorm';
import { JsonLogger } from '../common/logging/json-logger';
import { AppConfig, loadAppConfig } from '../config/app.config';
import { provideDatabaseServer } from '../database/database-server';
import { createDataSource } from '../database/data-source';
import { initializeWithRetry } from '../database/migration-runner';
import { TypeormJsonLogger } from '../database/typeorm-logger';
import { RunningDatabase } from '../database/embedded-postgres';

export interface CliContext {
  config: AppConfig;
  logger: JsonLogger;
  database: RunningDatabase;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * What every command-line tool starts with: the validated configuration, the database
 * (DATABASE_URL, or the embedded server started for the command) and a DataSource.
 */
export async function openCliContext(options: { connect?: boolean } = {}): Promise<CliContext> {
  const config = loadAppConfig();
  const logger = new JsonLogger(process.env.LOG_LEVEL ?? 'warn');
  const database = await provideDatabaseServer(config, logger);
  // The tools take session advisory locks and run pg_dump: the direct connection when a pooler sits in front.
  const dataSource = createDataSource(config, config.database.directUrl ?? database.url, {
    logging: ['error'],
    logger: new TypeormJsonLogger(logger),
  });
  if (options.connect !== false) {
    try {
      await initializeWithRetry(dataSource, config.database.connectRetries, logger);
    } catch (error) {
      await database.stop();
      throw error;
    }
  }
  return {
    config,
    logger,
    database,
    dataSource,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.stop();
    },
  };
}

/** Runs a CLI main, printing a one-line error (no stack) and a non-zero exit on failure. */
export function runCli(name: string, main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${name}: ${message}\n`);
      if (process.env.DEBUG_CLI && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}
