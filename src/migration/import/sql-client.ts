import { DatabaseError, PoolClient } from 'pg';
import { copyFrom } from '../../common/database/copy-text';

/**
 * The importer's own connection, used through pg directly: batches carry arrays of thousands of
 * values, and TypeORM's query wrapper (logging, parameter formatting) costs more than the query.
 */
export interface SqlClient {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `COPY … FROM STDIN` with this text as its data. */
  copyFrom(sql: string, data: string): Promise<void>;
}

export function sqlClient(client: PoolClient): SqlClient {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const result = await client.query(sql, params);
      return (Array.isArray(result) ? [] : result.rows) as T[];
    },
    copyFrom: (sql: string, data: string) => copyFrom(client, sql, data),
  };
}

/** An error PostgreSQL raised for a statement (a broken rule), as opposed to a lost connection. */
export function isStatementError(error: unknown): boolean {
  return error instanceof DatabaseError;
}
