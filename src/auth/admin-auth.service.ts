import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';
import { AccessTokenService } from './access-token.service';
import { AdminCredentialsRepository } from './admin-credentials.repository';
import { AuthError } from './auth.errors';
import { LoginAttemptLimiter } from './login-attempt-limiter';
import { PasswordHasher } from './password-hasher';

/**
 * Admin password sign-in. Unknown email, wrong password and disabled account all answer the
 * same 401. Failures are throttled per email+IP with growing delays and per IP (429 with
 * Retry-After); the account itself is never locked, so nobody can lock an admin out.
 */
@Injectable()
export class AdminAuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly admins: AdminCredentialsRepository,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginAttemptLimiter,
    private readonly tokens: AccessTokenService,
  ) {}

  async login(rawEmail: string, password: string, ip: string | null) {
    const email = rawEmail.trim().toLowerCase();
    const blockedFor = await this.limiter.retryAfterSeconds(email, ip);
    if (blockedFor > 0) throw AuthError.tooManyAttempts(blockedFor);

    const admin = await this.admins.findCredentialsByEmail(email);
    const passwordMatches = await this.hasher.verify(password, admin?.passwordHash);
    if (!admin || !passwordMatches || !admin.active) {
      await this.limiter.recordFailure(email, ip);
      if (admin) await this.admins.recordFailedLogin(admin.id);
      throw AuthError.invalidCredentials();
    }
    await this.limiter.recordSuccess(email, ip);
    await this.admins.recordSuccessfulLogin(admin.id);
    const token = await this.tokens.issue('admin', admin.id, this.config.auth.jwtTtlSeconds);
    return { ...token, adminId: admin.id, role: admin.role };
  }
}
