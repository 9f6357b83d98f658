import type { Pool, PoolClient } from 'pg';

/**
 * node-postgres emits 'error' on a Client whenever its socket fails (ECONNRESET when the server is
 * killed), even while a query is running, and pg-pool removes its own listener from a client it
 * hands out (pool.connect(), a TypeORM query runner, a COPY). An 'error' with no listener is an
 * uncaught exception that ends the process. Every client of the pool gets a listener of its own
 * for as long as it lives: the failed query still rejects, and the caller deals with that.
 */
export function guardPoolClients(pool: Pool, onError: (error: Error) => void = () => undefined): Pool {
  pool.on('error', onError); // an idle client the server dropped
  pool.on('connect', (client: PoolClient) => client.on('error', onError)); // a client handed out, for its whole life
  return pool;
}
