import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { copyFrom } from '../../common/database/copy-text';
import { guardPoolClients } from '../../common/database/pool-errors';
import { SessionDatabase } from '../../database/session-database';

/**
 * A one-connection pool of its own for the app's background writes (api_usage_logs batches,
 * slow-query rows): they never take a connection from the request pool, and a request pool
 * under pressure never holds them up. Closed after every module has flushed (shutdown).
 */
@Injectable()
export class BackgroundWriter implements OnApplicationShutdown {
  private readonly pool: Pool;
  private closed = false;

  constructor(session: SessionDatabase) {
    this.pool = new Pool({
      // The direct connection: a transaction pooler refuses the `options` startup parameter below.
      connectionString: session.url,
      max: 1,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 5_000,
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
    if (this.closed) throw new Error('the background writer is closed');
    await this.pool.query(sql, params);
  }

  /** `COPY … FROM STDIN` with rows already in COPY's text format. */
  async copy(sql: string, data: string): Promise<void> {
    if (this.closed) throw new Error('the background writer is closed');
    const client = await this.pool.connect();
    try {
      await copyFrom(client, sql, data);
    } catch (error) {
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
