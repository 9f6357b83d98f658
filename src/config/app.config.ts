import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import * as path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '');

const toBoolean = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());

/** Every environment variable the app reads, with its rules. Defaults live in `loadAppConfig`. */
class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  HOST?: string;

  /**
   * API worker processes (node:cluster) sharing PORT; 1 = one process, no cluster. The primary starts the
   * embedded database, runs the migrations and the seed once, forks the workers and restarts one that dies.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  CLUSTER_WORKERS?: number;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  /** A direct (not pooled) connection to the primary, for work that needs a session behind a transaction pooler. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_DIRECT_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_DIRECT_URL?: string;

  /** Named (server-side) prepared statements for the hot reads; `false` behind a transaction pooler (PgBouncer). */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  DB_PREPARED_STATEMENTS?: boolean;

  /**
   * Read replicas (streaming standbys of the primary), comma-separated postgres:// URLs: the hot reads
   * go to them; writes, and reads by a caller whose own write is not replayed there yet, go to the primary.
   */
  @IsOptional()
  @Matches(/^\s*postgres(ql)?:\/\/[^,\s]+(\s*,\s*postgres(ql)?:\/\/[^,\s]+)*\s*$/, {
    message: 'DATABASE_REPLICA_URLS must be a comma-separated list of postgres:// or postgresql:// URLs',
  })
  DATABASE_REPLICA_URLS?: string;

  /** How long a read may wait for a replica to replay the caller's last write before it goes to the primary. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  DB_REPLICA_WAIT_MS?: number;

  /** Planned maintenance: `read_only` (or `read-only`) refuses every write with 503 maintenance_read_only; reads keep working. */
  @IsOptional()
  @IsIn(['off', 'read_only', 'read-only'], { message: 'MAINTENANCE_MODE must be off or read_only' })
  MAINTENANCE_MODE?: string;

  /** The Retry-After (seconds) a write refused for maintenance carries. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  MAINTENANCE_RETRY_AFTER_SECONDS?: number;

  @IsOptional()
  @IsString()
  EMBEDDED_PG_DATA_DIR?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_PG_PORT?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  EMBEDDED_PG_RESTART_ATTEMPTS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  DB_POOL_MAX?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  DB_POOL_IDLE_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  DB_CONNECT_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  DB_QUERY_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  DB_BACKGROUND_QUERY_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  DB_STATEMENT_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  DB_LOCK_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  DB_CONNECT_RETRIES?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  DB_SLOW_QUERY_MS?: number;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  DB_MIGRATIONS_RUN?: boolean;

  @IsOptional()
  @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(60)
  JWT_TTL_SECONDS?: number;

  /**
   * Sign-In with Ethereum: the domain (host[:port]) and URI the messages name. Never taken from a request
   * (a phishing site could relay sign-ins); required in production, `localhost:<PORT>` otherwise.
   */
  @IsOptional()
  @Matches(/^[a-z0-9.-]+(:\d{1,5})?$/i, { message: 'SIWE_DOMAIN must be a host[:port]' })
  SIWE_DOMAIN?: string;

  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'SIWE_URI must be an http(s) URL' })
  SIWE_URI?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SIWE_CHAIN_ID?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(3600)
  SIWE_NONCE_TTL_SECONDS?: number;

  /** Sign-in nonces one client address may ask for per minute. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SIWE_NONCE_RATE_PER_MINUTE?: number;

  // HTTP server: who may be a proxy, browsers' origins, slow clients.
  /** Proxies whose X-Forwarded-For/-Proto are believed: comma-separated addresses, CIDRs or loopback/linklocal/uniquelocal. */
  @IsOptional()
  @Matches(
    /^\s*(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?))*\s*$/i,
    {
      message: 'TRUST_PROXY must be a comma-separated list of proxy addresses or CIDRs (or loopback, linklocal, uniquelocal)',
    },
  )
  TRUST_PROXY?: string;

  /** Browser origins allowed by CORS, comma-separated (`https://app.example.com`); none by default. */
  @IsOptional()
  @Matches(/^\s*https?:\/\/[a-z0-9.-]+(:\d{1,5})?(\s*,\s*https?:\/\/[a-z0-9.-]+(:\d{1,5})?)*\s*$/i, {
    message: 'CORS_ORIGINS must be a comma-separated list of origins like https://app.example.com (scheme, host, optional port)',
  })
  CORS_ORIGINS?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  HTTP_REQUEST_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  HTTP_HEADERS_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024)
  HTTP_MAX_HEADER_BYTES?: number;

  /** Prometheus scrape port (/metrics), apart from the API; 0 = a free port, logged at start. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  @IsOptional()
  @IsString()
  METRICS_HOST?: string;

  @IsOptional()
  @IsString()
  BACKUP_DIR?: string;

  @IsOptional()
  @IsString()
  BACKUP_CRON?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  BACKUP_ENABLED?: boolean;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  API_USAGE_RETENTION_DAYS?: number;

  // Operations (src/system): backups, health thresholds, usage logs, metrics sampling.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  BACKUP_RETENTION_DAILY?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  BACKUP_RETENTION_WEEKLY?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  BACKUP_RETENTION_MONTHLY?: number;

  @IsOptional()
  @Type(() => Number)
  @Min(0.001)
  BACKUP_MAX_AGE_HOURS?: number;

  @IsOptional()
  @IsString()
  PG_BIN_DIR?: string;

  // Point-in-time recovery and disaster-recovery drills (src/system/backup).
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  WAL_ARCHIVE_ENABLED?: boolean;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  WAL_ARCHIVE_TIMEOUT_SECONDS?: number;

  @IsOptional()
  @Type(() => Number)
  @Min(0.01)
  PITR_WINDOW_DAYS?: number;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  DRILL_ENABLED?: boolean;

  @IsOptional()
  @IsString()
  DRILL_CRON?: string;

  @IsOptional()
  @Type(() => Number)
  @Min(0)
  @Max(100)
  HEALTH_DISK_MAX_USED_PERCENT?: number;

  @IsOptional()
  @Type(() => Number)
  @Min(0)
  HEALTH_HEAP_MAX_MB?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  HEALTH_CHECK_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  API_USAGE_FLUSH_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  API_USAGE_BATCH_SIZE?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SYSTEM_METRICS_RETENTION_DAYS?: number;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  MONITORING_JOBS_ENABLED?: boolean;

  /** How long GET /api/admin/dashboard-stats reuses one computation (0 = no reuse: only requests arriving while it runs share it). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DASHBOARD_STATS_MAX_AGE_MS?: number;
}

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** CLUSTER_WORKERS: API processes serving PORT (1: this process serves it, no cluster). */
  cluster: { workers: number };
  database: {
    /** Set when an external server is used; undefined means "start the embedded one". */
    url?: string;
    /**
     * DATABASE_DIRECT_URL: the primary without a transaction pooler in between, for session work
     * (migrations, session advisory locks, LISTEN/NOTIFY, backups). Undefined: DATABASE_URL is direct.
     */
    directUrl?: string;
    /** Name the hot reads' statements so each connection plans them once; off behind a transaction pooler. */
    preparedStatements: boolean;
    /** DATABASE_REPLICA_URLS: streaming standbys for the hot reads (none: everything on the primary). */
    replicaUrls: string[];
    /** DB_REPLICA_WAIT_MS: the bound on waiting for a replica to replay a caller's write (then the primary answers). */
    replicaWaitMs: number;
    embeddedDataDir: string;
    embeddedPort: number;
    /** Start attempts when the app's embedded postmaster dies while it runs (0 = never restart it). */
    embeddedRestartAttempts: number;
    poolMax: number;
    idleTimeoutMs: number;
    /** Bound on getting a connection: waiting for a free one in the pool, or opening a new one. */
    connectTimeoutMs: number;
    /** Client-side bound on one query's answer (request and replica pools: QueryTimeoutSweep); fires even when the server is frozen. */
    queryTimeoutMs: number;
    /** The same bound for the background writer's pool (usage-log COPY batches, slow-query rows): a frozen server never holds it, or shutdown, for good. */
    backgroundQueryTimeoutMs: number;
    /** Server-side statement_timeout and lock_timeout of the request pool's sessions (0 = none). */
    statementTimeoutMs: number;
    lockTimeoutMs: number;
    connectRetries: number;
    slowQueryMs: number;
    migrationsRun: boolean;
  };
  logLevel: string;
  /** MAINTENANCE_MODE: `readOnly` refuses writes with 503 maintenance_read_only and Retry-After. */
  maintenance: { readOnly: boolean; retryAfterSeconds: number };
  http: {
    /** Fastify's trustProxy: false = the socket's peer is the client. */
    trustProxy: string | false;
    corsOrigins: string[];
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxHeaderBytes: number;
  };
  metrics: { port: number; host: string };
  auth: {
    jwtSecret?: string;
    jwtTtlSeconds: number;
    siwe: { domain: string; uri: string; chainId: number; nonceTtlSeconds: number; noncesPerMinutePerIp: number };
  };
  backup: {
    dir: string;
    cron: string;
    enabled: boolean;
    retention: { daily: number; weekly: number; monthly: number };
    /** Health is down when the newest verified backup is older than this (once backups are enabled). */
    maxAgeHours: number;
    /** Folder holding pg_dump/pg_restore; undefined = /usr/lib/postgresql/<major>/bin, `pg_config --bindir`, then PATH. */
    pgBinDir?: string;
    /** Point-in-time recovery: WAL archive (BACKUP_DIR/wal) and base backups (BACKUP_DIR/base). */
    pitr: {
      /** The embedded server archives its WAL, and each backup run also takes a base backup. */
      enabled: boolean;
      walDir: string;
      baseDir: string;
      /** archive_timeout: the recovery point objective for a quiet server. */
      archiveTimeoutSeconds: number;
      /** How far back a restore can go: older base backups and WAL are deleted. */
      windowDays: number;
    };
    /** Monthly disaster-recovery drill (npm run db:drill). */
    drill: { enabled: boolean; cron: string };
  };
  apiUsageRetentionDays: number;
  monitoring: {
    diskMaxUsedPercent: number;
    heapMaxMb: number;
    healthCheckTimeoutMs: number;
    apiUsageFlushMs: number;
    apiUsageBatchSize: number;
    systemMetricsRetentionDays: number;
    /** The per-minute sampler and the retention jobs. */
    jobsEnabled: boolean;
    /** The admin dashboard's aggregates are computed at most once per this many ms per instance (0 = on every request). */
    dashboardStatsMaxAgeMs: number;
  };
}

