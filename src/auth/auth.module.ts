import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { AccessTokenService } from './access-token.service';
import { AdminPrincipalLoader } from './admin-principal.loader';
import { AccessTokenGuard } from './guards/access-token.guard';
import { resolveJwtSecret } from './jwt-secret';

/** Tokens and the global guard. Login routes (wallet, admin) live here too. */
@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: resolveJwtSecret(config),
        signOptions: { expiresIn: config.auth.jwtTtlSeconds, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [AccessTokenService, AdminPrincipalLoader, { provide: APP_GUARD, useClass: AccessTokenGuard }],
  exports: [AccessTokenService, JwtModule],
})
export class AuthModule {}
