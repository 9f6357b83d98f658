import { LoggerService } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../config/app.config';
import { attachToRunningEmbeddedPostgres, RestartEvent, RunningDatabase, startEmbeddedPostgres } from './embedded-postgres';

export const EMBEDDED_DATABASE_NAME = 'pend';

/**
 * Resolves the database the process talks to: the server named by DATABASE_URL,
 * or the embedded PostgreSQL under the project, started here.
 */
export async function provideDatabaseServer(
  config: AppConfig,
  logger: LoggerService,
  options: { stopOnSignals?: boolean; owner?: 'app' | 'cli' } = {},
): Promise<RunningDatabase> {
  if (config.database.url) {
    return { url: config.database.url, stop: async () => undefined };
  }
  if (options.owner !== 'app') {
    // A command-line tool next to a running app uses the app's server and never stops it.
    const running = await attachToRunningEmbeddedPostgres({ dataDir: config.database.embeddedDataDir, database: EMBEDDED_DATABASE_NAME });
    if (running) {
      logger.log(
        `Using the embedded PostgreSQL already running in ${config.database.embeddedDataDir} (pid ${running.pid}, port ${running.port}); it keeps running`,
        'Database',
      );
      return running;
    }
  }
  logger.log(
    `Starting embedded PostgreSQL 15 (data: ${config.database.embeddedDataDir}, port ${config.database.embeddedPort})`,
    'Database',
  );
  const database = await startEmbeddedPostgres({
    dataDir: config.database.embeddedDataDir,
    port: config.database.embeddedPort,
    database: EMBEDDED_DATABASE_NAME,
    onLog: (line) => (line.startsWith('Stopping the embedded') ? logger.warn(line, 'Database') : logger.debug?.(line, 'EmbeddedPostgres')),
    stopOnSignals: options.stopOnSignals,
    owner: options.owner ?? 'cli',
    // Only the app keeps its server alive: a tool's server lives as long as the command.
    restart:
      options.owner === 'app' && config.database.embeddedRestartAttempts > 0
        ? {
            attempts: config.database.embeddedRestartAttempts,
            firstDelayMs: 250,
            maxDelayMs: 5_000,
            onEvent: (event) => logRestartEvent(logger, event),
          }
        : undefined,
    walArchive: config.backup.pitr.enabled
      ? { dir: config.backup.pitr.walDir, timeoutSeconds: config.backup.pitr.archiveTimeoutSeconds }
      : undefined,
  });
  logger.log('Embedded PostgreSQL is ready', 'Database');
  return database;
}

/** One line when the embedded server dies and one when it runs again (or is given up), never one per attempt. */
function logRestartEvent(logger: LoggerService, event: RestartEvent): void {
  switch (event.kind) {
    case 'exited':
      logger.error(
        `Embedded PostgreSQL (pid ${event.pid}) exited unexpectedly (${event.exit}); restarting it, requests get 503 database_unavailable meanwhile`,
        'Database',
      );
      return;
    case 'restarted':
      logger.warn(
        `Embedded PostgreSQL restarted (pid ${event.pid}) after ${(event.downMs / 1000).toFixed(1)} s down, attempt ${event.attempts}`,
        'Database',
      );
      return;
    case 'foreign':
      logger.warn(
        `Another embedded PostgreSQL (pid ${event.pid}${event.ownerPid ? `, started by process ${event.ownerPid}` : ''}) runs in the data folder; ` +
          'it is not ours to stop or replace: waiting until it is gone',
        'Database',
      );
      return;
    case 'gave_up':
      logger.error(
        `Embedded PostgreSQL could not be restarted in ${event.attempts} attempt(s) over ${(event.downMs / 1000).toFixed(1)} s ` +
          `(${event.lastError}); requests keep getting 503 database_unavailable: restart the app`,
        'Database',
      );
  }
}

/** Creates the URL's database on its server when it is missing (for `db:setup` against an external server). */
export async function ensureDatabaseExists(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    return true;
  } finally {
    await client.end();
  }
}

/** `postgres://user:***@host:port/db`, safe to print. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