export class ConfigValidationError extends Error {}

function resolveFromRoot(p: string): string {
  return path.isAbsolute(p) ? p : path.join(PROJECT_ROOT, p);
}

/** Validates the environment once and returns the typed configuration; throws naming each bad variable. */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const vars = plainToInstance(EnvironmentVariables, raw, { enableImplicitConversion: false });
  const errors = validateSync(vars, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigValidationError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const nodeEnv = (vars.NODE_ENV ?? 'development') as AppConfig['nodeEnv'];
  if (nodeEnv === 'production') {
    const missing = [
      !vars.JWT_SECRET && 'JWT_SECRET is required when NODE_ENV=production (32+ random characters)',
      !vars.SIWE_DOMAIN && 'SIWE_DOMAIN is required when NODE_ENV=production (the host[:port] users sign in at, e.g. app.pend.example)',
      !vars.SIWE_URI && 'SIWE_URI is required when NODE_ENV=production (e.g. https://app.pend.example)',
    ].filter((line): line is string => typeof line === 'string');
    if (missing.length > 0) throw new ConfigValidationError(`Invalid configuration:\n  ${missing.join('\n  ')}`);
  }
  const port = vars.PORT ?? 3000;
  const http = {
    trustProxy: vars.TRUST_PROXY?.trim() || (false as const),
    corsOrigins: (vars.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim().replace(/\/$/, ''))
      .filter(Boolean),
    requestTimeoutMs: vars.HTTP_REQUEST_TIMEOUT_MS ?? 30_000,
    headersTimeoutMs: vars.HTTP_HEADERS_TIMEOUT_MS ?? 10_000,
    keepAliveTimeoutMs: vars.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? 5_000,
    maxHeaderBytes: vars.HTTP_MAX_HEADER_BYTES ?? 16_384,
  };
  if (http.headersTimeoutMs > http.requestTimeoutMs) {
    throw new ConfigValidationError('Invalid configuration:\n  HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  return {
    nodeEnv,
    port,
    host: vars.HOST ?? '0.0.0.0',
    cluster: { workers: vars.CLUSTER_WORKERS ?? 1 },
    database: {
      url: vars.DATABASE_URL,
      directUrl: vars.DATABASE_DIRECT_URL,
      preparedStatements: vars.DB_PREPARED_STATEMENTS ?? true,
      replicaUrls: (vars.DATABASE_REPLICA_URLS ?? '')
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean),
      replicaWaitMs: vars.DB_REPLICA_WAIT_MS ?? 250,
      embeddedDataDir: resolveFromRoot(vars.EMBEDDED_PG_DATA_DIR ?? '.data/postgres'),
      embeddedPort: vars.EMBEDDED_PG_PORT ?? 54329,
      embeddedRestartAttempts: vars.EMBEDDED_PG_RESTART_ATTEMPTS ?? 8,
      poolMax: vars.DB_POOL_MAX ?? 20,
      idleTimeoutMs: vars.DB_POOL_IDLE_TIMEOUT_MS ?? 30_000,
      connectTimeoutMs: vars.DB_CONNECT_TIMEOUT_MS ?? 2_000,
      queryTimeoutMs: vars.DB_QUERY_TIMEOUT_MS ?? 5_000,
      backgroundQueryTimeoutMs: vars.DB_BACKGROUND_QUERY_TIMEOUT_MS ?? 30_000,
      statementTimeoutMs: vars.DB_STATEMENT_TIMEOUT_MS ?? 4_000,
      lockTimeoutMs: vars.DB_LOCK_TIMEOUT_MS ?? 2_000,
      connectRetries: vars.DB_CONNECT_RETRIES ?? 5,
      slowQueryMs: vars.DB_SLOW_QUERY_MS ?? 1_000,
      migrationsRun: vars.DB_MIGRATIONS_RUN ?? true,
    },
    logLevel: vars.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    maintenance: {
      readOnly: vars.MAINTENANCE_MODE === 'read_only' || vars.MAINTENANCE_MODE === 'read-only',
      retryAfterSeconds: vars.MAINTENANCE_RETRY_AFTER_SECONDS ?? 60,
    },
    http,
    // A fixed port in production; elsewhere a free one (several instances and test apps run side by side).
    metrics: { port: vars.METRICS_PORT ?? (nodeEnv === 'production' ? 9464 : 0), host: vars.METRICS_HOST ?? '127.0.0.1' },
    auth: {
      jwtSecret: vars.JWT_SECRET,
      jwtTtlSeconds: vars.JWT_TTL_SECONDS ?? 900,
      siwe: {
        domain: vars.SIWE_DOMAIN ?? `localhost:${port}`,
        uri: vars.SIWE_URI ?? `http://localhost:${port}`,
        chainId: vars.SIWE_CHAIN_ID ?? 137,
        nonceTtlSeconds: vars.SIWE_NONCE_TTL_SECONDS ?? 300,
        // Test suites sign many wallets in from 127.0.0.1 within a minute.
        noncesPerMinutePerIp: vars.SIWE_NONCE_RATE_PER_MINUTE ?? (nodeEnv === 'test' ? 10_000 : 60),
      },
    },
    backup: {
      dir: resolveFromRoot(vars.BACKUP_DIR ?? 'backups'),
      cron: vars.BACKUP_CRON ?? '0 6 * * *',
      enabled: vars.BACKUP_ENABLED ?? nodeEnv !== 'test',
      retention: {
        daily: vars.BACKUP_RETENTION_DAILY ?? 7,
        weekly: vars.BACKUP_RETENTION_WEEKLY ?? 4,
        monthly: vars.BACKUP_RETENTION_MONTHLY ?? 6,
      },
      maxAgeHours: vars.BACKUP_MAX_AGE_HOURS ?? 26,
      pgBinDir: vars.PG_BIN_DIR,
      pitr: {
        // On by default for the embedded server; a server of your own archives once configured (README).
        enabled: vars.WAL_ARCHIVE_ENABLED ?? (nodeEnv !== 'test' && !vars.DATABASE_URL),
        walDir: path.join(resolveFromRoot(vars.BACKUP_DIR ?? 'backups'), 'wal'),
        baseDir: path.join(resolveFromRoot(vars.BACKUP_DIR ?? 'backups'), 'base'),
        archiveTimeoutSeconds: vars.WAL_ARCHIVE_TIMEOUT_SECONDS ?? 60,
        windowDays: vars.PITR_WINDOW_DAYS ?? 7,
      },
      drill: {
        enabled: vars.DRILL_ENABLED ?? vars.BACKUP_ENABLED ?? nodeEnv !== 'test',
        cron: vars.DRILL_CRON ?? '0 4 1 * *',
      },
    },
    apiUsageRetentionDays: vars.API_USAGE_RETENTION_DAYS ?? 90,
    monitoring: {
      diskMaxUsedPercent: vars.HEALTH_DISK_MAX_USED_PERCENT ?? 95,
      heapMaxMb: vars.HEALTH_HEAP_MAX_MB ?? 1536,
      healthCheckTimeoutMs: vars.HEALTH_CHECK_TIMEOUT_MS ?? 3_000,
      apiUsageFlushMs: vars.API_USAGE_FLUSH_MS ?? 1_000,
      apiUsageBatchSize: vars.API_USAGE_BATCH_SIZE ?? 500,
      systemMetricsRetentionDays: vars.SYSTEM_METRICS_RETENTION_DAYS ?? 30,
      jobsEnabled: vars.MONITORING_JOBS_ENABLED ?? nodeEnv !== 'test',
      // Tests see each change at once unless one sets it.
      dashboardStatsMaxAgeMs: vars.DASHBOARD_STATS_MAX_AGE_MS ?? (nodeEnv === 'test' ? 0 : 30_000),
    },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
