import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class PoolDto {
  @ApiProperty({ example: 3 }) inUse: number;
  @ApiProperty({ example: 5 }) idle: number;
  @ApiProperty({ description: 'Requests waiting for a free connection', example: 0 }) waiting: number;
  @ApiProperty({ example: 8 }) total: number;
  @ApiProperty({ description: 'DB_POOL_MAX', example: 20 }) max: number;
}

class ConnectionsDto {
  @ApiProperty({ description: "Server backends of this database in state 'active' (pg_stat_activity)", example: 4 }) active: number;
  @ApiProperty({ example: 9 }) idle: number;
  @ApiProperty({ example: 0 }) idleInTransaction: number;
  @ApiProperty({ example: 13 }) total: number;
  @ApiProperty({ description: 'max_connections of the server', example: 100 }) max: number;
  @ApiProperty({ type: PoolDto, description: "This instance's pg pool" }) pool: PoolDto;
}

class PerformanceDto {
  @ApiProperty({ nullable: true, type: Number, description: 'Mean statement time in ms', example: 1.84 }) avgQueryTime: number | null;
  @ApiProperty({ enum: ['pg_stat_statements', 'pg_stat_database.active_time', 'unavailable'], example: 'pg_stat_statements' })
  avgQueryTimeSource: string;
  @ApiProperty({ description: 'Queries slower than DB_SLOW_QUERY_MS in the last 24 h (system_logs)', example: 2 }) slowQueries: number;
  @ApiProperty({ example: 0 }) slowQueriesLastHour: number;
  @ApiProperty({ example: 500 }) slowQueryThresholdMs: number;
  @ApiProperty({ nullable: true, type: Number, description: 'blks_hit / (blks_hit + blks_read), 0..1', example: 0.9987 }) cacheHitRatio:
    number | null;
  @ApiProperty({ example: 0 }) deadlocks: number;
}

class DatabaseSizeDto {
  @ApiProperty({ example: 44040192 }) bytes: number;
  @ApiProperty({ example: '42 MB' }) pretty: string;
}

class LastBackupDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-05T06:00:00.000Z' }) at: string;
  @ApiProperty({ example: 'pend-20261125T060000000Z.dump' }) file: string;
  @ApiProperty({ example: 9342771 }) sizeBytes: number;
  @ApiProperty({ description: 'A restore of it into a scratch database matched the row counts', example: true }) verified: boolean;
  @ApiProperty({ enum: ['pending', 'verified', 'failed'], example: 'verified' }) verification: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2026-03-05T06:02:31.000Z' }) lastVerifiedAt: string | null;
}

class ScheduledJobsDto {
  @ApiProperty({
    description:
      'Whether the instance that answered runs the scheduled jobs (MONITORING_JOBS_ENABLED): the analytics fold, the metrics sampler, retention. ' +
      'When false (and no other instance runs them) analytics never move; `problems` says so',
    example: true,
  })
  enabled: boolean;
}

class AvailabilityDto {
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 99.931,
    description:
      'Percent of the minutes of the last 24 h (since the first sample, when later) in which the per-minute sampler found the API and the database working',
  })
  last24h: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 99.95, description: 'The same over the last 30 days' }) last30d: number | null;
}

class LastDrillDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-01T03:00:00.000Z' }) at: string;
  @ApiProperty({ enum: ['passed', 'failed'], example: 'passed' }) status: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Restore time of the drill (the measured RTO), seconds', example: 41.2 })
  rtoSeconds: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why a failed drill failed; null when it passed', example: null })
  error: string | null;
}

