import { createSecretKey } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { AccessTokenService } from './access-token.service';
import { AccountStatusWatcher } from './account-status.watcher';
import { AdminAuthService } from './admin-auth.service';
import { AdminCredentialsRepository } from './admin-credentials.repository';
import { AdminPrincipalLoader } from './admin-principal.loader';
import { AuthController } from './auth.controller';
import { AuthNonceRepository } from './auth-nonce.repository';
import { AccessTokenGuard } from './guards/access-token.guard';
import { InvestorSignInRepository } from './investor-sign-in.repository';
import { resolveJwtSecret } from './jwt-secret';
import { LoginAttemptLimiter, NonceRequestLimiter } from './login-attempt-limiter';
import { RateLimitWindows } from './rate-limit-windows';
import { PasswordHasher } from './password-hasher';
import { SiweService } from './siwe.service';
import { WalletAuthService } from './wallet-auth.service';

/** Tokens and the global guard. Login routes (wallet, admin) live here too. */
@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // A KeyObject, not a string: jsonwebtoken otherwise tries (and fails) to parse a string secret
        // as a public key on every verify, about 6 % of a request's CPU.
        secret: createSecretKey(Buffer.from(resolveJwtSecret(config), 'utf8')),
        signOptions: { expiresIn: config.auth.jwtTtlSeconds, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AccessTokenService,
    AdminPrincipalLoader,
    AccountStatusWatcher,
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    AuthNonceRepository,
    SiweService,
    InvestorSignInRepository,
    WalletAuthService,
    AdminCredentialsRepository,
    PasswordHasher,
    LoginAttemptLimiter,
    NonceRequestLimiter,
    RateLimitWindows,
    AdminAuthService,
  ],
  exports: [AccessTokenService, AccountStatusWatcher, JwtModule, SiweService, AuthNonceRepository, PasswordHasher],
})
export class AuthModule {}
