import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readRows } from '../../common/database/read-rows';
import { OPEN_KYC_STATUSES } from '../../kyc/entities/kyc-application.entity';

export interface DatabaseHealthRow {
  total: number;
  active: number;
  idle: number;
  idle_in_transaction: number;
  max_connections: number;
  size_bytes: string;
  size_pretty: string;
  uptime_seconds: number;
  started_at: Date;
  blks_hit: string;
  blks_read: string;
  xact_total: string;
  active_time_ms: number | null;
  deadlocks: string;
  slow_queries_24h: number;
  slow_queries_1h: number;
}

export interface ActivityRow {
  pid: number;
  user: string | null;
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  query_start: Date | null;
  xact_start: Date | null;
  query_ms: number | null;
  xact_ms: number | null;
  query: string | null;
  blocked_by: number[];
  waiting_for_lock: string | null;
}

export interface RouteTimingRow {
  route: string;
  method: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  server_errors: number;
  client_errors: number;
}

export interface StatementRow {
  query: string;
  calls: string;
  mean_ms: number;
  max_ms: number;
  total_ms: number;
  rows: string;
}

/** Every query the admin monitoring endpoints run, each in one round trip. */
@Injectable()
export class MonitoringRepository {
  private statementsAvailable?: Promise<boolean>;

  constructor(private readonly dataSource: DataSource) {}

  databaseHealth(): Promise<DatabaseHealthRow> {
    return this.dataSource
      .query(
        `SELECT a.total, a.active, a.idle, a.idle_in_transaction,
                current_setting('max_connections')::int AS max_connections,
                pg_database_size(current_database())::bigint AS size_bytes,
                pg_size_pretty(pg_database_size(current_database())) AS size_pretty,
                extract(epoch FROM now() - pg_postmaster_start_time())::float8 AS uptime_seconds,
                pg_postmaster_start_time() AS started_at,
                d.blks_hit, d.blks_read, d.xact_commit + d.xact_rollback AS xact_total, d.active_time AS active_time_ms, d.deadlocks,
                (SELECT count(*) FROM system_logs WHERE category = 'slow_query' AND created_at > now() - interval '24 hours')::int AS slow_queries_24h,
                (SELECT count(*) FROM system_logs WHERE category = 'slow_query' AND created_at > now() - interval '1 hour')::int AS slow_queries_1h
         FROM pg_stat_database d,
              LATERAL (SELECT count(*)::int AS total,
                              count(*) FILTER (WHERE state = 'active')::int AS active,
                              count(*) FILTER (WHERE state = 'idle')::int AS idle,
                              count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int AS idle_in_transaction
                       FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend') a
         WHERE d.datname = current_database()`,
      )
      .then((rows: DatabaseHealthRow[]) => rows[0]);
  }

  /**
   * Minutes with an `availability` sample (the per-minute sampler writes one while the API and the
   * database work) over the last 24 h and 30 d, and the first sampled minute of each window.
   */
  availability(): Promise<{ up_24h: number; first_24h: Date | null; up_30d: number; first_30d: Date | null }> {
    return this.dataSource
      .query(
        `WITH s AS (SELECT DISTINCT date_trunc('minute', recorded_at) AS m FROM system_metrics
                    WHERE name = 'availability' AND recorded_at > now() - interval '30 days')
         SELECT (SELECT count(*) FROM s WHERE m > now() - interval '24 hours')::int AS up_24h,
                (SELECT min(m) FROM s WHERE m > now() - interval '24 hours') AS first_24h,
                (SELECT count(*) FROM s)::int AS up_30d,
                (SELECT min(m) FROM s) AS first_30d`,
      )
      .then((rows: { up_24h: number; first_24h: Date | null; up_30d: number; first_30d: Date | null }[]) => rows[0]);
  }

  /** Every other client backend of this database, with what blocks it. */
  activity(queryChars: number): Promise<ActivityRow[]> {
    return this.dataSource.query(
      `SELECT a.pid, a.usename AS "user", a.application_name, a.client_addr::text, a.state, a.wait_event_type, a.wait_event,
              a.query_start, a.xact_start,
              (extract(epoch FROM clock_timestamp() - a.query_start) * 1000)::float8 AS query_ms,
              (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::float8 AS xact_ms,
              left(a.query, $1) AS query, pg_blocking_pids(a.pid) AS blocked_by,
              (SELECT string_agg(l.locktype || ' ' || l.mode || coalesce(' on ' || l.relation::regclass::text, ''), ', ')
                 FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted) AS waiting_for_lock
       FROM pg_stat_activity a
       WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'
       ORDER BY a.query_start NULLS LAST`,
      [queryChars],
    );
  }

  routeTimings(sinceMinutes: number): Promise<RouteTimingRow[]> {
    return this.dataSource.query(
      `SELECT route, method, count(*)::int AS count,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99,
              max(duration_ms) AS max,
              count(*) FILTER (WHERE status_code >= 500)::int AS server_errors,
              count(*) FILTER (WHERE status_code BETWEEN 400 AND 499)::int AS client_errors
       FROM api_usage_logs WHERE created_at > now() - make_interval(mins => $1)
       GROUP BY route, method ORDER BY count(*) DESC, route LIMIT 200`,
      [sinceMinutes],
    );
  }

