import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { AppConfig } from '../../config/app.config';
import { ErrorCode } from '../errors/error-codes';
import { errorBody } from '../filters/all-exceptions.filter';
import { findNulCharacter, findTextPath, NUL_PROBLEM } from '../validation/text.validator';
import { fieldInvalid } from '../validation/validation.pipe';

/** The largest JSON body a client may send (the same 1 MiB Express's body parser was given). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The deepest nesting of objects and arrays a JSON body may have. class-transformer and
 * class-validator walk bodies recursively: about 3,000 levels overflowed the stack (a 500).
 * No route takes more than a few levels.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * What one pass over a JSON text found: nesting beyond the limit, or else a set of flags: `\uD…` escapes
 * (possible lone surrogates), `\u0000` escapes (NUL, which PostgreSQL text cannot hold).
 */
export const JSON_TOO_DEEP = 1;
export const JSON_SURROGATE_ESCAPES = 2;
export const JSON_NUL_ESCAPES = 4;

/**
 * One pass over a JSON text's characters (strings skipped) before anything parses or walks it:
 * JSON_TOO_DEEP when objects/arrays nest deeper than `max`, else the flags JSON_SURROGATE_ESCAPES (a string
 * has a `\uD800`–`\uDFFF` escape) and JSON_NUL_ESCAPES (a string has `\u0000`), else 0. Decoded UTF-8
 * cannot hold a lone surrogate and JSON forbids a raw control character in a string: only an escape can.
 */
export function scanJson(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  let found = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        // A backslash: `\uD…` may be half a surrogate pair, `\u0000` is NUL; skip the escaped character.
        if (text.charCodeAt(i + 1) === 0x75) {
          if ((text.charCodeAt(i + 2) | 0x20) === 0x64) found |= JSON_SURROGATE_ESCAPES;
          else if (text.startsWith('0000', i + 2)) found |= JSON_NUL_ESCAPES;
        }
        i++;
      } else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return JSON_TOO_DEEP;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return found;
}

export function jsonDepthExceeds(text: string, max: number): boolean {
  return scanJson(text, max) === JSON_TOO_DEEP;
}

const notWellFormed = (text: string) => !text.isWellFormed();

/**
 * Where a lone UTF-16 surrogate is in a parsed body (the first string or key holding one, by its dotted path),
 * which PostgreSQL would silently store as U+FFFD; undefined when there is none. Depth is already bounded.
 */
export const findLoneSurrogate = (value: unknown): string | undefined => findTextPath(value, notWellFormed);

/**
 * The HTTP layer is Fastify, not Express: on this 2-core machine Nest on Express spent about
 * 0.2 ms of CPU per request in routing and its middleware chain, Nest on Fastify about 0.04 ms
 * (docs/benchmarks.md, "API"), and that difference was most of what kept the API from 0.7× the floor.
 */
export function createHttpAdapter(http: AppConfig['http']): FastifyAdapter {
  const adapter = new FastifyAdapter({
    // Client IPs (audit entries, rate limits) and the protocol from X-Forwarded-For/-Proto only when
    // one of the TRUST_PROXY proxies sent them; by default the socket's peer is the client.
    trustProxy: http.trustProxy,
    // Slow clients are cut off: the whole request, its headers, an idle keep-alive connection.
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      maxHeaderSize: http.maxHeaderBytes,
      // How often Node looks for connections past those timeouts (its default, 30 s, would let them run on).
      connectionsCheckingInterval: Math.min(1_000, http.headersTimeoutMs),
    },
    // What the HTTP parser refuses (timeouts, oversized headers, garbage) in the usual error shape.
    clientErrorHandler: answerClientError,
    bodyLimit: MAX_BODY_BYTES,
    // A body naming __proto__ or constructor.prototype is refused, never half-stripped.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // While shutting down, a request that arrives on a kept-alive connection is answered like any other
    // (Fastify's default is a bare 503 without Retry-After or code); new connections are refused.
    return503OnClosing: false,
    // Refusals Fastify makes while routing, before Nest's filter can see them: the usual error
    // shape, and never the request's path echoed back.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
        return void reply.status(414).send(errorBody(414, 'A path segment is too long', 'uri_too_long'));
      const status = error.statusCode ?? 400;
      const message = error.code === 'FST_ERR_BAD_URL' ? 'Malformed URL' : 'Malformed request';
      void reply.status(status).send(errorBody(status, message, status < 500 ? 'malformed_request' : 'internal_error'));
    },
  });
  useStrictJsonBodies(adapter.getInstance());
  // Set by the access-token guard; declared up front so every request object has the same shape.
  adapter.getInstance().decorateRequest('principal', undefined);
  return adapter;
}

/** The HTTP parser's refusals, before Fastify has a request: written straight to the socket, then closed. */
function answerClientError(error: NodeJS.ErrnoException & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message]: [number, ErrorCode, string] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'The request took too long to arrive']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'request_header_fields_too_large', 'The request headers are too large']
        : [400, 'malformed_request', 'Malformed request'];
  if (socket.writable) {
    const body = JSON.stringify(errorBody(status, message, code));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * The API takes JSON only (any other Content-Type with a body is a 415), and a JSON body must be an
 * object or an array, as Express's strict body parser had it: a bare `null`, string or number is a
 * 400 before any handler runs. Create the app with `bodyParser: false` so Nest keeps this parser.
 */
function useStrictJsonBodies(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (request, body, done) => {
    // Clients send `Content-Type: application/json` with no body on bodiless POSTs: no body, as Express had it.
    if (body.length === 0) return done(null, undefined);
    const scan = scanJson(body as string, MAX_JSON_DEPTH);
    if (scan === JSON_TOO_DEEP) {
      return done(
        new BadRequestException({
          message: `The JSON body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`,
          code: 'json_too_deep',
          details: { maxDepth: MAX_JSON_DEPTH },
        }),
        undefined,
      );
    }
    void parseJson(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(malformedJson('The body is not valid JSON, or it names __proto__ or constructor.prototype'), undefined);
      if (value === null || typeof value !== 'object') return done(malformedJson('The JSON body must be an object or an array'), undefined);
      if (scan & JSON_SURROGATE_ESCAPES) {
        const field = findLoneSurrogate(value);
        if (field !== undefined)
          return done(fieldInvalid(field, 'contains a lone UTF-16 surrogate (half of a \\uD800–\\uDFFF pair)'), undefined);
      }
      if (scan & JSON_NUL_ESCAPES) {
        const field = findNulCharacter(value);
        if (field !== undefined) return done(fieldInvalid(field, NUL_PROBLEM), undefined);
      }
      done(null, value);
    });
  });
  fastify.addContentTypeParser('*', (_request, _payload, done) =>
    done(new UnsupportedMediaTypeException({ message: 'Send the body as application/json', code: 'unsupported_media_type' }), undefined),
  );
}

function malformedJson(message: string): BadRequestException {
  return new BadRequestException({ message, code: 'malformed_json' });
}
