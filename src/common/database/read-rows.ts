import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { classifyDatabaseError } from './database-outage';
import type { ReplicaRouter } from './read-routing';

/** Statement texts that get a server-side prepared statement; the rest run unnamed. */
const MAX_PREPARED = 500;
const statementNames = new Map<string, string>();
/** DataSources whose pool sits behind a transaction pooler: a named statement prepared on one server connection is unknown on the next. */
const unnamed = new WeakSet<DataSource>();

/** DataSources whose hot reads may be served by read replicas (DATABASE_REPLICA_URLS). */
const routers = new WeakMap<DataSource, ReplicaRouter>();

/** DATABASE_REPLICA_URLS: readRows asks the router whether a replica may answer (see ReplicaRouter). */
export function useReplicas(dataSource: DataSource, router: ReplicaRouter): void {
  routers.set(dataSource, router);
}

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
 * Falls back to dataSource.query when there is no pool. With read replicas configured, the
 * router may send it to a replica (never within a write request, nor when `primary` is asked for).
 */
export interface ReadOptions {
  /** Only the primary: the read must see what was just written (or folded) there. */
  primary?: boolean;
  /** The primary unless it is down (then a replica): reads whose answer is cached or decides access. */
  preferPrimary?: boolean;
}

/** The primary's pg Pool (the one TypeORM opened), when initialized. */
export function primaryPool(dataSource: DataSource): Pool | undefined {
  return (dataSource.driver as PostgresDriver | undefined)?.master as Pool | undefined;
}

export async function readRows<T>(dataSource: DataSource, sql: string, params: unknown[] = [], options: ReadOptions = {}): Promise<T[]> {
  const pool = primaryPool(dataSource);
  if (!pool) return dataSource.query(sql, params);
  const router = options.primary ? undefined : routers.get(dataSource);
  const replica = router ? await router.choose(options.preferPrimary) : undefined;
  if (replica) {
    try {
      return await runOn<T>(replica, dataSource, sql, params);
    } catch (error) {
      // A replica that does not answer, or has no connection free in time: the primary answers.
      if (!router!.failed(replica, (error as QueryFailedError).driverError ?? error)) throw error;
    }
  }
  try {
    return await runOn<T>(pool, dataSource, sql, params);
  } catch (error) {
    // The primary does not answer: a replica that is up serves the read (stale by its lag, never a 503).
    const fallback = router && !replica && classifyDatabaseError(error) === 'unavailable' ? router.anyUp() : undefined;
    if (!fallback) throw error;
    return runOn<T>(fallback, dataSource, sql, params);
  }
}

async function runOn<T>(pool: Pool, dataSource: DataSource, sql: string, params: unknown[]): Promise<T[]> {
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
