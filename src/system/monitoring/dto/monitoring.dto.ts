import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class PoolDto {
  @ApiProperty() inUse: number;
  @ApiProperty() idle: number;
  @ApiProperty({ description: 'Requests waiting for a free connection' }) waiting: number;
  @ApiProperty() total: number;
  @ApiProperty({ description: 'DB_POOL_MAX' }) max: number;
}

class ConnectionsDto {
  @ApiProperty({ description: "Server backends of this database in state 'active' (pg_stat_activity)" }) active: number;
  @ApiProperty() idle: number;
  @ApiProperty() idleInTransaction: number;
  @ApiProperty() total: number;
  @ApiProperty({ description: 'max_connections of the server' }) max: number;
  @ApiProperty({ type: PoolDto, description: "This instance's pg pool" }) pool: PoolDto;
}

class PerformanceDto {
  @ApiProperty({ nullable: true, description: 'Mean statement time in ms' }) avgQueryTime: number | null;
  @ApiProperty({ enum: ['pg_stat_statements', 'pg_stat_database.active_time', 'unavailable'] }) avgQueryTimeSource: string;
  @ApiProperty({ description: 'Queries slower than DB_SLOW_QUERY_MS in the last 24 h (system_logs)' }) slowQueries: number;
  @ApiProperty() slowQueriesLastHour: number;
  @ApiProperty() slowQueryThresholdMs: number;
  @ApiProperty({ nullable: true, description: 'blks_hit / (blks_hit + blks_read), 0..1' }) cacheHitRatio: number | null;
  @ApiProperty() deadlocks: number;
}

class DatabaseSizeDto {
  @ApiProperty() bytes: number;
  @ApiProperty({ example: '42 MB' }) pretty: string;
}

class LastBackupDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'pend-20261125T060000000Z.dump' }) file: string;
  @ApiProperty() sizeBytes: number;
  @ApiProperty({ description: 'A restore of it into a scratch database matched the row counts' }) verified: boolean;
  @ApiProperty({ enum: ['pending', 'verified', 'failed'] }) verification: string;
  @ApiProperty({ nullable: true, format: 'date-time' }) lastVerifiedAt: string | null;
}

class ScheduledJobsDto {
  @ApiProperty({
    description:
      'Whether the instance that answered runs the scheduled jobs (MONITORING_JOBS_ENABLED): the analytics fold, the metrics sampler, retention. ' +
      'When false (and no other instance runs them) analytics never move; `problems` says so',
  })
  enabled: boolean;
}

class AvailabilityDto {
  @ApiProperty({
    nullable: true,
    example: 99.931,
    description:
      'Percent of the minutes of the last 24 h (since the first sample, when later) in which the per-minute sampler found the API and the database working',
  })
  last24h: number | null;
  @ApiProperty({ nullable: true, example: 99.95, description: 'The same over the last 30 days' }) last30d: number | null;
}

class LastDrillDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: ['passed', 'failed'] }) status: string;
  @ApiProperty({ nullable: true, description: 'Restore time of the drill (the measured RTO), seconds' }) rtoSeconds: number | null;
  @ApiProperty({ nullable: true }) error: string | null;
}

export class DatabaseHealthDto {
  @ApiProperty({ enum: ['healthy', 'degraded'] }) status: string;
  @ApiProperty({ type: [String] }) problems: string[];
  @ApiProperty({ type: ConnectionsDto }) connections: ConnectionsDto;
  @ApiProperty({ type: PerformanceDto }) performance: PerformanceDto;
  @ApiProperty({ type: ScheduledJobsDto }) scheduledJobs: ScheduledJobsDto;
  @ApiProperty({ description: 'Server uptime in seconds' }) uptime: number;
  @ApiProperty({ type: AvailabilityDto }) availability: AvailabilityDto;
  @ApiPropertyOptional({ type: LastDrillDto, nullable: true, description: 'The newest recovery drill (npm run db:drill, monthly)' })
  lastDrill: LastDrillDto | null;
  @ApiProperty({ format: 'date-time' }) serverStartedAt: string;
  @ApiProperty({ type: DatabaseSizeDto }) databaseSize: DatabaseSizeDto;
  @ApiPropertyOptional({ type: LastBackupDto, nullable: true }) lastBackup: LastBackupDto | null;
}

