import { DomainError, RateLimitedError } from '../common/errors/domain.error';

/** Sign-in failures. Every credential problem is the same 401 so callers learn nothing from the difference. */
export class AuthError extends DomainError {
  static invalidCredentials(): AuthError {
    return new AuthError('invalid_credentials', 'Invalid email or password', 401);
  }

  static invalidSignIn(reason: string): AuthError {
    return new AuthError('invalid_sign_in', `Sign-in rejected: ${reason}`, 401);
  }

  static walletNotRegistered(address: string): AuthError {
    return new AuthError(
      'wallet_not_registered',
      'No investor uses this wallet; register it with POST /api/users (the same signed message may be reused until it expires)',
      404,
      { registered: false, address },
    );
  }

  static tooManyAttempts(retryAfterSeconds: number): RateLimitedError {
    return new RateLimitedError('too_many_attempts', `Too many attempts; retry in ${retryAfterSeconds} s`, retryAfterSeconds);
  }
}
