import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AdminPrincipalLoader } from '../admin-principal.loader';
import { AuthenticatedRequest, INVESTOR_ONLY, IS_PUBLIC, REQUIRED_PERMISSIONS } from '../decorators';
import { AccessTokenClaims } from '../principal';
import { permits } from '../../admin/permissions';

/**
 * The one global guard: routes are closed unless marked @Public(). Resolves the caller
 * from the Bearer token, then applies @InvestorOnly() and @RequirePermissions(…).
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly admins: AdminPrincipalLoader,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const claims = await this.verify(request.headers.authorization);
    if (claims.kind === 'admin') {
      const admin = await this.admins.load(claims.sub);
      if (!admin) throw new UnauthorizedException('The admin account is unknown or disabled');
      request.principal = admin;
    } else {
      request.principal = { kind: 'user', id: claims.sub };
    }

    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, targets);
    if (required?.length) {
      const principal = request.principal;
      if (principal.kind !== 'admin' || !required.every((p) => permits(principal.permissions, p))) {
        throw new ForbiddenException(`Requires permission ${required.join(', ')}`);
      }
    }
    if (this.reflector.getAllAndOverride<boolean>(INVESTOR_ONLY, targets) && request.principal.kind !== 'user') {
      throw new ForbiddenException('Only investors can do this');
    }
    return true;
  }

  private async verify(header: string | undefined): Promise<AccessTokenClaims> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new UnauthorizedException('Missing bearer token');
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims>(match[1]);
      if (typeof claims.sub !== 'string' || (claims.kind !== 'user' && claims.kind !== 'admin')) throw new Error('bad claims');
      return claims;
    } catch {
      throw new UnauthorizedException('Invalid or expired token');
    }
  }
}
