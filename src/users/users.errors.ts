import { DomainError } from '../common/errors/domain.error';

export class UserError extends DomainError {
  static notFound(): UserError {
    return new UserError('user_not_found', 'User not found', 404);
  }

  static phoneTaken(): UserError {
    return new UserError('phone_taken', 'phone is already registered', 409);
  }

  static walletTaken(): UserError {
    return new UserError('wallet_taken', 'address is already registered', 409);
  }

  static addressMismatch(): UserError {
    return new UserError('address_mismatch', 'address does not match the address that signed the message', 400);
  }
}
