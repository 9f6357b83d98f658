import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { copyFrom } from '../../common/database/copy-text';
import { guardPoolClients } from '../../common/database/pool-errors';
import { APP_CONFIG, AppConfig } from '../../config/app.config';
import { SessionDatabase } from '../../database/session-database';

/**
 * A one-connection pool of its own for the app's background writes (api_usage_logs batches,
 * slow-query rows): they never take a connection from the request pool, and a request pool
 * under pressure never holds them up. Closed after every module has flushed (shutdown).
 * Each write is bounded (DB_BACKGROUND_QUERY_TIMEOUT_MS, node-postgres query_timeout): a frozen
 * server fails the batch (the buffer counts it as dropped) instead of holding the writer, and with
 * it the shutdown's last flush and pool.end(), for as long as the server stays frozen.
 */
@Injectable()
export class BackgroundWriter implements OnApplicationShutdown {
  private readonly pool: Pool;
  private closed = false;

  constructor(session: SessionDatabase, @Inject(APP_CONFIG) config: Pick<AppConfig, 'database'>) {
    this.pool = new Pool({
      // The direct connection: a transaction pooler refuses the `options` startup parameter below.
      connectionString: session.url,
      max: 1,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      // A COPY or query whose answer does not come in time rejects, and its connection is dropped (released with the error).
      query_timeout: config.database.backgroundQueryTimeoutMs,
      application_name: 'pend-backend-background',
      // Telemetry: a database crash may lose the last fraction of a second of it; no WAL flush per batch.
      options: '-c synchronous_commit=off',
    });
    // A connection the server drops, idle or in a COPY, must not crash the process: the COPY rejects.
    guardPoolClients(this.pool);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  async query(sql: string, params: unknown[] = []): Promise<void> {
    await this.withClient((client) => client.query(sql, params));
  }

  /** `COPY … FROM STDIN` with rows already in COPY's text format. */
  async copy(sql: string, data: string): Promise<void> {
    await this.withClient((client) => copyFrom(client, sql, data));
  }

  private async withClient(write: (client: PoolClient) => Promise<unknown>): Promise<void> {
    if (this.closed) throw new Error('the background writer is closed');
    const client = await this.pool.connect();
    try {
      await write(client);
    } catch (error) {
      // A write that timed out may still sit in a frozen server: the socket is destroyed, since a
      // polite close would wait for that server's answer (and pool.end() with it).
      if (error instanceof Error && error.message === 'Query read timeout') {
        (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      }
      client.release(error as Error); // never reused
      throw error;
    }
    client.release();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
