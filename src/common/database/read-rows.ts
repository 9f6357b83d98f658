import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * One read statement straight on the app's pg Pool (the one TypeORM opened), for the hot GET
 * routes: TypeORM's dataSource.query builds and releases a QueryRunner and broadcasts events
 * around every statement, which the profile showed as per-request CPU. Slow queries still reach
 * TypeORM's logger (system_logs, the metric), and errors are QueryFailedError as before, so the
 * exception filter maps them the same way. Falls back to dataSource.query when there is no pool
 * (the bench floor hands in a pool-backed stand-in).
 */
export async function readRows<T>(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver | undefined)?.master as Pool | undefined;
  if (!pool) return dataSource.query(sql, params);
  const started = performance.now();
  let rows: T[];
  try {
    rows = (await pool.query(sql, params)).rows as T[];
  } catch (error) {
    throw new QueryFailedError(sql, params, error as Error);
  }
  const elapsed = performance.now() - started;
  const slowMs = dataSource.options.maxQueryExecutionTime;
  if (slowMs && elapsed > slowMs) dataSource.logger.logQuerySlow(elapsed, sql, params);
  return rows;
}
