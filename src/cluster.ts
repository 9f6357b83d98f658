import cluster, { Worker } from 'node:cluster';
import type { Server } from 'node:http';
import { LoggerService } from '@nestjs/common';
import { AggregatorRegistry } from 'prom-client';
import { prepareDatabase } from './bootstrap';
import { AppConfig } from './config/app.config';
import { describeDatabaseUrl, provideDatabaseServer } from './database/database-server';
import { listenForScrapes, serverUrl } from './system/metrics/metrics.server';

/** The environment a worker gets from the primary (internal: not settings for an operator). */
export const WORKER_SLOT_ENV = 'PEND_CLUSTER_WORKER';
export const WORKER_DATABASE_URL_ENV = 'PEND_CLUSTER_DATABASE_URL';

/** A replacement waits 250 ms, doubling per death without a stable run in between, up to 5 s. */
const RESTART_FIRST_DELAY_MS = 250;
const RESTART_MAX_DELAY_MS = 5_000;
/** A worker that served this long is stable: its next death starts the backoff from the beginning. */
const STABLE_AFTER_MS = 30_000;
/** Deaths in a row without a stable run before a slot is given up. */
const RESTART_ATTEMPTS = 8;
/** How long SIGTERM waits for the workers' ordered shutdown before SIGKILL. */
const DRAIN_BOUND_MS = 60_000;

interface Slot {
  id: number;
  worker?: Worker;
  listeningAt?: number;
  /** Deaths since the slot last ran stable; > 0 while it is being restarted. */
  deaths: number;
  downSince?: number;
  timer?: NodeJS.Timeout;
  gaveUp?: boolean;
}

/**
 * CLUSTER_WORKERS > 1, the primary process: the embedded PostgreSQL (when no DATABASE_URL), the migrations
 * and the seed, once; then N workers (node:cluster, round-robin on one PORT) each running the whole app.
 * A worker that dies is replaced (backoff, bound; one log line when it dies, one when it serves again).
 * SIGTERM/SIGINT: every worker runs its ordered shutdown (stop accepting, answer what is in flight,
 * drain the usage log), then the embedded server stops. METRICS_PORT is served here, aggregated.
 */
