import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AccountStatusWatcher } from '../account-status.watcher';
import { AdminPrincipalLoader } from '../admin-principal.loader';
import { AuthenticatedRequest, INVESTOR_ONLY, IS_PUBLIC, REQUIRED_PERMISSIONS } from '../decorators';
import { AccessTokenClaims } from '../principal';
import { permits } from './permissions';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';

interface RouteAccess {
  isPublic: boolean;
  required?: string[];
  investorOnly: boolean;
}

type VerifiedClaims = AccessTokenClaims & { exp?: number; iat?: number };

/** How far ahead of our clock another instance's may be when it issued a token. */
const CLOCK_SKEW_SECONDS = 60;

/** Tokens verified recently: a client sends the same one on every call until it expires. */
const VERIFIED_TOKENS_MAX = 20_000;

/**
 * The one global guard: routes are closed unless marked @Public(). Resolves the caller
 * from the Bearer token, then applies @InvestorOnly() and @RequirePermissions(…).
 * Per token, not per request: the signature check (cached until the token expires). Per request:
 * the account's state (a suspended or closed investor's tokens stop at once; admins reload grants).
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  private readonly routes = new WeakMap<object, RouteAccess>();
  private readonly verified = new Map<string, VerifiedClaims>();
  private readonly maxLifetimeSeconds: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly admins: AdminPrincipalLoader,
    private readonly accounts: AccountStatusWatcher,
  ) {
    this.maxLifetimeSeconds = config.auth.jwtTtlSeconds;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const access = this.routeAccess(context);
    if (access.isPublic) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const claims = await this.verify(request.headers.authorization);
    if (claims.kind === 'admin') {
      const admin = await this.admins.load(claims.sub);
      if (!admin) throw new UnauthorizedException('The admin account is unknown or disabled');
      request.principal = admin;
    } else {
      if (await this.accounts.isBlocked(claims.sub)) throw new UnauthorizedException('The account is suspended or closed');
      request.principal = { kind: 'user', id: claims.sub };
    }

    const { required } = access;
    if (required?.length) {
      const principal = request.principal;
      if (principal.kind !== 'admin' || !required.every((p) => permits(principal.permissions, p))) {
        throw new ForbiddenException(`Requires permission ${required.join(', ')}`);
      }
    }
    if (access.investorOnly && request.principal.kind !== 'user') {
      throw new ForbiddenException('Only investors can do this');
    }
    return true;
  }

  /** Route metadata never changes at run time: read it once per handler. */
  private routeAccess(context: ExecutionContext): RouteAccess {
    const handler = context.getHandler();
    let access = this.routes.get(handler);
    if (!access) {
      const targets = [handler, context.getClass()];
      access = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
        required: this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, targets),
        investorOnly: this.reflector.getAllAndOverride<boolean>(INVESTOR_ONLY, targets) === true,
      };
      this.routes.set(handler, access);
    }
    return access;
  }

  private async verify(header: string | undefined): Promise<AccessTokenClaims> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new UnauthorizedException('Missing bearer token');
    const token = match[1];
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.exp! * 1000 > Date.now()) return cached;
      this.verified.delete(token);
    }
    let claims: VerifiedClaims;
    try {
      claims = await this.jwt.verifyAsync<VerifiedClaims>(token);
      if (typeof claims.sub !== 'string' || (claims.kind !== 'user' && claims.kind !== 'admin')) throw new Error('bad claims');
    } catch {
      throw new UnauthorizedException('Invalid or expired token');
    }
    // A token without an expiry, or living longer than JWT_TTL_SECONDS, was not issued by us as configured.
    const { exp, iat } = claims;
    if (
      typeof exp !== 'number' ||
      typeof iat !== 'number' ||
      exp - iat > this.maxLifetimeSeconds ||
      iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS
    ) {
      throw new UnauthorizedException('The token has no expiry or a lifetime longer than this server issues');
    }
    // Insertion order is age: when full, forget the oldest.
    if (this.verified.size >= VERIFIED_TOKENS_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, claims);
    return claims;
  }
}
