import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Statement texts that get a server-side prepared statement; the rest run unnamed. */
const MAX_PREPARED = 500;
const statementNames = new Map<string, string>();
/** DataSources whose pool sits behind a transaction pooler: a named statement prepared on one server connection is unknown on the next. */
const unnamed = new WeakSet<DataSource>();

/** DB_PREPARED_STATEMENTS=false: this DataSource's hot reads go unnamed (parsed and planned per execution). */
export function useUnnamedStatements(dataSource: DataSource): void {
  unnamed.add(dataSource);
}

/**
 * A name per distinct statement text, so each pooled connection parses and plans it once
 * (pg prepares a named statement on first use per connection and reuses it after).
 */
function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    name = `pend_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * One read statement straight on the app's pg Pool (the one TypeORM opened), for the hot GET
 * routes: TypeORM's dataSource.query builds and releases a QueryRunner and broadcasts events
 * around every statement, which the profile showed as per-request CPU, and re-parses the text
 * each time. Slow queries still reach TypeORM's logger (system_logs, the metric), and errors are
 * QueryFailedError as before, so the exception filter maps them the same way.
 * Falls back to dataSource.query when there is no pool.
 */
export async function readRows<T>(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver | undefined)?.master as Pool | undefined;
  if (!pool) return dataSource.query(sql, params);
  const started = performance.now();
  let rows: T[];
  try {
    rows = (await pool.query({ name: unnamed.has(dataSource) ? undefined : statementName(sql), text: sql, values: params })).rows as T[];
  } catch (error) {
    throw new QueryFailedError(sql, params, error as Error);
  }
  const elapsed = performance.now() - started;
  const slowMs = dataSource.options?.maxQueryExecutionTime;
  if (slowMs && elapsed > slowMs) dataSource.logger.logQuerySlow(elapsed, sql, params);
  return rows;
}
