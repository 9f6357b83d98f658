import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../../config/app.config';

/**
 * The Content-Security-Policy of the OpenAPI UI at /api/docs, the one HTML page: its scripts, styles and
 * the document it fetches are all same-origin (its HTML carries two inline <style> blocks, hence
 * 'unsafe-inline' for styles only; its icons are data: URLs). No page may frame it (clickjacking).
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

/** Where the OpenAPI UI and its assets are served (/api/docs, /api/docs/…, /api/docs-json). */
const DOCS_PREFIX = '/api/docs';

/**
 * The headers of a JSON answer: OWASP's REST Security Cheat Sheet set, for answers no browser renders as
 * a page. Nothing is cached (personal and financial data; Cache-Control: no-store); nothing may load,
 * run or frame it (CSP default-src 'none' with frame-ancestors 'none', X-Frame-Options: DENY); the
 * declared Content-Type is final (nosniff); no Referer leaves it. Helmet's headers that act only on
 * HTML documents (Cross-Origin-Opener-Policy, Origin-Agent-Cluster, X-DNS-Prefetch-Control,
 * X-XSS-Protection, X-Download-Options, X-Permitted-Cross-Domain-Policies) stay on the docs page: on a
 * JSON answer they protect nothing, and each header is validated and written on every answer. So does
 * Cross-Origin-Resource-Policy: browsers already withhold a nosniff JSON answer from another site's no-cors
 * load (CORB/ORB), and CORS decides what a cross-origin fetch may read.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
});

/**
 * Helmet's headers for the docs page (X-Content-Type-Options, the CSP above with frame-ancestors,
 * Referrer-Policy: no-referrer, Cross-Origin-*-Policy, X-Frame-Options…), computed once: helmet's
 * middleware writes the same fixed values on every request, so it runs here against a recording
 * response and only its result is kept.
 */
export function securityHeaders(): Readonly<Record<string, string>> {
  const recorded: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => (recorded[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete recorded[name.toLowerCase()],
  };
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  })({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return Object.freeze(recorded);
}

/**
 * The security headers on every answer (the API set, or helmet's on the docs page), and
 * Strict-Transport-Security when the request came over TLS (itself, or a TRUST_PROXY proxy's
 * X-Forwarded-Proto). They go into Fastify's own header set, which it writes with the status line:
 * helmet's middleware chain called res.setHeader eleven times per request, and made Node's writeHead
 * set Fastify's headers one by one as well (about 8 µs of CPU per request in the bench's profile).
 * @fastify/helmet was worse still: it rebuilt the middleware on every request.
 */
export function useSecurityHeaders(fastify: FastifyInstance): void {
  const docsHeaders = securityHeaders();
  fastify.addHook('onRequest', (request, reply, next) => {
    void reply.headers(request.url.startsWith(DOCS_PREFIX) ? docsHeaders : API_SECURITY_HEADERS);
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
