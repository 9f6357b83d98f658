import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../../auth/decorators';
import { clientIpOf } from '../../common/http/client-ip.decorator';
import { MetricsService } from '../metrics/metrics.service';
import { ApiUsageBuffer } from './api-usage.buffer';
import { RequestStats } from './request-stats';

/** Requests no route matched share one label, so scanners cannot blow up the series count. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Records every request once its response is sent: the Prometheus histogram (by route pattern,
 * never the raw path), the in-memory request rate, and an api_usage_logs entry for /api routes.
 * A Fastify onResponse hook rather than Nest middleware: no route matching of its own, and Fastify
 * has already timed the request. Nothing here touches the database on the request path.
 */
@Injectable()
export class RequestTracker {
  /** The histogram's child per (method, status, route): labels are hashed once, not per request. */
  private readonly durations = new Map<string, { observe(seconds: number): void }>();

  constructor(
    private readonly metrics: MetricsService,
    private readonly usage: ApiUsageBuffer,
    private readonly stats: RequestStats,
  ) {}

  /** Call before the app is initialised, so the hook covers every route. */
  attach(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      this.record(request, reply);
      done();
    });
  }

  private record(request: FastifyRequest, reply: FastifyReply): void {
    const durationMs = reply.elapsedTime;
    // Fastify's not-found handler has no route pattern.
    const label = (request.is404 ? undefined : request.routeOptions.url) ?? UNMATCHED_ROUTE;
    const statusCode = reply.statusCode;
    const key = `${request.method} ${statusCode} ${label}`;
    let duration = this.durations.get(key);
    if (!duration) {
      duration = this.metrics.httpDuration.labels({ method: request.method, route: label, status_code: statusCode });
      this.durations.set(key, duration);
    }
    duration.observe(durationMs / 1000);
    this.stats.count();
    if (!request.url.startsWith('/api/')) return;
    const principal = (request as AuthenticatedRequest).principal;
    this.usage.record({
      method: request.method,
      route: label,
      statusCode,
      durationMs: Math.round(durationMs * 1000) / 1000,
      userId: principal?.kind === 'user' ? principal.id : null,
      adminUserId: principal?.kind === 'admin' ? principal.id : null,
      // The same address audit entries and rate limits use: TRUST_PROXY decides whom to believe.
      ip: clientIpOf(request),
      createdAt: new Date(),
    });
  }
}
