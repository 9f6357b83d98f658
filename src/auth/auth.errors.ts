import { DomainError, RateLimitedError } from '../common/errors/domain.error';

/** Sign-in failures. Every credential problem is the same 401 so callers learn nothing from the difference. */
export class AuthError extends DomainError {
  static invalidCredentials(): AuthError {
    return new AuthError('invalid_credentials', 'Invalid email or password', 401);
  }

  static invalidSignIn(reason: string): AuthError {
    return new AuthError('invalid_sign_in', `Sign-in rejected: ${reason}`, 401);
  }

  /** Unknown, used or expired nonce, or a message other than the exact text issued with it. */
  static nonceNotUsable(): AuthError {
    return AuthError.invalidSignIn('the nonce is unknown, already used or expired, or the message is not the one issued with it');
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
