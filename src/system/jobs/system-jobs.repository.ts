import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';

/** Rows system_metrics keeps, and the two tables retention prunes. */
export type MetricSample = [name: string, value: number, labels: Record<string, string> | null];
export type RetainedTable = { table: 'api_usage_logs'; column: 'created_at' } | { table: 'system_metrics'; column: 'recorded_at' };

/** The statements of the metrics sampler and the retention job. */
@Injectable()
export class SystemJobsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async databaseSizeBytes(): Promise<number> {
    const [{ size }] = (await this.dataSource.query('SELECT pg_database_size(current_database())::bigint AS size')) as { size: string }[];
    return Number(size);
  }

  /** Per-table row estimates (pg_class.reltuples: cheap, refreshed by autovacuum). */
  async tableRowEstimates(): Promise<{ name: string; rows: number }[]> {
    const rows = (await this.dataSource.query(
      `SELECT c.relname AS name, greatest(c.reltuples, 0)::bigint AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public' ORDER BY 1`,
    )) as { name: string; rows: string }[];
    return rows.map(({ name, rows: n }) => ({ name, rows: Number(n) }));
  }

  async insertMetrics(samples: MetricSample[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO system_metrics (name, value, labels) SELECT * FROM unnest($1::varchar[], $2::float8[], $3::jsonb[])`,
      [samples.map((s) => s[0]), samples.map((s) => s[1]), samples.map((s) => (s[2] ? JSON.stringify(s[2]) : null))],
    );
  }

  /** A session advisory lock on `runner`'s connection; false when another session holds it. */
  async tryAdvisoryLock(runner: QueryRunner, key: string): Promise<boolean> {
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [key])) as { locked: boolean }[];
    return locked;
  }

  async releaseAdvisoryLock(runner: QueryRunner, key: string): Promise<void> {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
  }

  /** Deletes up to `batch` rows older than `days`; returns how many went. */
  async deleteBatchOlderThan(runner: QueryRunner, { table, column }: RetainedTable, days: number, batch: number): Promise<number> {
    const { affected = 0 } = await runner.query(
      `WITH doomed AS (SELECT id FROM ${table} WHERE ${column} < now() - make_interval(days => $1) LIMIT ${Number(batch)})
       DELETE FROM ${table} t USING doomed WHERE t.id = doomed.id`,
      [days],
      true,
    );
    return affected;
  }
}
