import * as os from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataSource, QueryRunner } from 'typeorm';
import { SessionDatabase } from '../../database/session-database';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { poolStats } from '../database/pool-stats';
import { RequestStats } from '../usage/request-stats';

const RETENTION_LOCK_KEY = 'pend:retention';
const DELETE_BATCH = 10_000;

/**
 * The per-minute system_metrics sampler and the daily retention of api_usage_logs and
 * system_metrics. Both are off under NODE_ENV=test unless MONITORING_JOBS_ENABLED.
 */
@Injectable()
export class SystemJobsService {
  private readonly logger = new Logger('SystemJobs');
  private readonly instance = `${os.hostname()}:${process.pid}`;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly requests: RequestStats,
    private readonly session: SessionDatabase,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: 'system-metrics-sampler', waitForCompletion: true })
  async sampleOnSchedule(): Promise<void> {
    if (!this.config.monitoring.jobsEnabled) return;
    await this.sample().catch((error: Error) => this.logger.warn(`Metrics sample failed: ${error.message}`));
  }

  @Cron('30 3 * * *', { name: 'monitoring-retention', waitForCompletion: true, timeZone: 'UTC' })
  async retentionOnSchedule(): Promise<void> {
    if (!this.config.monitoring.jobsEnabled) return;
    await this.applyRetention().catch((error: Error) => this.logger.warn(`Retention failed: ${error.message}`));
  }

  /**
   * One row per metric into system_metrics: this instance's pool and request rate, and the
   * database size and per-table row estimates (pg_class.reltuples: cheap, refreshed by autovacuum).
   */
  async sample(): Promise<number> {
    const pool = poolStats(this.dataSource);
    const instance = { instance: this.instance };
    const [{ size }] = (await this.dataSource.query('SELECT pg_database_size(current_database())::bigint AS size')) as { size: string }[];
    const tables = (await this.dataSource.query(
      `SELECT c.relname AS name, greatest(c.reltuples, 0)::bigint AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public' ORDER BY 1`,
    )) as { name: string; rows: string }[];
    const samples: [string, number, Record<string, string> | null][] = [
      ['db_pool_in_use', pool.inUse, instance],
      ['db_pool_idle', pool.idle, instance],
      ['db_pool_waiting', pool.waiting, instance],
      ['http_requests_per_minute', Number(this.requests.takeRatePerMinute().toFixed(2)), instance],
      ['db_size_bytes', Number(size), null],
      ...tables.map(({ name, rows }): [string, number, Record<string, string>] => ['table_rows_estimate', Number(rows), { table: name }]),
    ];
    await this.dataSource.query(
      `INSERT INTO system_metrics (name, value, labels) SELECT * FROM unnest($1::varchar[], $2::float8[], $3::jsonb[])`,
      [samples.map((s) => s[0]), samples.map((s) => s[1]), samples.map((s) => (s[2] ? JSON.stringify(s[2]) : null))],
    );
    return samples.length;
  }

  /** Deletes api_usage_logs and system_metrics past their retention, in batches, in one instance. */
  async applyRetention(): Promise<{ apiUsageLogs: number; systemMetrics: number } | undefined> {
    // A session advisory lock: on the direct connection, never through a transaction pooler.
    const runner = this.session.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [RETENTION_LOCK_KEY])) as {
        locked: boolean;
      }[];
      if (!locked) return undefined;
      try {
        const apiUsageLogs = await this.deleteOlderThan(runner, 'api_usage_logs', 'created_at', this.config.apiUsageRetentionDays);
        const systemMetrics = await this.deleteOlderThan(
          runner,
          'system_metrics',
          'recorded_at',
          this.config.monitoring.systemMetricsRetentionDays,
        );
        if (apiUsageLogs + systemMetrics > 0)
          this.logger.log(`Retention removed ${apiUsageLogs} api_usage_logs and ${systemMetrics} system_metrics rows`);
        return { apiUsageLogs, systemMetrics };
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [RETENTION_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  private async deleteOlderThan(
    runner: QueryRunner,
    table: 'api_usage_logs' | 'system_metrics',
    column: 'created_at' | 'recorded_at',
    days: number,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const { affected = 0 } = await runner.query(
        `WITH doomed AS (SELECT id FROM ${table} WHERE ${column} < now() - make_interval(days => $1) LIMIT ${DELETE_BATCH})
         DELETE FROM ${table} t USING doomed WHERE t.id = doomed.id`,
        [days],
        true,
      );
      total += affected;
      if (affected < DELETE_BATCH) return total;
    }
  }
}
