import * as pg from 'pg';
import { classifyDatabaseError, DatabaseOutageMonitor } from './database-outage';

/** The parts of node-postgres' Client and Query the query-timeout sweep reads (pg keeps them on every client). */
interface PgQuery {
  /** Set by BoundedClient when the query is sent (a field on pg's own object: no allocation per query). */
  pendSentAt?: number;
  callback?: (error: Error) => void;
  handleError(error: Error, connection: unknown): void;
}
interface PgClientInternals {
  _queryable: boolean;
  _activeQuery: PgQuery | null;
  _queryQueue: PgQuery[];
  connection?: { stream?: { destroy(): void } };
}

const noop = () => undefined;

/**
 * The client-side bound on a query of the request pool or a replica pool (DB_QUERY_TIMEOUT_MS), kept by one periodic sweep over
 * the clients that have a query out, instead of node-postgres' query_timeout, which arms and clears a
 * timer (and two closures) for every query: measurable per request on the hot path. A query still
 * unanswered when the sweep finds it older than the bound fails exactly as pg's own timeout fails it
 * ('Query read timeout', the late answer ignored), and its connection is destroyed, never reused. The
 * sweep runs every tenth of the bound (at most 250 ms): a stalled query fails within bound + that tick.
 */
export class QueryTimeoutSweep {
  private readonly busy = new Set<pg.Client>();
  private timer?: NodeJS.Timeout;
  readonly intervalMs: number;

  constructor(
    readonly boundMs: number,
    private readonly timedOut: (client: pg.Client) => void,
  ) {
    this.intervalMs = Math.max(10, Math.min(250, Math.floor(boundMs / 10)));
  }

  /** A client sent a query: watch it until the sweep sees it idle. */
  watch(client: pg.Client): void {
    if (this.busy.has(client)) return;
    this.busy.add(client);
    this.timer ??= setInterval(() => this.sweep(Date.now()), this.intervalMs).unref();
  }

  sweep(now: number): void {
    for (const client of this.busy) {
      const internals = client as unknown as PgClientInternals;
      const query = internals._activeQuery ?? internals._queryQueue[0];
      const sentAt = query?.pendSentAt;
      if (!query || sentAt === undefined) {
        this.busy.delete(client);
        continue;
      }
      if (now - sentAt < this.boundMs) continue;
      this.busy.delete(client);
      timeOut(internals, query);
      this.timedOut(client);
    }
    if (this.busy.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

/** What pg's query_timeout does to a query that outlived it, and then the connection destroyed (the server may still run it). */
function timeOut(client: PgClientInternals, query: PgQuery): void {
  // Not queryable from now on: when the query's holder releases it (before the socket's close is seen), pg-pool drops it.
  client._queryable = false;
  const error = new Error('Query read timeout');
  const callback = query.callback ?? noop;
  query.callback = noop;
  // A query object without a callback (a COPY stream) learns of it through handleError, as with pg's timer.
  process.nextTick(() => query.handleError(error, client.connection));
  callback(error);
  client.connection?.stream?.destroy();
}

type QueryablePromise = { then?: (ok: () => void, fail: (error: unknown) => void) => unknown };

/**
 * A node-postgres Client bounded by the query-timeout sweep (`queryTimeoutMs`, 0 for none): a timed-out
 * query's connection is destroyed. With a `monitor` (the request pool's), each query's outcome tells it
 * whether the primary answers; the read replicas' pools pass none (their failures are the router's).
 */
export function boundedClientClass(monitor: DatabaseOutageMonitor | undefined, queryTimeoutMs: number): typeof pg.Client {
  const sweep = queryTimeoutMs > 0 ? new QueryTimeoutSweep(queryTimeoutMs, () => monitor?.failed('Query read timeout')) : undefined;
  return class BoundedClient extends pg.Client {
    constructor(...args: ConstructorParameters<typeof pg.Client>) {
      super(...args);
      // pg emits 'error' on a client whose socket fails even while it is handed out (a query runner
      // held by a job, between TypeORM's listeners): with no listener that would end the process.
      // The query on it rejects, and that is what reports the outage.
      this.on('error', noop);
    }

    override query(...args: unknown[]): never {
      const sentAt = Date.now();
      const result = (super.query as (...a: unknown[]) => unknown)(...args) as QueryablePromise | undefined;
      if (sweep) {
        // The query pg just queued: the last of the queue, or the active one when it was sent at once.
        const internals = this as unknown as PgClientInternals;
        const queue = internals._queryQueue;
        const query = queue.length > 0 ? queue[queue.length - 1] : internals._activeQuery;
        if (query) {
          query.pendSentAt = sentAt;
          sweep.watch(this);
        }
      }
      if (monitor && typeof result?.then === 'function') {
        result.then(
          () => monitor.succeeded(sentAt),
          (error: unknown) => {
            if (classifyDatabaseError(error) === 'unavailable') monitor.failed(error instanceof Error ? error.message : String(error));
          },
        );
      }
      return result as never;
    }
  };
}
