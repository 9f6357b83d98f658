import { applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { ErrorCode } from '../errors/error-codes';

/** Operation extensions the document completer reads (and removes): who may call, what can go wrong. */
export const X_ERROR_CODES = 'x-error-codes';
export const X_AUTH = 'x-auth';
export const X_PERMISSIONS = 'x-permissions';
export const X_NO_DATABASE = 'x-no-database';
export const X_REQUEST_EXAMPLE = 'x-request-example';

/** How a route is reached: no token, an investor's token, an admin's token, or either kind. */
export type RouteAuth = 'none' | 'investor' | 'admin' | 'token';

/**
 * The error codes this operation's own rules can answer (its service's typed errors), beyond the ones
 * every route of its kind gets from the document completer (validation, authentication, outages).
 * Each code's status comes from the catalogue, so a route cannot declare a code under the wrong status.
 */
export const ApiErrors = (...codes: ErrorCode[]) => ApiExtension(X_ERROR_CODES, codes);

/** Security of the route for the document: set by the auth decorators, never by hand. */
export const ApiRouteAuth = (auth: RouteAuth, permissions: string[] = []) =>
  permissions.length ? applyDecorators(ApiExtension(X_AUTH, auth), ApiExtension(X_PERMISSIONS, permissions)) : ApiExtension(X_AUTH, auth);

/** The route answers without the database (liveness, metrics): no 503 database codes. */
export const ApiNoDatabase = () => ApiExtension(X_NO_DATABASE, true);

/**
 * A request body that passes the route's validation, shown in the document as the body's example (the
 * contract-answers e2e test sends it and expects it to get past validation to the database).
 */
export const ApiRequestExample = (example: Record<string, unknown>) => ApiExtension(X_REQUEST_EXAMPLE, example);
