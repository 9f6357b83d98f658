import type { LoggerService } from '@nestjs/common';
import { ServiceUnavailableError } from '../errors/service-unavailable.error';

/** Retry-After for a database that is down or stalled: long enough for a restart or a failover to finish. */
export const DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
/** Retry-After when every pooled connection stayed busy for the whole wait: the next second usually has room. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 1;

/** What node-postgres and pg-pool throw when the pool had no free connection within `connectionTimeoutMillis`. */
const POOL_WAIT_TIMEOUT = 'timeout exceeded when trying to connect';

/** node-postgres' messages for a connection that is gone, never came up, or did not answer within query_timeout. */
const CONNECTION_LOST = [
  'Query read timeout',
  'Connection terminated',
  'timeout expired',
  'is not queryable',
  'Connection ended unexpectedly',
  'the database system is',
];
/**
 * TypeORM releases a query runner whose connection emits an error (the server went away between two
 * queries of a transaction, or before its COMMIT); the transaction's next query then throws one of these
 * instead of the driver's error.
 */
const RUNNER_RELEASED = new Set(['QueryRunnerProviderAlreadyReleasedError', 'QueryRunnerAlreadyReleasedError']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/**
 * SQLSTATEs that mean "the server cannot serve this now", not "the request was wrong": connection
 * exceptions (class 08), insufficient resources (class 53: too many connections, disk full),
 * shutting down / starting up (57P01-57P03), statement_timeout (57014) and lock_timeout (55P03).
 */
function isOutageSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || /^57P0[123]$/.test(code);
}
/** statement_timeout (57014) and lock_timeout (55P03): the server answers, but too slowly for this request. */
const TOO_SLOW_SQLSTATES = new Set(['57014', '55P03']);

/** `unavailable`: no answer at all; `slow`: a server-side timeout; `pool_wait`: no pooled connection in time. */
export type DatabaseFailure = 'unavailable' | 'slow' | 'pool_wait' | undefined;

/** Classifies an error thrown by node-postgres, pg-pool or TypeORM (which wraps the driver's error). */
export function classifyDatabaseError(error: unknown): DatabaseFailure {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    const { message, code, name } = current as { message?: unknown; code?: unknown; name?: unknown };
    if (typeof name === 'string' && RUNNER_RELEASED.has(name)) return 'unavailable';
    if (typeof message === 'string') {
      if (message.includes(POOL_WAIT_TIMEOUT)) return 'pool_wait';
      if (CONNECTION_LOST.some((text) => message.includes(text))) return 'unavailable';
    }
    if (typeof code === 'string' && TOO_SLOW_SQLSTATES.has(code)) return 'slow';
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isOutageSqlState(code)))) {
      return 'unavailable';
    }
    current = (current as { driverError?: unknown }).driverError ?? (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Knows whether the database is answering, from what the request pool sees, and logs an outage
 * exactly twice: when it starts and when it ends (with how long it lasted and how many requests were
 * answered 503 meanwhile), never a stack trace per request.
 */
export class DatabaseOutageMonitor {
  private outageStartedAt?: number;
  private outageReason = '';
  private refusedDuringOutage = 0;
  private lastSuccessAt: number;

  constructor(
    private readonly logger: LoggerService,
    /** How long a request may wait for a pooled connection (DB_CONNECT_TIMEOUT_MS). */
    private readonly poolWaitMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSuccessAt = now();
  }

  get inOutage(): boolean {
    return this.outageStartedAt !== undefined;
  }

  /**
   * A query came back: the database answers. Ends an outage if one is on, but only when that query was
   * sent after the outage began: the late answer to a query sent before it (bytes already on their way
   * when the server stalled) proves nothing and would log the outage as ended and started again.
   */
  succeeded(sentAt: number = this.now()): void {
    this.lastSuccessAt = this.now();
    if (this.outageStartedAt === undefined || sentAt < this.outageStartedAt) return;
    const seconds = ((this.lastSuccessAt - this.outageStartedAt) / 1000).toFixed(1);
    this.logger.warn(
      `Database available again after ${seconds} s; ${this.refusedDuringOutage} request(s) were answered 503 database_unavailable meanwhile`,
      'Database',
    );
    this.outageStartedAt = undefined;
    this.refusedDuringOutage = 0;
  }

  /** The database did not answer (connection refused or lost, query timed out). Starts an outage if none is on. */
  failed(reason: string): void {
    if (this.outageStartedAt !== undefined) return;
    this.outageStartedAt = this.now();
    this.outageReason = reason;
    this.logger.error(`Database unavailable (${reason}); answering 503 database_unavailable until it answers again`, 'Database');
  }

  /**
   * The 503 a request gets for a database error, or undefined when the error is not an outage
   * (then it is the request's or the code's). A wait for a pooled connection that timed out is
   * overload when the pool kept moving, but an outage when nothing came back during the whole wait
   * (every connection is stuck on a stalled server).
   */
  toServiceUnavailable(error: unknown): ServiceUnavailableError | undefined {
    const failure = classifyDatabaseError(error);
    if (failure === undefined) return undefined;
    // At least a second without any answer: a busy machine may well not finish a query within a short wait.
    const stuck = this.now() - this.lastSuccessAt >= Math.max(this.poolWaitMs, 1_000);
    if (failure === 'pool_wait' && !stuck && !this.inOutage) {
      return new ServiceUnavailableError(
        'overloaded',
        'The service is busy; retry after the time in Retry-After',
        OVERLOADED_RETRY_AFTER_SECONDS,
      );
    }
    if (failure !== 'slow') {
      this.failed(failure === 'pool_wait' ? 'no pooled connection came back within the wait' : describe(error));
      this.refusedDuringOutage++;
    }
    return new ServiceUnavailableError(
      'database_unavailable',
      'The database is unavailable; retry after the time in Retry-After',
      DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS,
    );
  }

  /** What the current outage started with (for health and tests). */
  get reason(): string {
    return this.outageReason;
  }
}

function describe(error: unknown): string {
  const driver = (error as { driverError?: unknown })?.driverError ?? error;
  const { message, code } = (driver ?? {}) as { message?: unknown; code?: unknown };
  return (
    [typeof code === 'string' ? code : undefined, typeof message === 'string' ? message : undefined].filter(Boolean).join(' ') || 'unknown'
  );
}
