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
  if (!ip) return null;
  // Every answer's usage row asks, and nearly every request comes from the address the last one came
  // from (a proxy, a load balancer, a client's keep-alive connection): node:net's isIP runs its regular
  // expressions only when the address changes.
  if (ip !== lastAddress) {
    lastAddress = ip;
    lastClientIp = isIP(ip) ? ip : null;
  }
  return lastClientIp;
}

let lastAddress: string | undefined;
let lastClientIp: string | null = null;

export const ClientIp = createParamDecorator((_: unknown, context: ExecutionContext): string | null =>
  clientIpOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
