import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ImportRunCounts {
  completed: number;
  failed: number;
  quarantined: number;
}

/** The statements behind the /metrics gauges that read the database at scrape time. */
@Injectable()
export class MetricsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** True when the database answers a trivial query, false on any error. */
  answers(): Promise<boolean> {
    return this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
  }

  /** Legacy import runs by status and rows quarantined. */
  async importRunCounts(): Promise<ImportRunCounts> {
    const [row] = (await this.dataSource.query(
      `SELECT (SELECT count(*) FROM import_runs WHERE status = 'completed')::int AS completed,
              (SELECT count(*) FROM import_runs WHERE status = 'failed')::int AS failed,
              (SELECT count(*) FROM import_quarantine)::int AS quarantined`,
    )) as ImportRunCounts[];
    return row;
  }

  /** Per table and result, the row counts in the report of the newest completed (non dry-run) import. */
  async lastImportRunRows(): Promise<{ table: string; result: string; n: number }[]> {
    const rows = (await this.dataSource.query(
      `SELECT t.key AS "table", c.key AS result, c.value::bigint AS n
       FROM (SELECT report FROM import_runs WHERE status = 'completed' AND NOT dry_run AND report IS NOT NULL
             ORDER BY finished_at DESC NULLS LAST LIMIT 1) run,
            jsonb_each(CASE jsonb_typeof(run.report->'tables') WHEN 'object' THEN run.report->'tables' ELSE '{}' END) t,
            jsonb_each_text(CASE jsonb_typeof(t.value) WHEN 'object' THEN t.value ELSE '{}' END) c
       WHERE c.value ~ '^[0-9]+$'`,
    )) as { table: string; result: string; n: string }[];
    return rows.map((r) => ({ table: r.table, result: r.result, n: Number(r.n) }));
  }
}
