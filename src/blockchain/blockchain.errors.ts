import { DomainError } from '../common/errors/domain.error';

/** Errors of the blockchain module (status code and a stable `code`). */
export class BlockchainError extends DomainError {}

export class InvalidQueryError extends BlockchainError {
  constructor(field: string, message: string) {
    super('invalid_query', `${field} ${message}`, 400, { field });
  }
}
