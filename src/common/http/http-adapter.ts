import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../filters/all-exceptions.filter';

/** The largest JSON body a client may send (the same 1 MiB Express's body parser was given). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The deepest nesting of objects and arrays a JSON body may have. class-transformer and
 * class-validator walk bodies recursively: about 3,000 levels overflowed the stack (a 500).
 * No route takes more than a few levels.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `text` nests objects/arrays deeper than `max`, by one pass over its characters (strings
 * skipped) before anything parses or walks it. A text shorter than `max + 1` characters cannot.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * The HTTP layer is Fastify, not Express: on this 2-core machine Nest on Express spent about
 * 0.2 ms of CPU per request in routing and its middleware chain, Nest on Fastify about 0.04 ms
 * (docs/benchmarks.md, "API"), and that difference was most of what kept the API from 0.7× the floor.
 */
export function createHttpAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({
    // Client IPs (audit entries, rate limits) from X-Forwarded-For only when a local proxy sent it.
    trustProxy: 'loopback',
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
    if (jsonDepthExceeds(body as string, MAX_JSON_DEPTH)) {
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
