import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AuthenticatedRequest } from '../../auth/decorators';
import { MetricsService } from '../metrics/metrics.service';
import { RequestStats } from './request-stats';
import { ApiUsageBuffer } from './api-usage.buffer';

/** Requests no route matched share one label, so scanners cannot blow up the series count. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Times every request and, once the response is sent, records it: the Prometheus histogram
 * (by route pattern, never the raw path), the in-memory request rate, and an api_usage_logs
 * entry for /api routes. Nothing here touches the database on the request path.
 */
@Injectable()
export class RequestTrackingMiddleware implements NestMiddleware {
  constructor(
    private readonly metrics: MetricsService,
    private readonly usage: ApiUsageBuffer,
    private readonly stats: RequestStats,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    // Nest mounts this middleware as a catch-all route: while req.route is still that one, no handler matched.
    const ownRoute: unknown = req.route;
    res.once('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const routePath = req.route === ownRoute ? undefined : (req.route as { path?: string } | undefined)?.path;
      const route = routePath ? `${req.baseUrl ?? ''}${routePath}` : UNMATCHED_ROUTE;
      const statusCode = res.statusCode;
      this.metrics.httpDuration.observe({ method: req.method, route, status_code: String(statusCode) }, durationMs / 1000);
      this.stats.count();
      if (!req.originalUrl.startsWith('/api/')) return;
      const principal = (req as AuthenticatedRequest).principal;
      this.usage.record({
        method: req.method,
        route,
        statusCode,
        durationMs: Math.round(durationMs * 1000) / 1000,
        userId: principal?.kind === 'user' ? principal.id : null,
        adminUserId: principal?.kind === 'admin' ? principal.id : null,
        ip: req.ip ?? null,
        createdAt: new Date(),
      });
    });
    next();
  }
}
