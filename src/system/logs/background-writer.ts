import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';

/**
 * A one-connection pool of its own for the app's background writes (api_usage_logs batches,
 * slow-query rows): they never take a connection from the request pool, and a request pool
 * under pressure never holds them up. Closed after every module has flushed (shutdown).
 */
@Injectable()
export class BackgroundWriter implements OnApplicationShutdown {
  private readonly pool: Pool;
  private closed = false;

  constructor(dataSource: DataSource) {
    const options = dataSource.options as PostgresDataSourceOptions;
    this.pool = new Pool({
      connectionString: options.url,
      max: 1,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      application_name: 'pend-backend-background',
    });
    // An idle connection dropped by the server must not crash the process.
    this.pool.on('error', () => undefined);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  async query(sql: string, params: unknown[] = []): Promise<void> {
    if (this.closed) throw new Error('the background writer is closed');
    await this.pool.query(sql, params);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