export class DatabaseHealthDto {
  @ApiProperty({ enum: ['healthy', 'degraded'], example: 'healthy' }) status: string;
  @ApiProperty({ type: [String], example: [] }) problems: string[];
  @ApiProperty({ type: ConnectionsDto }) connections: ConnectionsDto;
  @ApiProperty({ type: PerformanceDto }) performance: PerformanceDto;
  @ApiProperty({ type: ScheduledJobsDto }) scheduledJobs: ScheduledJobsDto;
  @ApiProperty({ description: 'Server uptime in seconds', example: 1209600 }) uptime: number;
  @ApiProperty({ type: AvailabilityDto }) availability: AvailabilityDto;
  @ApiPropertyOptional({ type: LastDrillDto, nullable: true, description: 'The newest recovery drill (npm run db:drill, monthly)' })
  lastDrill: LastDrillDto | null;
  @ApiProperty({ format: 'date-time', example: '2026-02-19T08:00:00.000Z' }) serverStartedAt: string;
  @ApiProperty({ type: DatabaseSizeDto }) databaseSize: DatabaseSizeDto;
  @ApiPropertyOptional({ type: LastBackupDto, nullable: true }) lastBackup: LastBackupDto | null;
}

class BackendDto {
  @ApiProperty({ example: 48211 }) pid: number;
  @ApiProperty({ nullable: true, type: String, example: 'pend' }) user: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'pend-api' }) application: string | null;
  @ApiProperty({ nullable: true, type: String, example: '10.0.4.17' }) clientAddr: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'active' }) state: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Lock' }) waitEventType: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'relation' }) waitEvent: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2026-03-05T07:59:58.412Z' }) queryStart: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'ms since the query started', example: 1588 }) durationMs: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'First 500 characters, secrets masked',
    example: 'UPDATE assets SET status = $1 WHERE id = $2',
  })
  query: string | null;
}

class BlockerDto {
  @ApiProperty({ example: 48190 }) pid: number;
  @ApiProperty({ nullable: true, type: String, example: 'idle in transaction' }) state: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'LOCK TABLE assets IN ACCESS EXCLUSIVE MODE' }) query: string | null;
}

class BlockingLockDto {
  @ApiProperty({ example: 48211 }) blockedPid: number;
  @ApiProperty({ nullable: true, type: String, example: 'UPDATE assets SET status = $1 WHERE id = $2' }) blockedQuery: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'relation AccessExclusiveLock on users' }) waitingForLock: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 1588 }) waitingMs: number | null;
  @ApiProperty({ type: [Number], example: [48190] }) blockingPids: number[];
  @ApiProperty({ type: [BlockerDto] }) blocking: BlockerDto[];
}

// Not `TransactionDto`: the investor's transaction history has that name, and @nestjs/swagger names a schema after its
// class, so one of the two would be documented as the other (openapi-contract.e2e-spec.ts fails on a shared name).
class OpenTransactionDto extends BackendDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-05T07:59:41.003Z' }) transactionStart: string;
  @ApiProperty({ example: 18997 }) transactionMs: number;
}

export class DatabaseActivityDto {
  @ApiProperty({ type: [BackendDto], description: 'Non-idle backends of this database' }) currentQueries: BackendDto[];
  @ApiProperty({ type: [BlockingLockDto], description: 'Backends waiting on a lock (pg_blocking_pids)' }) blockingLocks: BlockingLockDto[];
  @ApiProperty({ type: [OpenTransactionDto], description: 'Open transactions, longest first (top 10)' })
  longestTransactions: OpenTransactionDto[];
  @ApiProperty({
    type: 'object',
    properties: { connections: { type: 'integer' }, nonIdle: { type: 'integer' } },
    required: ['connections', 'nonIdle'],
    example: { connections: 13, nonIdle: 4 },
  })
  totals: { connections: number; nonIdle: number };
}

class RouteTimingDto {
  @ApiProperty({ example: 'GET' }) method: string;
  @ApiProperty({ example: '/api/users/:id' }) route: string;
  @ApiProperty({ example: 1843 }) count: number;
  @ApiProperty({ description: 'ms', example: 4.1 }) p50: number;
  @ApiProperty({ description: 'ms', example: 12.7 }) p95: number;
  @ApiProperty({ description: 'ms', example: 31.5 }) p99: number;
  @ApiProperty({ description: 'ms', example: 88.2 }) max: number;
  @ApiProperty({ example: 0 }) serverErrors: number;
  @ApiProperty({ example: 17 }) clientErrors: number;
  @ApiProperty({ description: '5xx / count', example: 0 }) errorRate: number;
}

