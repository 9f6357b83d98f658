import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../../config/app.config';

/**
 * The Content-Security-Policy every answer carries. The API answers JSON; the one HTML page is the
 * OpenAPI UI at /api/docs, whose scripts, styles and the document it fetches are all same-origin
 * (its HTML carries two inline <style> blocks, hence 'unsafe-inline' for styles only; its icons are
 * data: URLs). No page may frame ours (clickjacking).
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
};

/** HSTS for a year, subdomains included: sent only on requests that came over TLS. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Helmet's headers on every answer (X-Content-Type-Options, the CSP with frame-ancestors,
 * Referrer-Policy: no-referrer, Cross-Origin-*-Policy, X-Frame-Options…), and
 * Strict-Transport-Security when the request came over TLS (itself, or a TRUST_PROXY proxy's
 * X-Forwarded-Proto). Helmet's middleware is built once here: @fastify/helmet rebuilds it on
 * every request, about 20 µs of CPU each (measured), the whole hot-path budget.
 */
export function useSecurityHeaders(fastify: FastifyInstance): void {
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  });
  const done = () => undefined;
  fastify.addHook('onRequest', (request, reply, next) => {
    headers(request.raw as IncomingMessage, reply.raw as ServerResponse, done);
    if (request.protocol === 'https') void reply.header('Strict-Transport-Security', HSTS);
    next();
  });
}

/**
 * CORS for the browser origins CORS_ORIGINS lists (exact matches); none by default, so no browser
 * page elsewhere can read answers. Bearer tokens, not cookies: no credentials.
 */
export function useCors(app: INestApplication, http: AppConfig['http']): void {
  if (http.corsOrigins.length === 0) return;
  app.enableCors({
    origin: http.corsOrigins,
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Pend-LSN'],
    exposedHeaders: ['Retry-After', 'X-Pend-LSN'],
    maxAge: 600,
  });
}
