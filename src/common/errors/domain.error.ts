import type { ErrorCode } from './error-codes';

/**
 * Base of every module's typed errors: a stable machine code from the catalogue (error-codes.ts) plus
 * the HTTP status the one exception filter answers with. Modules subclass it (KycError, InvestmentError, …).
 * `details` goes to the client (only for 4xx); `retryAfterSeconds`, when set, becomes a `Retry-After` header.
 */
export class DomainError extends Error {
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly httpStatus: number = 400,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ConflictError extends DomainError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, 409, details);
  }
}

/** Too many requests from one client: 429 with `Retry-After`. */
export class RateLimitedError extends DomainError {
  constructor(
    code: ErrorCode,
    message: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(code, message, 429, { retryAfterSeconds });
  }
}
