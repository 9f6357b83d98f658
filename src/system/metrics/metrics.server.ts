import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import cluster from 'node:cluster';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry } from 'prom-client';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { MetricsService } from './metrics.service';

/**
 * The Prometheus scrape target, GET /metrics in the text exposition format, on its own port
 * (METRICS_PORT, on METRICS_HOST = 127.0.0.1 by default): never on the public API port. A plain
 * node:http server: no routing, hooks or guards to run for a scrape.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** `http://host:port`, once listening. */
  get url(): string {
    if (!this.server) throw new Error('The metrics server is not listening');
    return serverUrl(this.server);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (cluster.isWorker) {
      // A CLUSTER_WORKERS worker: the primary serves METRICS_PORT and asks each worker for its registry over IPC
      // (prom-client's AggregatorRegistry sums the counters and histograms); a worker listens on no scrape port.
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries([this.metrics.registry]);
      return;
    }
    const server = await listenForScrapes(
      this.config,
      () => this.metrics.registry.metrics(),
      this.metrics.registry.contentType,
      this.logger,
    );
    this.server = server;
    this.logger.log(`Prometheus metrics at ${this.url}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The scrape server: GET (or HEAD) /metrics answers `read()`, anything else 404. Also the CLUSTER_WORKERS primary's. */
export async function listenForScrapes(
  config: Pick<AppConfig, 'metrics'>,
  read: () => Promise<string>,
  contentType: string,
  logger: Pick<Logger, 'error'>,
): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found: scrape GET /metrics\n');
      return;
    }
    read().then(
      (text) => {
        response.writeHead(200, { 'Content-Type': contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        logger.error(error instanceof Error ? error.message : String(error));
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics collection failed\n');
      },
    );
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.metrics.port, config.metrics.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** `http://host:port` of a listening server. */
export function serverUrl(server: Server): string {
  const address = server.address() as AddressInfo | null;
  if (!address) throw new Error('The metrics server is not listening');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