class StatementDto {
  @ApiProperty({ example: 'SELECT … FROM assets a WHERE a.status = $1 ORDER BY a.created_at DESC LIMIT $2' }) query: string;
  @ApiProperty({ example: 18210 }) calls: number;
  @ApiProperty({ example: 0.62 }) meanMs: number;
  @ApiProperty({ example: 41.3 }) maxMs: number;
  @ApiProperty({ example: 11290.2 }) totalMs: number;
  @ApiProperty({ nullable: true, type: Number, example: 364200 }) rows: number | null;
}

class SlowestQueriesDto {
  @ApiProperty({ enum: ['pg_stat_statements', 'system_logs'], example: 'pg_stat_statements' }) source: string;
  @ApiProperty({ type: [StatementDto] }) queries: StatementDto[];
}

export class PerformanceMetricsDto {
  @ApiProperty({ example: 60 }) windowMinutes: number;
  @ApiProperty({ example: 5120 }) requests: number;
  @ApiProperty({ description: 'Share of 5xx responses in the window, 0..1', example: 0 }) errorRate: number;
  @ApiProperty({ description: 'Share of 4xx responses in the window, 0..1', example: 0.0123 }) clientErrorRate: number;
  @ApiProperty({ type: [RouteTimingDto] }) routes: RouteTimingDto[];
  @ApiProperty({ type: SlowestQueriesDto }) slowestQueries: SlowestQueriesDto;
}

class UsersCountDto {
  @ApiProperty({ example: 1284 }) total: number;
  @ApiProperty({ example: 12 }) new24h: number;
  @ApiProperty({ example: 97 }) new7d: number;
}

class AmountRaisedDto {
  @ApiProperty({ example: '1250000.000000', description: 'Confirmed investments, exact decimal string' }) total: string;
  @ApiProperty({ example: { real_estate: '1000000.000000', venture: '250000.000000' } }) byCategory: Record<string, string>;
}

class InvestmentsCountDto {
  @ApiProperty({ example: 23 }) count24h: number;
  @ApiProperty({ example: 158 }) count7d: number;
  @ApiProperty({ example: '5000.000000' }) amount24h: string;
  @ApiProperty({ example: '25000.000000' }) amount7d: string;
}

export class DashboardStatsDto {
  @ApiProperty({ type: UsersCountDto }) users: UsersCountDto;
  @ApiProperty({ example: { basic: 10, silver: 2, none: 0 } }) usersByTier: Record<string, number>;
  @ApiProperty({
    example: { pending: 3, in_review: 1, approved: 7, rejected: 1, none: 2 },
    description: 'By each user’s latest application',
  })
  usersByKycStatus: Record<string, number>;
  @ApiProperty({ example: { draft: 1, open: 4, funded: 2, closed: 0, cancelled: 0 } }) assetsByStatus: Record<string, number>;
  @ApiProperty({ type: AmountRaisedDto }) amountRaised: AmountRaisedDto;
  @ApiProperty({ type: InvestmentsCountDto }) investments: InvestmentsCountDto;
  @ApiProperty({ description: 'KYC applications pending or in review', example: 4 }) pendingKycReviews: number;
  @ApiProperty({
    format: 'date-time',
    example: '2026-03-05T06:00:00.000Z',
    description:
      'When these numbers were read. Each API instance computes them at most once per DASHBOARD_STATS_MAX_AGE_MS (default 30 s) and answers from that ' +
      'computation until then, so they may be up to that old (requests arriving during a computation wait for it).',
  })
  generatedAt: string;
}
