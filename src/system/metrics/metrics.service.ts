import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { archiverStats } from '../backup/backup.repository';
import { BackupService } from '../backup/backup.service';
import { DrillService } from '../backup/drill';
import { poolStats } from '../database/pool-stats';
import { MetricsRepository } from './metrics.repository';

/**
 * One prom-client Registry per app (not the global one), so several apps in one process
 * (the e2e tests) never clash. Gauges that describe shared state read it at scrape time.
 * Under CLUSTER_WORKERS the primary's scrape merges the workers' registries: counters, histograms
 * and the pool gauge add up; a gauge of shared state (database, backups, drills, disk) is taken
 * from one worker (`aggregator: 'first'`), and pend_database_up is the lowest (0 when any worker
 * could not reach the database).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'pend_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern, method and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    // Includes the seed's latency thresholds (25, 45, 75, 150, 200 ms): alert rules compare p95 with them exactly.
    buckets: [0.005, 0.01, 0.025, 0.045, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly slowQueries = new Counter({
    name: 'pend_db_slow_queries_total',
    help: 'Queries slower than DB_SLOW_QUERY_MS seen by this instance',
    registers: [this.registry],
  });

  readonly usageLogRows = new Counter({
    name: 'pend_api_usage_log_rows_total',
    help: 'api_usage_logs rows written (written) or lost after a failed flush (dropped)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor(
    dataSource: DataSource,
    backups: BackupService,
    drills: DrillService,
    @Inject(APP_CONFIG) config: AppConfig,
    metricsRepository: MetricsRepository,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pend_' });

    new Gauge({
      name: 'pend_db_pool_connections',
      help: "The app's PostgreSQL pool: connections in use, idle, and requests waiting for one",
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const pool = poolStats(dataSource);
        this.set({ state: 'in_use' }, pool.inUse);
        this.set({ state: 'idle' }, pool.idle);
        this.set({ state: 'waiting' }, pool.waiting);
      },
    });

    new Gauge({
      name: 'pend_import_rows',
      help: 'Legacy import: runs by status, and rows quarantined (import_runs, import_quarantine)',
      labelNames: ['kind'] as const,
      registers: [this.registry],
      aggregator: 'first',
      async collect() {
        const row = await metricsRepository.importRunCounts().catch(() => undefined);
        if (!row) return;
        this.set({ kind: 'runs_completed' }, row.completed);
        this.set({ kind: 'runs_failed' }, row.failed);
        this.set({ kind: 'quarantined' }, row.quarantined);
      },
    });
    new Gauge({
      name: 'pend_import_last_run_rows',
      help: 'Rows of the newest completed (non dry-run) legacy import, per table and result (read, inserted, updated, unchanged, quarantined)',
      labelNames: ['table', 'result'] as const,
      registers: [this.registry],
      aggregator: 'first',
      async collect() {
        const rows = await metricsRepository.lastImportRunRows().catch(() => []);
        this.reset();
        for (const row of rows) this.set({ table: row.table, result: row.result }, row.n);
      },
    });

    const backupGauge = (name: string, help: string, read: (m: NonNullable<ReturnType<typeof backups.store.newest>>) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        aggregator: 'first',
        collect() {
          const newest = backups.store.newestVerified();
          if (newest) this.set(read(newest));
        },
      });
    backupGauge(
      'pend_backup_last_success_timestamp_seconds',
      'When the newest verified backup started (unix seconds)',
      (m) => Date.parse(m.startedAt) / 1000,
    );
    backupGauge('pend_backup_last_duration_seconds', 'How long the newest verified backup took to dump', (m) => m.durationMs / 1000);
    backupGauge('pend_backup_last_size_bytes', 'Size of the newest verified dump', (m) => m.sizeBytes);
    new Gauge({
      name: 'pend_backup_last_verification_failed',
      help: '1 when the newest backup failed its verifying restore',
      registers: [this.registry],
      aggregator: 'first',
      collect() {
        this.set(backups.store.newest()?.verification.status === 'failed' ? 1 : 0);
      },
    });
    this.registerRecoveryMetrics(dataSource, drills, config, metricsRepository);
  }

  private registerRecoveryMetrics(
    dataSource: DataSource,
    drills: DrillService,
    config: AppConfig,
    metricsRepository: MetricsRepository,
  ): void {
    const registers = [this.registry];
    new Gauge({
      name: 'pend_database_up',
      help: '1 when the database answered a query at scrape time, else 0',
      registers,
      aggregator: 'min',
      async collect() {
        const ok = await Promise.race([
          metricsRepository.answers(),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref()),
        ]);
        this.set(ok ? 1 : 0);
      },
    });
    // pg_stat_archiver, read once per scrape for the four WAL archiving gauges.
    let archiver: Promise<Awaited<ReturnType<typeof archiverStats>> | undefined> | undefined;
    const readArchiver = () => {
      archiver ??= archiverStats(dataSource)
        .catch(() => undefined)
        .finally(() => setTimeout(() => (archiver = undefined), 1_000).unref());
      return archiver;
    };
    const archiverGauge = (name: string, help: string, read: (a: Awaited<ReturnType<typeof archiverStats>>) => number | undefined) =>
      new Gauge({
        name,
        help,
        registers,
        aggregator: 'first',
        async collect() {
          const stats = await readArchiver();
          const value = stats ? read(stats) : undefined;
          if (value !== undefined) this.set(value);
        },
      });
    archiverGauge('pend_wal_archive_enabled', '1 when the database archives its WAL (archive_mode on)', (a) => (a.mode === 'off' ? 0 : 1));
    archiverGauge('pend_wal_archive_last_success_timestamp_seconds', 'When the database last archived a WAL file (unix seconds)', (a) =>
      a.lastArchivedAt ? a.lastArchivedAt.getTime() / 1000 : undefined,
    );
    archiverGauge(
      'pend_wal_archive_last_failure_timestamp_seconds',
      'When archiving a WAL file last failed (unix seconds, 0 = never)',
      (a) => (a.lastFailedAt ? a.lastFailedAt.getTime() / 1000 : 0),
    );
    archiverGauge(
      'pend_wal_archive_failed_total',
      'WAL files whose archiving failed since the statistics were reset',
      (a) => a.failedCount,
    );

    new Gauge({
      name: 'pend_drill_last_success_timestamp_seconds',
      help: 'When the newest passed recovery drill started (unix seconds, 0 = no drill ever passed, so PendDrillOverdue fires)',
      registers,
      aggregator: 'first',
      collect() {
        const passed = drills.store.newestPassed();
        this.set(passed ? Date.parse(passed.startedAt) / 1000 : 0);
      },
    });
    new Gauge({
      name: 'pend_drill_last_failed',
      help: '1 when the newest recovery drill failed',
      registers,
      aggregator: 'first',
      collect() {
        this.set(drills.store.newest()?.status === 'failed' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'pend_drill_last_rto_seconds',
      help: 'Restore time of the newest passed recovery drill (the measured RTO)',
      registers,
      aggregator: 'first',
      collect() {
        const rto = drills.store.newestPassed()?.rtoMs;
        if (rto !== undefined) this.set(rto / 1000);
      },
    });
    new Gauge({
      name: 'pend_disk_used_ratio',
      help: 'Used share of the file system holding the backups and (when local) the database data',
      labelNames: ['volume'] as const,
      registers,
      aggregator: 'first',
      async collect() {
        const volumes: [string, string | undefined][] = [
          ['backups', config.backup.dir],
          ['database', config.database.url ? undefined : config.database.embeddedDataDir],
        ];
        for (const [volume, dir] of volumes) {
          if (!dir) continue;
          let target = path.resolve(dir);
          while (!fs.existsSync(target)) target = path.dirname(target);
          const stats = await fs.promises.statfs(target).catch(() => undefined);
          if (stats && stats.blocks > 0) this.set({ volume }, Number((1 - stats.bavail / stats.blocks).toFixed(4)));
        }
      },
    });
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
