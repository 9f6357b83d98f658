import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { ExportContext, FileSummary } from './context';
import { exportAdminLogs } from './export-admin-logs';
import { exportExplorer } from './export-explorer';
import { exportMetadata } from './export-metadata';
import { exportOpportunities } from './export-opportunities';
import { exportWalletDb } from './export-wallet-db';
import { QuarantineSource } from './quarantine';

export interface RollbackOptions {
  out: string;
  batchSize?: number;
}

export interface RollbackSummary {
  out: string;
  importRunId: string | null;
  files: FileSummary[];
  reEmitted: number;
  sideFiled: number;
  seconds: number;
}

async function assertEmptyOrMissing(dir: string): Promise<void> {
  try {
    const entries = await readdir(dir);
    if (entries.length > 0) throw new Error(`${dir} is not empty: the rollback writes a whole store and replaces nothing`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Writes the database back out as a legacy store (FORMAT.md) in `out`: every file from one
 * consistent snapshot (a REPEATABLE READ transaction), streamed through server-side cursors,
 * plus the latest completed import run's quarantined records at their places (or, where they
 * have none, in `quarantine/<file>.jsonl`). The store is built in a sibling folder and renamed
 * into place at the end, so `out` never holds half a store.
 */
export async function exportLegacyStore(dataSource: DataSource, options: RollbackOptions): Promise<RollbackSummary> {
  const started = Date.now();
  const out = path.resolve(options.out);
  await assertEmptyOrMissing(out);
  const staging = `${out}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const quarantine = await QuarantineSource.open(runner, staging);
    const context: ExportContext = { runner, out: staging, quarantine, batchSize: options.batchSize ?? 2000 };
    const files: FileSummary[] = [];
    files.push(await exportWalletDb(context));
    files.push(await exportOpportunities(context));
    files.push(await exportAdminLogs(context));
    files.push(await exportMetadata(context));
    files.push(await exportExplorer(context));
    await quarantine.close();
    await runner.query('COMMIT');
    await rm(out, { recursive: true, force: true });
    await rename(staging, out);
    return {
      out,
      importRunId: quarantine.runId,
      files,
      reEmitted: files.reduce((sum, file) => sum + file.reEmitted, 0),
      sideFiled: files.reduce((sum, file) => sum + file.sideFiled, 0),
      seconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    await runner.query('ROLLBACK').catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    await runner.release();
  }
}
