import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The caller's IP as Fastify resolved it, for audit entries and rate limits: the socket's peer, or the
 * address a proxy named in X-Forwarded-For when that proxy is one TRUST_PROXY lists (never a client's claim).
 */
export const ClientIp = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
});
