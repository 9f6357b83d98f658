import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { LoggerService } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS, type DatabaseOutageMonitor } from '../database/database-outage';
import { DomainError } from '../errors/domain.error';
import { ServiceUnavailableError } from '../errors/service-unavailable.error';
import { CODE_BY_STATUS, ErrorCode, isErrorCode } from '../errors/error-codes';

/** The one error shape every refusal and fault is answered with; `code` is from the catalogue (error-codes.ts). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code: ErrorCode;
  details?: Record<string, unknown>;
}

// PostgreSQL error codes a client's input can provoke; anything else is our fault (500).
const PG_CLIENT_ERRORS: Record<string, { status: number; code: ErrorCode; message: string }> = {
  '23505': { status: 409, code: 'unique_violation', message: 'A record with the same unique value already exists' },
  '23503': {
    status: 409,
    code: 'reference_violation',
    message: 'The request refers to a record that does not exist or is still referenced',
  },
  '23514': { status: 400, code: 'data_rule_violation', message: 'A value breaks a data rule' },
  '23502': { status: 400, code: 'data_rule_violation', message: 'A required value is missing' },
  '22P02': { status: 400, code: 'data_rule_violation', message: 'A value has the wrong format' },
  '22003': { status: 400, code: 'data_rule_violation', message: 'A number is out of range' },
  // NUL (\u0000) in a text or jsonb value: PostgreSQL cannot store it.
  '22021': { status: 400, code: 'data_rule_violation', message: 'A text value contains a character that cannot be stored (e.g. \\u0000)' },
  '22P05': { status: 400, code: 'data_rule_violation', message: 'A text value contains a character that cannot be stored (e.g. \\u0000)' },
  '22001': { status: 400, code: 'data_rule_violation', message: 'A value is too long' },
  '22007': { status: 400, code: 'data_rule_violation', message: 'A date or time is malformed' },
  '22008': { status: 400, code: 'data_rule_violation', message: 'A date or time is out of range' },
  '40001': { status: 409, code: 'concurrent_conflict', message: 'The request conflicted with a concurrent one; retry it' },
  '40P01': { status: 409, code: 'concurrent_conflict', message: 'The request conflicted with a concurrent one; retry it' },
};

// Same as maintenance-mode.ts (which imports this file, so they are not imported from there).
const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const READ_ONLY_MESSAGE =
  'The primary database is unavailable and the platform is read-only; retry the write after the time in Retry-After';

/** The code of an HttpException that did not name one: by status (Nest's and Fastify's own refusals). */
export function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

/**
 * Turns every error into `{statusCode, error, message, code, details?}`; never a stack trace or SQL in
 * a response. A `Retry-After` header goes with every error that knows when to retry (429, 503).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(
    private readonly logger: LoggerService,
    /** Turns database outages and pool exhaustion into 503s (and counts them) instead of 500s. */
    private readonly outage?: DatabaseOutageMonitor,
    /**
     * True while a read replica is up: a write the primary could not take is then primary maintenance
     * (503 maintenance_read_only, reads keep being served), not a whole-database outage.
     */
    private readonly replicaUp: () => boolean = () => false,
  ) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    if (reply.sent) return;
    const send = (status: number, body: object) => void reply.status(status).send(body);

    // Nest hands Fastify's refusals (body too large, bad Content-Type, unknown route) over as HttpExceptions.
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      // Terminus answers in its own {status, info, error, details} shape; keep it, with a code, and like every 503 with
      // Retry-After (a failed readiness check is most often the database: as long as its restart or failover takes).
      if (body && typeof body === 'object' && 'details' in body && 'status' in body) {
        if (status === 503) void reply.header('Retry-After', String(DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS));
        send(status, { ...body, code: 'health_check_failed' satisfies ErrorCode });
        return;
      }
      send(status, httpExceptionBody(status, body, exception.message));
      return;
    }
    let unavailable = this.outage?.toServiceUnavailable(exception);
    if (unavailable?.code === 'database_unavailable' && !READ_ONLY_METHODS.has(request.method) && this.replicaUp())
      unavailable = new ServiceUnavailableError('maintenance_read_only', READ_ONLY_MESSAGE, unavailable.retryAfterSeconds);
    if (unavailable) {
      void reply.header('Retry-After', String(unavailable.retryAfterSeconds));
      send(unavailable.httpStatus, domainErrorBody(unavailable));
      return;
    }
    if (exception instanceof DomainError) {
      if (exception.retryAfterSeconds !== undefined)
        void reply.header('Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterSeconds))));
      send(exception.httpStatus, domainErrorBody(exception));
      return;
    }
    if (exception instanceof QueryFailedError) {
      const pgCode = (exception.driverError as { code?: string } | undefined)?.code ?? '';
      const known = PG_CLIENT_ERRORS[pgCode];
      if (known) {
        send(known.status, errorBody(known.status, known.message, known.code));
        return;
      }
    }
    this.logger.error(
      exception instanceof Error ? exception : String(exception),
      `${request.method} ${request.routeOptions?.url ?? request.url.split('?')[0]}`,
    );
    send(HttpStatus.INTERNAL_SERVER_ERROR, errorBody(500, 'Internal server error', 'internal_error'));
  }
}

function httpExceptionBody(status: number, body: string | object, fallbackMessage: string): ErrorBody {
  if (typeof body === 'string') return errorBody(status, body, codeForStatus(status));
  const { message, code, details } = body as { message?: string | string[]; code?: unknown; details?: Record<string, unknown> };
  if (status === 404 && !isErrorCode(code)) {
    // Nest's "Cannot GET /path": no route. Never echo the path back.
    return errorBody(404, 'No route answers this method and path', 'route_not_found');
  }
  const result = errorBody(status, message ?? fallbackMessage, isErrorCode(code) ? code : codeForStatus(status));
  if (details && typeof details === 'object') result.details = details;
  return result;
}

export function errorBody(statusCode: number, message: string | string[], code: ErrorCode): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, code };
}

/** The answer to a module's typed error; also what an idempotent replay of that refusal sends again. */
export function domainErrorBody(error: DomainError): ErrorBody {
  const body = errorBody(error.httpStatus, error.message, error.code);
  // Details help a client act on a refusal; a fault's details (paths, tool output) stay in the log.
  if (error.details && error.httpStatus < 500) body.details = error.details;
  return body;
}
