import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';

/**
 * The SQL of backups, base backups and drills, in one place. Each function takes something that can
 * run a query (a QueryRunner inside its transaction, a DataSource, or a pg Client wrapped by `viaClient`).
 */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export function viaClient(client: { query(sql: string, values?: unknown[]): Promise<{ rows: unknown[] }> }): Queryable {
  return { query: async (sql, parameters) => (await client.query(sql, parameters)).rows };
}

/** The WAL file holding `lsn` and the server's version (after pg_basebackup reported its start point). */
export async function walFileAndVersion(db: Queryable, lsn: string): Promise<{ walFile: string; version: string }> {
  const [row] = (await db.query(`SELECT pg_walfile_name($1::pg_lsn) AS "walFile", current_setting('server_version') AS version`, [
    lsn,
  ])) as {
    walFile: string;
    version: string;
  }[];
  return row;
}

/** Writes a named restore point into the WAL (the drill's mark); returns its position. */
export async function createRestorePoint(db: Queryable, name: string): Promise<string> {
  const [row] = (await db.query('SELECT pg_create_restore_point($1)::text AS lsn', [name])) as { lsn: string }[];
  return row.lsn;
}

/** Every user table, schema-qualified and quoted (the tables the drill and the backups count). */
export async function userTables(db: Queryable): Promise<string[]> {
  const rows = (await db.query(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
     WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY schemaname, tablename`,
  )) as { name: string }[];
  return rows.map((r) => r.name);
}

/**
 * Inside the caller's transaction: holds writes to `tables` off (SHARE locks, which wait for every open
 * writing transaction to finish and keep new ones waiting) until that transaction ends. Gives up after
 * `timeoutMs` (statement_timeout), so a writer queued behind it never waits longer than that.
 */
export async function holdWrites(db: Queryable, tables: string[], timeoutMs: number): Promise<void> {
  await db.query(`SELECT set_config('statement_timeout', $1, true)`, [`${Math.max(1, Math.round(timeoutMs))}ms`]);
  if (tables.length) await db.query(`LOCK TABLE ${tables.join(', ')} IN SHARE MODE`);
  await db.query(`SELECT set_config('statement_timeout', '0', true)`);
}

/** Starts reading the transaction's snapshot (REPEATABLE READ takes it at its first query). */
export async function takeSnapshot(db: Queryable): Promise<void> {
  await db.query('SELECT pg_current_snapshot()');
}

/** Closes the current WAL segment so the archiver takes it; returns the closed file's name. */
export async function switchWal(db: Queryable): Promise<string> {
  const [row] = (await db.query('SELECT pg_walfile_name(pg_switch_wal()) AS wal')) as { wal: string }[];
  return row.wal;
}

export async function archiveMode(db: Queryable): Promise<string> {
  const [row] = (await db.query(`SELECT current_setting('archive_mode') AS mode`)) as { mode: string }[];
  return row.mode;
}

/** `table.column type nullable` for every column of the user schemas: what "the same schema" means for a drill. */
export async function schemaSignature(db: Queryable): Promise<string[]> {
  const rows = (await db.query(
    `SELECT table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END AS col
     FROM information_schema.columns
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg\\_temp\\_%'
     ORDER BY 1`,
  )) as { col: string }[];
  return rows.map((r) => r.col);
}

/** The migrations recorded as applied (TypeORM's table). */
export async function appliedMigrations(db: Queryable, table: string): Promise<string[]> {
  const rows = (await db.query(`SELECT name FROM ${table.replace(/[^a-z0-9_]/gi, '')} ORDER BY id`)) as { name: string }[];
  return rows.map((r) => r.name);
}

/** pg_stat_archiver: the archiver's last success and failure (for /metrics and database-health). */
export async function archiverStats(
  db: Queryable,
): Promise<{ archivedCount: number; lastArchivedAt: Date | null; failedCount: number; lastFailedAt: Date | null; mode: string }> {
  const [row] = (await db.query(
    `SELECT archived_count::bigint AS "archivedCount", last_archived_time AS "lastArchivedAt", failed_count::bigint AS "failedCount",
            last_failed_time AS "lastFailedAt", current_setting('archive_mode') AS mode
     FROM pg_stat_archiver`,
  )) as { archivedCount: string; lastArchivedAt: Date | null; failedCount: string; lastFailedAt: Date | null; mode: string }[];
  return { ...row, archivedCount: Number(row.archivedCount), failedCount: Number(row.failedCount) };
}

export async function insertSystemLog(
  db: Queryable,
  level: 'info' | 'error',
  category: string,
  message: string,
  details: unknown,
): Promise<void> {
  await db.query(`INSERT INTO system_logs (level, category, message, details) VALUES ($1, $2, $3, $4)`, [
    level,
    category,
    message,
    details,
  ]);
}

export async function tryAdvisoryLock(db: Queryable, key: string): Promise<boolean> {
  const [row] = (await db.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [key])) as { locked: boolean }[];
  return row.locked;
}

export async function advisoryUnlock(db: Queryable, key: string): Promise<void> {
  await db.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Exact row counts of every user table, read through `db` (inside its transaction if it has one). */
export async function countRowsPerTable(db: Queryable): Promise<Record<string, number>> {
  const tables = (await db.query(
    // Not temporary tables (pg_temp_N): they are no data of the database, another session's cannot be read
    // ("cannot access temporary tables of other sessions"), and no dump or restored copy holds them.
    `SELECT schemaname, tablename FROM pg_tables
     WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pg\\_temp\\_%'
     ORDER BY 1, 2`,
  )) as { schemaname: string; tablename: string }[];
  if (tables.length === 0) return {};
  const sql = tables
    .map(({ schemaname, tablename }) => {
      const name = schemaname === 'public' ? tablename : `${schemaname}.${tablename}`;
      return `SELECT '${name.replace(/'/g, "''")}' AS name, count(*)::bigint AS n FROM ${quoteIdent(schemaname)}.${quoteIdent(tablename)}`;
    })
    .join(' UNION ALL ');
  const rows = (await db.query(sql)) as { name: string; n: string }[];
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}

