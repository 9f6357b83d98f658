import { DomainError } from './domain.error';

/** The three outage codes a client can meet; each answers 503 with `Retry-After`. */
export type ServiceUnavailableCode = 'database_unavailable' | 'overloaded' | 'maintenance_read_only';

/**
 * An outage or overload, not the client's fault: the one exception filter answers 503 in the usual
 * error shape with `Retry-After: <retryAfterSeconds>`, so a client knows to retry and when.
 */
export class ServiceUnavailableError extends DomainError {
  constructor(
    code: ServiceUnavailableCode,
    message: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(code, message, 503);
  }
}