class BackendDto {
  @ApiProperty() pid: number;
  @ApiProperty({ nullable: true }) user: string | null;
  @ApiProperty({ nullable: true }) application: string | null;
  @ApiProperty({ nullable: true }) clientAddr: string | null;
  @ApiProperty({ nullable: true, example: 'active' }) state: string | null;
  @ApiProperty({ nullable: true }) waitEventType: string | null;
  @ApiProperty({ nullable: true }) waitEvent: string | null;
  @ApiProperty({ nullable: true, format: 'date-time' }) queryStart: string | null;
  @ApiProperty({ nullable: true, description: 'ms since the query started' }) durationMs: number | null;
  @ApiProperty({ nullable: true, description: 'First 500 characters, secrets masked' }) query: string | null;
}

class BlockerDto {
  @ApiProperty() pid: number;
  @ApiProperty({ nullable: true }) state: string | null;
  @ApiProperty({ nullable: true }) query: string | null;
}

class BlockingLockDto {
  @ApiProperty() blockedPid: number;
  @ApiProperty({ nullable: true }) blockedQuery: string | null;
  @ApiProperty({ nullable: true, example: 'relation AccessExclusiveLock on users' }) waitingForLock: string | null;
  @ApiProperty({ nullable: true }) waitingMs: number | null;
  @ApiProperty({ type: [Number] }) blockingPids: number[];
  @ApiProperty({ type: [BlockerDto] }) blocking: BlockerDto[];
}

class TransactionDto extends BackendDto {
  @ApiProperty({ format: 'date-time' }) transactionStart: string;
  @ApiProperty() transactionMs: number;
}

export class DatabaseActivityDto {
  @ApiProperty({ type: [BackendDto], description: 'Non-idle backends of this database' }) currentQueries: BackendDto[];
  @ApiProperty({ type: [BlockingLockDto], description: 'Backends waiting on a lock (pg_blocking_pids)' }) blockingLocks: BlockingLockDto[];
  @ApiProperty({ type: [TransactionDto], description: 'Open transactions, longest first (top 10)' }) longestTransactions: TransactionDto[];
  @ApiProperty() totals: { connections: number; nonIdle: number };
}

class RouteTimingDto {
  @ApiProperty() method: string;
  @ApiProperty({ example: '/api/users/:id' }) route: string;
  @ApiProperty() count: number;
  @ApiProperty({ description: 'ms' }) p50: number;
  @ApiProperty({ description: 'ms' }) p95: number;
  @ApiProperty({ description: 'ms' }) p99: number;
  @ApiProperty({ description: 'ms' }) max: number;
  @ApiProperty() serverErrors: number;
  @ApiProperty() clientErrors: number;
  @ApiProperty({ description: '5xx / count' }) errorRate: number;
}

class StatementDto {
  @ApiProperty() query: string;
  @ApiProperty() calls: number;
  @ApiProperty() meanMs: number;
  @ApiProperty() maxMs: number;
  @ApiProperty() totalMs: number;
  @ApiProperty({ nullable: true }) rows: number | null;
}

class SlowestQueriesDto {
  @ApiProperty({ enum: ['pg_stat_statements', 'system_logs'] }) source: string;
  @ApiProperty({ type: [StatementDto] }) queries: StatementDto[];
}

export class PerformanceMetricsDto {
  @ApiProperty({ example: 60 }) windowMinutes: number;
  @ApiProperty() requests: number;
  @ApiProperty({ description: 'Share of 5xx responses in the window, 0..1' }) errorRate: number;
  @ApiProperty({ description: 'Share of 4xx responses in the window, 0..1' }) clientErrorRate: number;
  @ApiProperty({ type: [RouteTimingDto] }) routes: RouteTimingDto[];
  @ApiProperty({ type: SlowestQueriesDto }) slowestQueries: SlowestQueriesDto;
}

class UsersCountDto {
  @ApiProperty() total: number;
  @ApiProperty() new24h: number;
  @ApiProperty() new7d: number;
}

class AmountRaisedDto {
  @ApiProperty({ example: '1250000.000000', description: 'Confirmed investments, exact decimal string' }) total: string;
  @ApiProperty({ example: { real_estate: '1000000.000000', venture: '250000.000000' } }) byCategory: Record<string, string>;
}

class InvestmentsCountDto {
  @ApiProperty() count24h: number;
  @ApiProperty() count7d: number;
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
  @ApiProperty({ description: 'KYC applications pending or in review' }) pendingKycReviews: number;
}
