import * as fs from 'node:fs';
import * as path from 'node:path';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { BatchWriter } from './batch-writer';
import { FingerprintStore } from './fingerprints';
import { MAPPING_RULES, MAPPING_RULES_VERSION } from './mapping-rules';
import { TableName } from './table-specs';
import { WriterPool } from './writer-pool';
import { SqlClient, sqlClient } from './sql-client';
import { emptyTables, ImportReport, QuarantinedRecord } from './import-report';
import { DEFAULT_BATCH_SIZE, ImportProgress, StoreWalker } from './store-walker';

export { DEFAULT_BATCH_SIZE };
export type { ImportProgress };

export interface ImportOptions {
  dataSource: DataSource;
  /** The store folder. */
  source: string;
  /** Parse, validate and count as a real run would, then roll everything back. */
  dryRun?: boolean;
  /** Records per batch (one transaction each). */
  batchSize?: number;
  /** Connections writing batches side by side (a dry run uses one). */
  writers?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Read every record again, even those whose fingerprint is unchanged (after a repair in the database). */
  full?: boolean;
}

/** Two: the database inserts on one core while the next batch is written on the other. */
export const DEFAULT_WRITERS = 2;

/** pg_advisory_lock key: one import at a time per database. */
const IMPORT_LOCK = 7_243_001;

/**
 * Imports a legacy JSON store into the database: streamed, validated, written in batches,
 * idempotent (every row keeps its legacy id), with quarantine and a report.
 */
export async function importLegacyStore(options: ImportOptions): Promise<ImportReport> {
  const source = path.resolve(options.source);
  if (!fs.existsSync(source) || !fs.statSync(source).isDirectory()) throw new Error(`source folder not found: ${options.source}`);
  const queryRunner = options.dataSource.createQueryRunner();
  const runner = sqlClient((await queryRunner.connect()) as PoolClient);
  let locked = false;
  try {
    const [{ acquired }]: { acquired: boolean }[] = await runner.query('SELECT pg_try_advisory_lock($1) AS acquired', [IMPORT_LOCK]);
    if (!acquired) throw new Error('another import is running against this database');
    locked = true;
    return await runImport(runner, source, options);
  } finally {
    if (locked) await runner.query('SELECT pg_advisory_unlock($1)', [IMPORT_LOCK]).catch(() => undefined);
    await queryRunner.release();
  }
}

/** Extra connections for the writers after the first, which shares the run's own connection. */
async function openWriterConnections(
  dataSource: DataSource,
  count: number,
): Promise<{ clients: SqlClient[]; release: () => Promise<void> }> {
  const runners = Array.from({ length: count }, () => dataSource.createQueryRunner());
  const release = async () => void (await Promise.all(runners.map((r) => r.release().catch(() => undefined))));
  try {
    const clients: SqlClient[] = [];
    for (const queryRunner of runners) clients.push(sqlClient((await queryRunner.connect()) as PoolClient));
    return { clients, release };
  } catch (error) {
    await release();
    throw error;
  }
}

async function runImport(runner: SqlClient, source: string, options: ImportOptions): Promise<ImportReport> {
  const dryRun = options.dryRun ?? false;
  const started = new Date();
  if (dryRun) {
    // One transaction rolled back at the end: every check sees what the run wrote before it.
    await runner.query('BEGIN');
  } else {
    // Holding the lock: a run still marked running was killed.
    await runner.query(
      `UPDATE import_runs SET status = 'failed', finished_at = now(), error = 'interrupted before it finished' WHERE status = 'running'`,
    );
  }
  const [{ id: runId }]: { id: string }[] = await runner.query(`INSERT INTO import_runs (source, dry_run) VALUES ($1, $2) RETURNING id`, [
    source,
    dryRun,
  ]);
  const tables = emptyTables();
  const quarantined: QuarantinedRecord[] = [];
  const normalised: Record<string, number> = {};
  const writerCount = dryRun ? 1 : Math.max(1, options.writers ?? DEFAULT_WRITERS);
  const extra = await openWriterConnections(options.dataSource, writerCount - 1);
  const pool = new WriterPool(
    [runner, ...extra.clients].map((client) => new BatchWriter(client, runId, dryRun, tables, quarantined, normalised)),
  );
  const full = options.full ?? false;
  const fingerprints = new FingerprintStore(runner, runId, !full);
  const walker = new StoreWalker(
    source,
    {
      write: (units, loose, check) => pool.submit(units, loose, check),
      drain: () => pool.drain(),
      tierNames: async () => new Set(((await runner.query('SELECT name FROM user_tiers')) as { name: string }[]).map((t) => t.name)),
      fingerprints,
    },
    { batchSize: options.batchSize, onProgress: options.onProgress },
  );
  try {
    await walker.walk();
  } catch (error) {
    await pool.drain().catch(() => undefined);
    if (dryRun) {
      await runner.query('ROLLBACK').catch(() => undefined);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      await runner
        .query(`UPDATE import_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, [runId, message])
        .catch(() => undefined);
    }
    throw error;
  } finally {
    await extra.release();
  }
  const finished = new Date();
  const durationMs = finished.getTime() - started.getTime();
  for (const [kind, n] of Object.entries(walker.skipped)) tables[kind as TableName].skipped += n;
  // Every record counts, nested ones too (a user's transactions, an admin's grants).
  const records = Object.values(tables).reduce((sum, counts) => sum + counts.read, 0);
  const report: ImportReport = {
    runId: dryRun ? null : runId,
    source,
    dryRun,
    mappingRulesVersion: MAPPING_RULES_VERSION,
    mappingRules: MAPPING_RULES,
    status: 'completed',
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs,
    records,
    recordsPerSecond: durationMs > 0 ? Math.round((records * 1000) / durationMs) : records,
    tables,
    quarantined,
    fileNotes: walker.fileNotes,
    normalised: Object.fromEntries(Object.entries(normalised).sort(([a], [b]) => a.localeCompare(b))),
    scan: {
      bytes: walker.bytesScanned,
      seconds: durationMs / 1000,
      megabytesPerSecond: durationMs > 0 ? walker.bytesScanned / 1e6 / (durationMs / 1000) : 0,
    },
    gone: fingerprints.gone,
    full,
  };
  if (dryRun) {
    await runner.query('ROLLBACK');
  } else {
    await runner.query(`UPDATE import_runs SET status = 'completed', finished_at = now(), report = $2::jsonb WHERE id = $1`, [
      runId,
      JSON.stringify(report),
    ]);
  }
  return report;
}
