import { isIP } from 'node:net';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The caller's IP as Fastify resolved it, for audit entries, agreements and rate limits: the socket's
 * peer, or the address a proxy named in X-Forwarded-For when that proxy is one TRUST_PROXY lists (never
 * a client's claim). Null when the address is unknown: a trusted proxy may forward `unknown` (Squid's
 * `forwarded_for unknown`) or something else that is no address, and inet columns take NULL, not a word.
 */
export function clientIpOf(request: FastifyRequest): string | null {
  const ip = request.ip ?? request.socket?.remoteAddress;
  return ip && isIP(ip) ? ip : null;
}

export const ClientIp = createParamDecorator((_: unknown, context: ExecutionContext): string | null =>
  clientIpOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
