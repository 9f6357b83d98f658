import { DomainError } from '../common/errors/domain.error';

/** Errors of the investments module (status code and a stable `code`). */
export class InvestmentError extends DomainError {}

export class InvestmentNotFoundError extends InvestmentError {
  constructor() {
    super('investment_not_found', 'Investment not found', 404);
  }
}

export class IllegalInvestmentTransitionError extends InvestmentError {
  constructor(from: string, action: string) {
    super('illegal_investment_transition', `A ${from} investment cannot be ${action}`, 409, { from, action });
  }
}

export class IdempotencyKeyReusedError extends InvestmentError {
  constructor() {
    super('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body', 422);
  }
}
