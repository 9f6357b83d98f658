import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import * as path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '');

const toBoolean = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());

/** Every environment variable the app reads, with its rules. Defaults live in `loadAppConfig`. */
class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString()
  HOST?: string;

  @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsOptional() @IsString()
  EMBEDDED_PG_DATA_DIR?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1024) @Max(65535)
  EMBEDDED_PG_PORT?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  DB_POOL_MAX?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  DB_POOL_IDLE_TIMEOUT_MS?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(100)
  DB_CONNECT_TIMEOUT_MS?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(100)
  DB_CONNECT_RETRIES?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  DB_SLOW_QUERY_MS?: number;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  DB_MIGRATIONS_RUN?: boolean;

  @IsOptional() @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional() @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(60)
  JWT_TTL_SECONDS?: number;

  @IsOptional() @IsString()
  BACKUP_DIR?: string;

  @IsOptional() @IsString()
  BACKUP_CRON?: string;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  BACKUP_ENABLED?: boolean;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  API_USAGE_RETENTION_DAYS?: number;
}

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  database: {
    /** Set when an external server is used; undefined means "start the embedded one". */
    url?: string;
    embeddedDataDir: string;
    embeddedPort: number;
    poolMax: number;
    idleTimeoutMs: number;
    connectTimeoutMs: number;
    connectRetries: number;
    slowQueryMs: number;
    migrationsRun: boolean;
  };
  logLevel: string;
  auth: { jwtSecret?: string; jwtTtlSeconds: number };
  backup: { dir: string; cron: string; enabled: boolean };
  apiUsageRetentionDays: number;
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
  if (nodeEnv === 'production' && !vars.JWT_SECRET) {
    throw new ConfigValidationError('Invalid configuration:\n  JWT_SECRET is required when NODE_ENV=production (32+ random characters)');
  }
  return {
    nodeEnv,
    port: vars.PORT ?? 3000,
    host: vars.HOST ?? '0.0.0.0',
    database: {
      url: vars.DATABASE_URL,
      embeddedDataDir: resolveFromRoot(vars.EMBEDDED_PG_DATA_DIR ?? '.data/postgres'),
      embeddedPort: vars.EMBEDDED_PG_PORT ?? 54329,
      poolMax: vars.DB_POOL_MAX ?? 20,
      idleTimeoutMs: vars.DB_POOL_IDLE_TIMEOUT_MS ?? 30_000,
      connectTimeoutMs: vars.DB_CONNECT_TIMEOUT_MS ?? 2_000,
      connectRetries: vars.DB_CONNECT_RETRIES ?? 5,
      slowQueryMs: vars.DB_SLOW_QUERY_MS ?? 1_000,
      migrationsRun: vars.DB_MIGRATIONS_RUN ?? true,
    },
    logLevel: vars.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    auth: { jwtSecret: vars.JWT_SECRET, jwtTtlSeconds: vars.JWT_TTL_SECONDS ?? 900 },
    backup: {
      dir: resolveFromRoot(vars.BACKUP_DIR ?? 'backups'),
      cron: vars.BACKUP_CRON ?? '0 6 * * *',
      enabled: vars.BACKUP_ENABLED ?? nodeEnv !== 'test',
    },
    apiUsageRetentionDays: vars.API_USAGE_RETENTION_DAYS ?? 90,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
