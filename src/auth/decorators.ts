import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiRouteAuth } from '../common/openapi/api-errors.decorator';
import type { AuthPrincipal } from './principal';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_PERMISSIONS = 'auth:permissions';
export const INVESTOR_ONLY = 'auth:investor';

/** No token needed (the OpenAPI document says so too). Every other route needs a valid access token (401 otherwise). */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiRouteAuth('none'));

/** An admin whose role or own grants allow every listed `resource:action` (403 otherwise). */
export const RequirePermissions = (...permissions: string[]) =>
  applyDecorators(SetMetadata(REQUIRED_PERMISSIONS, permissions), ApiRouteAuth('admin', permissions));

/** An investor's token (an admin token gets 403). */
export const InvestorOnly = () => applyDecorators(SetMetadata(INVESTOR_ONLY, true), ApiRouteAuth('investor'));

export type AuthenticatedRequest = FastifyRequest & { principal?: AuthPrincipal };

/** The caller as the guards resolved it. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): AuthPrincipal | undefined => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
});
