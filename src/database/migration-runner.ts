import { LoggerService } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One key for every process of this app: whoever holds it runs the migrations. */
const MIGRATION_LOCK_KEY = 'pend:migrations';

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so two instances
 * starting at once do not race: the second waits, then finds nothing pending.
 */
export async function runMigrationsWithLock(dataSource: DataSource, logger?: LoggerService): Promise<string[]> {
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const names = applied.map((m) => m.name);
    if (names.length > 0) logger?.log(`Applied ${names.length} migration(s): ${names.join(', ')}`, 'Migrations');
    return names;
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockRunner.release();
  }
}

/** Initialises a DataSource, retrying with exponential backoff while the server is unreachable. */
export async function initializeWithRetry(
  dataSource: DataSource,
  retries: number,
  logger?: LoggerService,
  baseDelayMs = 500,
): Promise<DataSource> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.initialize();
    } catch (error) {
      if (attempt > retries) throw error;
      const delay = Math.min(baseDelayMs * 2 ** (attempt - 1), 10_000);
      const reason = error instanceof Error ? error.message : String(error);
      logger?.warn(`Database not reachable (attempt ${attempt}/${retries + 1}), retrying in ${delay} ms: ${reason}`, 'Database');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
