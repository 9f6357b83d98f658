import * as os from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataSource, QueryRunner } from 'typeorm';
import { SessionDatabase } from '../../database/session-database';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { poolStats } from '../database/pool-stats';
import { RequestStats } from '../usage/request-stats';
import { MetricSample, RetainedTable, SystemJobsRepository } from './system-jobs.repository';

const RETENTION_LOCK_KEY = 'pend:retention';
const DELETE_BATCH = 10_000;

/** What an instance with MONITORING_JOBS_ENABLED=false does not do: logged at start and shown in database-health. */
export const JOBS_OFF_EFFECT =
  'MONITORING_JOBS_ENABLED=false: the scheduled jobs are off in this instance, so unless another instance runs them the ' +
  'analytics rollup never folds (GET /api/assets/analytics stops moving), no system_metrics are sampled and no retention runs';

/**
 * The per-minute system_metrics sampler and the daily retention of api_usage_logs and
 * system_metrics. Both are off under NODE_ENV=test unless MONITORING_JOBS_ENABLED.
 */
@Injectable()
export class SystemJobsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('SystemJobs');
  private readonly instance = `${os.hostname()}:${process.pid}`;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly requests: RequestStats,
    private readonly session: SessionDatabase,
    private readonly repository: SystemJobsRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.monitoring.jobsEnabled) this.logger.warn(JOBS_OFF_EFFECT);
  }

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
   * database size and per-table row estimates.
   */
  async sample(): Promise<number> {
    const pool = poolStats(this.dataSource);
    const instance = { instance: this.instance };
    const size = await this.repository.databaseSizeBytes();
    const tables = await this.repository.tableRowEstimates();
    const samples: MetricSample[] = [
      ['db_pool_in_use', pool.inUse, instance],
      ['db_pool_idle', pool.idle, instance],
      ['db_pool_waiting', pool.waiting, instance],
      ['http_requests_per_minute', Number(this.requests.takeRatePerMinute().toFixed(2)), instance],
      ['db_size_bytes', size, null],
      // Written only while the API and the database work: the availability figures count these minutes.
      ['availability', 1, null],
      ...tables.map(({ name, rows }): MetricSample => ['table_rows_estimate', rows, { table: name }]),
    ];
    await this.repository.insertMetrics(samples);
    return samples.length;
  }

  /** Deletes api_usage_logs and system_metrics past their retention, in batches, in one instance. */
  async applyRetention(): Promise<{ apiUsageLogs: number; systemMetrics: number } | undefined> {
    // A session advisory lock: on the direct connection, never through a transaction pooler.
    const runner = this.session.dataSource.createQueryRunner();
    await runner.connect();
    try {
      if (!(await this.repository.tryAdvisoryLock(runner, RETENTION_LOCK_KEY))) return undefined;
      try {
        const apiUsageLogs = await this.deleteOlderThan(
          runner,
          { table: 'api_usage_logs', column: 'created_at' },
          this.config.apiUsageRetentionDays,
        );
        const systemMetrics = await this.deleteOlderThan(
          runner,
          { table: 'system_metrics', column: 'recorded_at' },
          this.config.monitoring.systemMetricsRetentionDays,
        );
        if (apiUsageLogs + systemMetrics > 0)
          this.logger.log(`Retention removed ${apiUsageLogs} api_usage_logs and ${systemMetrics} system_metrics rows`);
        return { apiUsageLogs, systemMetrics };
      } finally {
        await this.repository.releaseAdvisoryLock(runner, RETENTION_LOCK_KEY);
      }
    } finally {
      await runner.release();
    }
  }

  /** Batches of DELETE_BATCH until a batch comes back short. */
  private async deleteOlderThan(runner: QueryRunner, target: RetainedTable, days: number): Promise<number> {
    let total = 0;
    for (;;) {
      const affected = await this.repository.deleteBatchOlderThan(runner, target, days, DELETE_BATCH);
      total += affected;
      if (affected < DELETE_BATCH) return total;
    }
  }
}