/** Row counts per table of the database at `url` (a restored copy), on a connection of its own. */
export async function countRowsInDatabase(url: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url, application_name: 'pend-backup-verify' });
  await client.connect();
  try {
    return await countRowsPerTable(viaClient(client));
  } finally {
    await client.end();
  }
}

/** The transaction a backup dumps from: its exported snapshot id, the server's version, and its row counts. */
export interface ExportedSnapshot {
  id: string;
  serverVersion: string;
  countRows(): Promise<Record<string, number>>;
}

/**
 * The statements of the backup service. Built on the direct connection (SessionDatabase), never through a
 * transaction pooler: the advisory lock is a session lock and the exported snapshot lives as long as its
 * transaction, so each is held on one dedicated connection for as long as the work that needs it runs.
 */
export class BackupRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The URL pg_dump, pg_restore and pg_basebackup are handed (undefined when the DataSource was built from parts). */
  connectionUrl(): string | undefined {
    return (this.dataSource.options as PostgresDataSourceOptions).url;
  }

  async serverVersionNum(): Promise<number> {
    const [{ num }] = (await this.dataSource.query(`SELECT current_setting('server_version_num')::int AS num`)) as { num: number }[];
    return num;
  }

  /**
   * Runs `work` while holding the session advisory lock `key`: taken, held and released on one connection kept
   * for the whole run (through a pool, the unlock could land on another connection and leave the lock held).
   * Another session holding it: `{ acquired: false }`, and `work` does not run.
   */
  async whileHoldingLock<T>(key: string, work: () => Promise<T>): Promise<{ acquired: true; result: T } | { acquired: false }> {
    const session = this.dataSource.createQueryRunner();
    await session.connect();
    try {
      if (!(await tryAdvisoryLock(session, key))) return { acquired: false };
      try {
        return { acquired: true, result: await work() };
      } finally {
        await advisoryUnlock(session, key).catch(() => undefined);
      }
    } finally {
      await session.release();
    }
  }

  /**
   * Opens a REPEATABLE READ READ ONLY transaction on a connection of its own, exports its snapshot and runs
   * `work` with it (pg_dump --snapshot, the row counts), so counts and dumps see the same data. Commits after
   * `work`, rolls back when it throws.
   */
  async inExportedSnapshot<T>(work: (snapshot: ExportedSnapshot) => Promise<T>): Promise<T> {
    const session = this.dataSource.createQueryRunner();
    await session.connect();
    try {
      await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        const [{ snapshot, version }] = (await session.query(
          `SELECT pg_export_snapshot() AS snapshot, current_setting('server_version') AS version`,
        )) as { snapshot: string; version: string }[];
        const result = await work({ id: snapshot, serverVersion: version, countRows: () => countRowsPerTable(session) });
        await session.query('COMMIT');
        return result;
      } catch (error) {
        await session.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      await session.release();
    }
  }

  walFileAndVersion(lsn: string): Promise<{ walFile: string; version: string }> {
    return walFileAndVersion(this.dataSource, lsn);
  }

  async databaseExists(name: string): Promise<boolean> {
    const rows = (await this.dataSource.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])) as unknown[];
    return rows.length > 0;
  }

  async createDatabase(name: string): Promise<void> {
    await this.dataSource.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`);
  }

  /** Drops `name` even with sessions still connected (a scratch copy a failed restore left behind). */
  async dropDatabaseIfExists(name: string): Promise<void> {
    await this.dataSource.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  }

  countRowsInDatabase(url: string): Promise<Record<string, number>> {
    return countRowsInDatabase(url);
  }

  insertSystemLog(level: 'info' | 'error', message: string, details: unknown): Promise<void> {
    return insertSystemLog(this.dataSource, level, 'backup', message, details);
  }
}
