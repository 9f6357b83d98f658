import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export interface PoolStats {
  total: number;
  idle: number;
  inUse: number;
  waiting: number;
  max: number;
}

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/** The app's own pg Pool, as node-postgres counts it. */
export function poolStats(dataSource: DataSource): PoolStats {
  const pool = (dataSource.driver as PostgresDriver).master as PgPool | undefined;
  if (!pool) return { total: 0, idle: 0, inUse: 0, waiting: 0, max: 0 };
  return {
    total: pool.totalCount,
    idle: pool.idleCount,
    inUse: pool.totalCount - pool.idleCount,
    waiting: pool.waitingCount,
    max: pool.options?.max ?? 0,
  };
}
