import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SingleFlight } from '../../common/cache/single-flight';
import { redactText } from '../../common/logging/redact';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { BackupService } from '../backup/backup.service';
import { DrillService } from '../backup/drill';
import { poolStats } from '../database/pool-stats';
import { JOBS_OFF_EFFECT } from '../jobs/system-jobs.service';
import { ApiUsageBuffer } from '../usage/api-usage.buffer';
import { ActivityRow, DashboardStatsRow, MonitoringRepository, StatementRow } from './monitoring.repository';

const QUERY_CHARS = 500;
const WINDOW_MINUTES = 60;
const round = (n: number | null | undefined, digits = 3) => (n === null || n === undefined ? null : Number(Number(n).toFixed(digits)));

/** The admin monitoring read models, built from pg_stat_*, the pool, api_usage_logs and the backup manifests. */
@Injectable()
export class MonitoringService {
  /** The dashboard's aggregates scan every user and investment: one computation at a time, reused for DASHBOARD_STATS_MAX_AGE_MS. */
  private readonly dashboard: SingleFlight<DashboardStatsRow>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly repository: MonitoringRepository,
    private readonly backups: BackupService,
    private readonly usage: ApiUsageBuffer,
    private readonly drills: DrillService,
  ) {
    this.dashboard = new SingleFlight(config.monitoring.dashboardStatsMaxAgeMs, () => this.repository.dashboardStats());
  }

  async databaseHealth() {
    const [row, statementsAvailable, sampled] = await Promise.all([
      this.repository.databaseHealth(),
      this.repository.hasStatementStats(),
      this.repository.availability(),
    ]);
    // Up minutes over the minutes since the window's first sample (a minute without a sample was down).
    const percent = (up: number, first: Date | null) => {
      if (!first) return null;
      const minutes = Math.max(1, Math.floor((Date.now() - new Date(first).getTime()) / 60_000) + 1);
      return round(Math.min(100, (100 * up) / minutes), 3);
    };
    const drill = this.drills.store.newest();
    const pool = poolStats(this.dataSource);
    const blocks = Number(row.blks_hit) + Number(row.blks_read);
    const cacheHitRatio = blocks > 0 ? round(Number(row.blks_hit) / blocks, 4) : null;
    const avgFromStatements = statementsAvailable ? await this.repository.averageStatementMs() : null;
    const xacts = Number(row.xact_total);
    const avgQueryTime = avgFromStatements ?? (row.active_time_ms !== null && xacts > 0 ? row.active_time_ms / xacts : null);

    const newest = this.backups.store.newest();
    const lastVerified = this.backups.store.newestVerified();
    const backupAgeHours = lastVerified ? (Date.now() - Date.parse(lastVerified.startedAt)) / 3_600_000 : null;
    const problems: string[] = [];
    if (row.total >= row.max_connections * 0.9) problems.push('connections near max_connections');
    if (pool.waiting > 0) problems.push('requests waiting for a pool connection');
    if (cacheHitRatio !== null && blocks > 10_000 && cacheHitRatio < 0.9) problems.push('cache hit ratio below 0.9');
    if (newest?.verification.status === 'failed') problems.push('the last backup failed verification');
    if (this.config.backup.enabled && (backupAgeHours === null || backupAgeHours > this.config.backup.maxAgeHours))
      problems.push('no recent verified backup');
    if (!this.config.monitoring.jobsEnabled) problems.push(JOBS_OFF_EFFECT);

    return {
      status: problems.length === 0 ? 'healthy' : 'degraded',
      problems,
      connections: {
        active: row.active,
        idle: row.idle,
        idleInTransaction: row.idle_in_transaction,
        total: row.total,
        max: row.max_connections,
        pool: { inUse: pool.inUse, idle: pool.idle, waiting: pool.waiting, total: pool.total, max: pool.max },
      },
      performance: {
        avgQueryTime: round(avgQueryTime),
        avgQueryTimeSource:
          avgFromStatements !== null ? 'pg_stat_statements' : avgQueryTime !== null ? 'pg_stat_database.active_time' : 'unavailable',
        slowQueries: row.slow_queries_24h,
        slowQueriesLastHour: row.slow_queries_1h,
        slowQueryThresholdMs: this.config.database.slowQueryMs,
        cacheHitRatio,
        deadlocks: Number(row.deadlocks),
      },
      scheduledJobs: { enabled: this.config.monitoring.jobsEnabled },
      uptime: Math.round(row.uptime_seconds),
      availability: { last24h: percent(sampled.up_24h, sampled.first_24h), last30d: percent(sampled.up_30d, sampled.first_30d) },
      lastDrill: drill
        ? {
            at: drill.startedAt,
            status: drill.status,
            rtoSeconds: drill.rtoMs === undefined ? null : round(drill.rtoMs / 1000),
            error: drill.error ?? null,
          }
        : null,
      serverStartedAt: new Date(row.started_at).toISOString(),
      databaseSize: { bytes: Number(row.size_bytes), pretty: row.size_pretty },
      lastBackup: newest
        ? {
            at: newest.startedAt,
            file: newest.file,
            sizeBytes: newest.sizeBytes,
            verified: newest.verification.status === 'verified',
            verification: newest.verification.status,
            lastVerifiedAt: lastVerified?.startedAt ?? null,
          }
        : null,
    };
  }

  async databaseActivity() {
    const rows = await this.repository.activity(QUERY_CHARS);
    const byPid = new Map(rows.map((r) => [r.pid, r]));
    const describe = (r: ActivityRow) => ({
      pid: r.pid,
      user: r.user,
      application: r.application_name,
      clientAddr: r.client_addr,
      state: r.state,
      waitEventType: r.wait_event_type,
      waitEvent: r.wait_event,
      queryStart: r.query_start ? new Date(r.query_start).toISOString() : null,
      durationMs: round(r.query_ms, 1),
      query: r.query === null ? null : redactText(r.query),
    });
    return {
      currentQueries: rows.filter((r) => r.state !== 'idle').map(describe),
      blockingLocks: rows
        .filter((r) => r.blocked_by.length > 0)
        .map((r) => ({
          blockedPid: r.pid,
          blockedQuery: r.query === null ? null : redactText(r.query),
          waitingForLock: r.waiting_for_lock,
          waitingMs: round(r.query_ms, 1),
          blockingPids: r.blocked_by,
          blocking: r.blocked_by.map((pid) => {
            const blocker = byPid.get(pid);
            return { pid, state: blocker?.state ?? null, query: blocker?.query ? redactText(blocker.query) : null };
          }),
        })),
      longestTransactions: rows
        .filter((r) => r.xact_start !== null)
        .sort((a, b) => (b.xact_ms ?? 0) - (a.xact_ms ?? 0))
        .slice(0, 10)
        .map((r) => ({ ...describe(r), transactionStart: new Date(r.xact_start!).toISOString(), transactionMs: round(r.xact_ms, 1) })),
      totals: { connections: rows.length + 1, nonIdle: rows.filter((r) => r.state !== 'idle').length },
    };
  }

  async performanceMetrics() {
    // What this instance has buffered counts too: flush it first.
    await this.usage.flush();
    const [routes, statementsAvailable] = await Promise.all([
      this.repository.routeTimings(WINDOW_MINUTES),
      this.repository.hasStatementStats(),
    ]);
    const slowest: StatementRow[] = statementsAvailable
      ? await this.repository.slowestStatements(10, QUERY_CHARS)
      : await this.repository.slowestLoggedQueries(10, WINDOW_MINUTES, QUERY_CHARS);
    const total = routes.reduce((n, r) => n + r.count, 0);
    const serverErrors = routes.reduce((n, r) => n + r.server_errors, 0);
    const clientErrors = routes.reduce((n, r) => n + r.client_errors, 0);
    return {
      windowMinutes: WINDOW_MINUTES,
      requests: total,
      errorRate: total > 0 ? round(serverErrors / total, 4) : 0,
      clientErrorRate: total > 0 ? round(clientErrors / total, 4) : 0,
      routes: routes.map((r) => ({
        method: r.method,
        route: r.route,
        count: r.count,
        p50: round(r.p50),
        p95: round(r.p95),
        p99: round(r.p99),
        max: round(r.max),
        serverErrors: r.server_errors,
        clientErrors: r.client_errors,
        errorRate: round(r.server_errors / r.count, 4),
      })),
      slowestQueries: {
        source: statementsAvailable ? 'pg_stat_statements' : 'system_logs',
        queries: slowest.map((s) => ({
          query: redactText(s.query ?? ''),
          calls: Number(s.calls),
          meanMs: round(s.mean_ms),
          maxMs: round(s.max_ms),
          totalMs: round(s.total_ms),
          rows: s.rows === null ? null : Number(s.rows),
        })),
      },
    };
  }

  /**
   * Up to DASHBOARD_STATS_MAX_AGE_MS old; generatedAt says when the numbers were read. `fresh`: numbers read after
   * this call (the client sent Cache-Control: no-cache), never a reused result.
   */
  async dashboardStats(fresh = false): Promise<DashboardStatsRow & { generatedAt: string }> {
    const { value, startedAt } = await (fresh ? this.dashboard.fresh() : this.dashboard.get());
    return { ...value, generatedAt: startedAt.toISOString() };
  }
}
