import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app.config';

/**
 * The caller's IP as Fastify resolved it, for audit entries and rate limits: the socket's peer, or the
 * address a proxy named in X-Forwarded-For when that proxy is one TRUST_PROXY lists (never a client's claim).
 */
export const ClientIp = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
});

/** Where a Sign-In-with-Ethereum message must say it comes from. */
export interface SignInOrigin {
  domain: string;
  uri: string;
}

/**
 * From configuration only (SIWE_DOMAIN, SIWE_URI), never from Host or X-Forwarded-Host: EIP-4361's
 * domain binding exists so that a phishing site cannot relay a sign-in written for its own host.
 */
export function signInOrigin(config: AppConfig): SignInOrigin {
  return { domain: config.auth.siwe.domain, uri: config.auth.siwe.uri };
}