  /**
   * pg_stat_statements needs shared_preload_libraries (the embedded server preloads it) and the
   * extension in this database: created here when possible, remembered either way.
   */
  hasStatementStats(): Promise<boolean> {
    this.statementsAvailable ??= (async () => {
      try {
        await this.dataSource.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      } catch {
        // no privilege or not installed: the probe below decides
      }
      try {
        await this.dataSource.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
        return true;
      } catch {
        return false;
      }
    })();
    return this.statementsAvailable;
  }

  /** Mean execution time over every statement of this database since the stats were reset. */
  async averageStatementMs(): Promise<number | null> {
    const [row] = (await this.dataSource.query(
      `SELECT sum(total_exec_time) / nullif(sum(calls), 0) AS avg_ms
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    )) as { avg_ms: number | null }[];
    return row?.avg_ms ?? null;
  }

  slowestStatements(limit: number, queryChars: number): Promise<StatementRow[]> {
    return this.dataSource.query(
      `SELECT left(query, $2) AS query, calls, mean_exec_time AS mean_ms, max_exec_time AS max_ms, total_exec_time AS total_ms, rows
       FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND calls > 0
       ORDER BY mean_exec_time DESC LIMIT $1`,
      [limit, queryChars],
    );
  }

  /** The app's own timing: slow queries it logged to system_logs in the window, grouped by text. */
  slowestLoggedQueries(limit: number, sinceMinutes: number, queryChars: number): Promise<StatementRow[]> {
    return this.dataSource.query(
      `SELECT left(details->>'query', $3) AS query, count(*)::bigint AS calls,
              avg((details->>'durationMs')::float8) AS mean_ms, max((details->>'durationMs')::float8) AS max_ms,
              sum((details->>'durationMs')::float8) AS total_ms, NULL::bigint AS rows
       FROM system_logs WHERE category = 'slow_query' AND created_at > now() - make_interval(mins => $2)
       GROUP BY 1 ORDER BY mean_ms DESC LIMIT $1`,
      [limit, sinceMinutes, queryChars],
    );
  }

  /** The whole admin dashboard in one statement (a hot read: a replica may answer); money sums come back as exact decimal strings. */
  dashboardStats(): Promise<DashboardStatsRow> {
    return readRows<{ stats: DashboardStatsRow }>(
      this.dataSource,
      `WITH confirmed AS (
           SELECT a.category, i.amount FROM investments i JOIN assets a ON a.id = i.asset_id WHERE i.status = 'confirmed'
         )
         SELECT json_build_object(
           'users', (SELECT json_build_object(
                       'total', count(*),
                       'new24h', count(*) FILTER (WHERE created_at > now() - interval '24 hours'),
                       'new7d', count(*) FILTER (WHERE created_at > now() - interval '7 days')) FROM users),
           'usersByTier', (SELECT json_object_agg(tier, n) FROM (
                       SELECT t.name AS tier, count(u.id) AS n FROM user_tiers t LEFT JOIN users u ON u.tier_id = t.id GROUP BY t.name
                       UNION ALL SELECT 'none', count(*) FROM users WHERE tier_id IS NULL) x),
           'usersByKycStatus', (SELECT json_object_agg(status, n) FROM (
                       SELECT s::text AS status, count(k.user_id) AS n
                       FROM unnest(enum_range(NULL::kyc_status)) s LEFT JOIN latest_kyc_applications k ON k.status = s GROUP BY s
                       UNION ALL SELECT 'none', count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM kyc_applications k WHERE k.user_id = u.id)) x),
           'assetsByStatus', (SELECT json_object_agg(s, (SELECT count(*) FROM assets a WHERE a.status = s)) FROM unnest(enum_range(NULL::asset_status)) s),
           'amountRaised', json_build_object(
                       'total', (SELECT coalesce(sum(amount), 0)::numeric(24,6)::text FROM confirmed),
                       'byCategory', (SELECT json_object_agg(c, (SELECT coalesce(sum(amount), 0)::numeric(24,6)::text FROM confirmed WHERE category = c))
                                      FROM unnest(enum_range(NULL::asset_category)) c)),
           'investments', (SELECT json_build_object(
                       'count24h', count(*) FILTER (WHERE created_at > now() - interval '24 hours'),
                       'count7d', count(*),
                       'amount24h', coalesce(sum(amount) FILTER (WHERE created_at > now() - interval '24 hours'), 0)::numeric(24,6)::text,
                       'amount7d', coalesce(sum(amount), 0)::numeric(24,6)::text)
                     FROM investments WHERE created_at > now() - interval '7 days'),
           'pendingKycReviews', (SELECT count(*) FROM kyc_applications WHERE status = ANY($1::kyc_status[]))
         ) AS stats`,
      [OPEN_KYC_STATUSES],
    ).then((rows) => rows[0].stats);
  }
}

export interface DashboardStatsRow {
  users: { total: number; new24h: number; new7d: number };
  usersByTier: Record<string, number>;
  usersByKycStatus: Record<string, number>;
  assetsByStatus: Record<string, number>;
  amountRaised: { total: string; byCategory: Record<string, string> };
  investments: { count24h: number; count7d: number; amount24h: string; amount7d: string };
  pendingKycReviews: number;
}
