import 'reflect-metadata';
import cluster from 'node:cluster';
import { createApp } from './bootstrap';
import { runClusterPrimary, WORKER_DATABASE_URL_ENV, WORKER_SLOT_ENV } from './cluster';
import { ConfigValidationError, loadAppConfig } from './config/app.config';
import { JsonLogger } from './common/logging/json-logger';
import { describeDatabaseUrl, provideDatabaseServer } from './database/database-server';
import { EmbeddedPostgresError } from './database/embedded-postgres';

async function main() {
  let config;
  try {
    config = loadAppConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const worker = cluster.isWorker ? Number(process.env[WORKER_SLOT_ENV]) : undefined;
  const logger = new JsonLogger(config.logLevel, undefined, worker === undefined ? undefined : { worker });
  if (worker === undefined && config.cluster.workers > 1) return runClusterPrimary(config, logger);
  if (worker !== undefined) {
    // A CLUSTER_WORKERS worker: the primary ran the migrations and owns the embedded server (its URL comes in the environment).
    config = { ...config, database: { ...config.database, migrationsRun: false } };
  }
  // main stops the embedded server itself, after the app has closed its pool.
  const handedUrl = process.env[WORKER_DATABASE_URL_ENV];
  const database =
    worker !== undefined
      ? { url: handedUrl || config.database.url!, stop: async () => undefined }
      : await provideDatabaseServer(config, logger, { stopOnSignals: false, owner: 'app' });
  if (worker === undefined) logger.log(`Using database ${describeDatabaseUrl(database.url)}`, 'Bootstrap');

  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`Received ${signal}, shutting down`, 'Bootstrap');
    try {
      // The order matters (a usage-log row is written after its response is sent): stop accepting and
      // answer what is in flight; only then do the modules' destroy hooks drain every background writer
      // (api_usage_logs, slow queries) and the TypeORM pool close; the embedded database stops last.
      // Nest alone would run the destroy hooks before closing the HTTP server and lose the last rows.
      await app?.getHttpAdapter().close();
      await app?.close();
    } finally {
      await database.stop();
      logger.log('Stopped', 'Bootstrap');
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  try {
    app = await createApp({ config, databaseUrl: database.url, logger });
    await app.listen(config.port, config.host);
  } catch (error) {
    logger.error(error instanceof Error ? error : String(error), 'Bootstrap');
    await app?.close().catch(() => undefined);
    await database.stop();
    process.exit(1);
  }
  if (worker !== undefined) return; // the primary logs once all its workers listen
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.log(`Pend API listening on http://${shownHost}:${config.port}/api (docs: /api/docs, health: /api/health)`, 'Bootstrap');
}

main().catch((error: unknown) => {
  const message = error instanceof EmbeddedPostgresError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`Pend backend failed to start: ${message}\n`);
  process.exit(1);
});
