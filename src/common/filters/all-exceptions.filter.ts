import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { LoggerService } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '../errors/domain.error';
import { ServiceUnavailableError } from '../errors/service-unavailable.error';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code?: string;
}

// PostgreSQL error codes a client's input can provoke; anything else is our fault (500).
const PG_CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  '23505': { status: 409, message: 'A record with the same unique value already exists' },
  '23503': { status: 409, message: 'The request refers to a record that does not exist or is still referenced' },
  '23514': { status: 400, message: 'A value breaks a data rule' },
  '23502': { status: 400, message: 'A required value is missing' },
  '22P02': { status: 400, message: 'A value has the wrong format' },
  '22003': { status: 400, message: 'A number is out of range' },
  // NUL (\u0000) in a text or jsonb value: PostgreSQL cannot store it.
  '22021': { status: 400, message: 'A text value contains a character that cannot be stored (e.g. \\u0000)' },
  '22P05': { status: 400, message: 'A text value contains a character that cannot be stored (e.g. \\u0000)' },
  '22001': { status: 400, message: 'A value is too long' },
  '22007': { status: 400, message: 'A date or time is malformed' },
  '22008': { status: 400, message: 'A date or time is out of range' },
  '40001': { status: 409, message: 'The request conflicted with a concurrent one; retry it' },
  '40P01': { status: 409, message: 'The request conflicted with a concurrent one; retry it' },
};

/** Turns every error into `{statusCode, error, message}`; never a stack trace or SQL in a response. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: LoggerService) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    if (reply.sent) return;
    const send = (status: number, body: object) => void reply.status(status).send(body);

    // Nest hands Fastify's refusals (body too large, bad Content-Type) over as HttpExceptions.
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      // Terminus answers in its own {status, info, error, details} shape; keep it.
      if (body && typeof body === 'object' && 'details' in body && 'status' in body) {
        send(status, body);
        return;
      }
      const message = typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? exception.message);
      send(status, errorBody(status, message));
      return;
    }
    if (exception instanceof DomainError) {
      if (exception instanceof ServiceUnavailableError) void reply.header('Retry-After', String(exception.retryAfterSeconds));
      send(exception.httpStatus, domainErrorBody(exception));
      return;
    }
    if (exception instanceof QueryFailedError) {
      const code = (exception.driverError as { code?: string } | undefined)?.code ?? '';
      const known = PG_CLIENT_ERRORS[code];
      if (known) {
        send(known.status, errorBody(known.status, known.message));
        return;
      }
    }
    this.logger.error(
      exception instanceof Error ? exception : String(exception),
      `${request.method} ${request.routeOptions?.url ?? request.url.split('?')[0]}`,
    );
    send(HttpStatus.INTERNAL_SERVER_ERROR, errorBody(500, 'Internal server error'));
  }
}

export function errorBody(statusCode: number, message: string | string[]): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

/** The answer to a module's typed error; also what an idempotent replay of that refusal sends again. */
export function domainErrorBody(error: DomainError): ErrorBody {
  return { ...errorBody(error.httpStatus, error.message), code: error.code };
}
