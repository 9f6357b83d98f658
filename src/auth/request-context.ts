import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app.config';

/** The caller's IP as Fastify resolved it (trust proxy: loopback), for audit entries and rate limits. */
export const ClientIp = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
});

/** Where a Sign-In-with-Ethereum message must say it comes from. */
export interface SignInOrigin {
  domain: string;
  uri: string;
}

/** The request's host and URL, used when SIWE_DOMAIN / SIWE_URI are not configured. */
export const RequestOrigin = createParamDecorator((_: unknown, context: ExecutionContext): { host: string; protocol: string } => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return { host: request.host || 'localhost', protocol: request.protocol };
});

export function resolveSignInOrigin(config: AppConfig, request: { host: string; protocol: string }): SignInOrigin {
  const domain = config.auth.siwe.domain ?? request.host;
  return { domain, uri: config.auth.siwe.uri ?? `${request.protocol}://${domain}` };
}
