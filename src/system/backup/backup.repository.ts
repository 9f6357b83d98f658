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