export async function runClusterPrimary(config: AppConfig, logger: LoggerService): Promise<void> {
  const count = config.cluster.workers;
  const database = await provideDatabaseServer(config, logger, { stopOnSignals: false, owner: 'app' });
  logger.log(`Using database ${describeDatabaseUrl(database.url)}`, 'Cluster');
  const slots: Slot[] = Array.from({ length: count }, (_, i) => ({ id: i + 1, deaths: 0 }));
  let metrics: Server | undefined;
  let starting = true;
  let stopping: Promise<never> | undefined;

  const live = () => slots.filter((slot) => slot.worker && !slot.worker.isDead());
  const slotOf = (worker: Worker) => slots.find((slot) => slot.worker === worker);

  const stop = (reason: string, exitCode: number): Promise<never> =>
    (stopping ??= (async () => {
      logger.log(`${reason}: stopping ${live().length} worker(s)`, 'Cluster');
      for (const slot of slots) clearTimeout(slot.timer);
      const exits = live().map(
        (slot) => new Promise<void>((resolve) => (slot.worker!.isDead() ? resolve() : slot.worker!.once('exit', () => resolve()))),
      );
      // Each worker's own SIGTERM handler runs the app's ordered shutdown (main.ts).
      for (const slot of live()) slot.worker!.process.kill('SIGTERM');
      const bound = setTimeout(() => {
        for (const slot of live()) {
          logger.error(`Worker ${slot.id} (pid ${slot.worker!.process.pid}) did not stop in ${DRAIN_BOUND_MS / 1000} s: killed`, 'Cluster');
          slot.worker!.process.kill('SIGKILL');
        }
      }, DRAIN_BOUND_MS);
      await Promise.all(exits);
      clearTimeout(bound);
      if (metrics) {
        metrics.closeAllConnections();
        await new Promise<void>((resolve) => metrics!.close(() => resolve()));
      }
      await database.stop();
      logger.log('Stopped', 'Cluster');
      process.exit(exitCode);
    })());
  process.once('SIGTERM', () => void stop('Received SIGTERM', 0));
  process.once('SIGINT', () => void stop('Received SIGINT', 0));

  const fork = (slot: Slot) => {
    slot.timer = undefined;
    slot.listeningAt = undefined;
    slot.worker = cluster.fork({
      [WORKER_SLOT_ENV]: String(slot.id),
      // The embedded server's URL: the workers use the primary's server, never start one.
      ...(config.database.url ? {} : { [WORKER_DATABASE_URL_ENV]: database.url }),
    });
  };

  cluster.on('listening', (worker) => {
    const slot = slotOf(worker);
    if (!slot || slot.listeningAt) return;
    slot.listeningAt = Date.now();
    if (slot.deaths > 0 && slot.downSince !== undefined) {
      logger.warn(
        `Worker ${slot.id} replaced (pid ${worker.process.pid}) after ${((Date.now() - slot.downSince) / 1000).toFixed(1)} s, attempt ${slot.deaths}`,
        'Cluster',
      );
      slot.downSince = undefined;
    } else {
      logger.log(`Worker ${slot.id} (pid ${worker.process.pid}) listening`, 'Cluster');
    }
    if (starting && slots.every((s) => s.listeningAt)) {
      starting = false;
      const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      logger.log(
        `Pend API listening on http://${shownHost}:${config.port}/api with ${count} workers (primary pid ${process.pid}; docs: /api/docs, health: /api/health)`,
        'Cluster',
      );
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const slot = slotOf(worker);
    if (!slot || stopping) return;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (starting && !slot.listeningAt) {
      // A worker that cannot start (port taken, database refused): the whole start fails, as one process would.
      logger.error(`Worker ${slot.id} (pid ${worker.process.pid}) exited while starting (${how})`, 'Cluster');
      void stop('A worker failed to start', 1);
      return;
    }
    const stable = slot.listeningAt !== undefined && Date.now() - slot.listeningAt >= STABLE_AFTER_MS;
    if (stable) slot.deaths = 0;
    const firstDeath = slot.downSince === undefined;
    slot.downSince ??= Date.now();
    slot.deaths += 1;
    if (slot.deaths > RESTART_ATTEMPTS) {
      slot.gaveUp = true;
      slot.worker = undefined;
      logger.error(
        `Worker ${slot.id} died ${slot.deaths} times in a row (last: ${how}); not restarting it, ${live().length} worker(s) left`,
        'Cluster',
      );
      if (live().length === 0 && slots.every((s) => s.gaveUp || !s.timer)) void stop('No worker left', 1);
      return;
    }
    const delay = Math.min(RESTART_FIRST_DELAY_MS * 2 ** (slot.deaths - 1), RESTART_MAX_DELAY_MS);
    if (firstDeath) {
      logger.error(
        `Worker ${slot.id} (pid ${worker.process.pid}) exited unexpectedly (${how}); starting a replacement in ${delay} ms, ` +
          `${live().length} worker(s) serving meanwhile`,
        'Cluster',
      );
    }
    slot.timer = setTimeout(() => fork(slot), delay);
  });

  try {
    if (config.database.migrationsRun) await prepareDatabase(config, database.url, logger);
    const aggregator = new AggregatorRegistry();
    metrics = await listenForScrapes(config, () => aggregator.clusterMetrics(), aggregator.contentType, {
      error: (message: unknown) => logger.error(String(message), 'Metrics'),
    });
    logger.log(`Prometheus metrics at ${serverUrl(metrics)}/metrics (all workers, aggregated)`, 'Metrics');
  } catch (error) {
    logger.error(error instanceof Error ? error : String(error), 'Cluster');
    await stop('Start failed', 1);
  }
  for (const slot of slots) fork(slot);
}
