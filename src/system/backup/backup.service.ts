import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { LoggerService } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { BackupError } from './backup.errors';
import { BackupManifest } from './backup-manifest';
import { insertSystemLog, walFileAndVersion } from './backup.repository';
import { BaseBackupManifest, BaseBackupStore, selectPitrExpired } from './base-backup';
import { selectBackupsToDelete } from './backup-rotation';
import { BackupStore } from './backup-store';
import { CLOCK } from './clock';
import type { Clock } from './clock';
import { PgDumpRunner } from './pg-dump.runner';
import { locatePgTools, PgTools } from './pg-tools';

/** One key for every instance: whoever holds it runs the backup, the others skip. */
const BACKUP_LOCK_KEY = 'pend:backup';
/** A scheduled run finding a backup this recent assumes another instance just made it. */
const SCHEDULED_MIN_INTERVAL_MS = 10 * 60_000;

export type BackupOutcome =
  { status: 'completed'; manifest: BackupManifest; deleted: string[]; base?: BaseBackupManifest } | { status: 'skipped'; reason: string };

export type ProgressListener = (stage: string, detail?: string, info?: { tables?: number }) => void;

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Exact row counts of every user table, read through `runner` (inside its transaction if it has one). */
export async function countRowsPerTable(runner: { query(sql: string): Promise<unknown> }): Promise<Record<string, number>> {
  const tables = (await runner.query(
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
  const rows = (await runner.query(sql)) as { name: string; n: string }[];
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}

/**
 * Full backups: `pg_dump -Fc` plus a schema-only SQL dump into BACKUP_DIR, a manifest with
 * sha256 and per-table row counts, a verifying restore into a scratch database, then rotation.
 * Runs under a PostgreSQL advisory lock so only one instance backs up at a time.
 */
@Injectable()
export class BackupService {
  readonly store: BackupStore;
  readonly baseStore: BaseBackupStore;
  private tools?: PgTools;
  private readonly logger: LoggerService = new Logger(BackupService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly runner: PgDumpRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.store = new BackupStore(config.backup.dir);
    this.baseStore = new BaseBackupStore(config.backup.pitr.baseDir);
  }

  get databaseUrl(): string {
    const url = (this.dataSource.options as PostgresDataSourceOptions).url;
    if (!url) throw new BackupError('backup_no_url', 'The DataSource has no connection URL to hand to pg_dump');
    return url;
  }

  /** pg_dump/pg_restore matching the server's major version (refuses a mismatch). */
  async pgTools(): Promise<PgTools> {
    if (this.tools) return this.tools;
    const [{ num }] = (await this.dataSource.query(`SELECT current_setting('server_version_num')::int AS num`)) as { num: number }[];
    this.tools = locatePgTools(Math.floor(num / 10_000), this.config.backup.pgBinDir);
    return this.tools;
  }

  async runBackup(options: { trigger?: 'scheduled' | 'manual'; onProgress?: ProgressListener } = {}): Promise<BackupOutcome> {
    const trigger = options.trigger ?? 'manual';
    const progress = options.onProgress ?? (() => undefined);
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      const [{ locked }] = (await lock.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [BACKUP_LOCK_KEY])) as {
        locked: boolean;
      }[];
      if (!locked) return { status: 'skipped', reason: 'another instance is running a backup' };
      try {
        const newest = this.store.newest();
        if (trigger === 'scheduled' && newest && this.clock.now().getTime() - Date.parse(newest.startedAt) < SCHEDULED_MIN_INTERVAL_MS) {
          return { status: 'skipped', reason: `backup ${newest.id} was made moments ago` };
        }
        const manifest = await this.dumpAndDescribe(trigger, progress);
        await this.verify(manifest, progress);
        const deleted = this.rotate();
        progress('rotated', deleted.length ? `deleted ${deleted.join(', ')}` : 'nothing to delete');
        await this.recordSystemLog(manifest);
        let base: BaseBackupManifest | undefined;
        if (this.config.backup.pitr.enabled) {
          base = await this.takeBaseBackup(trigger, progress).catch(async (error: Error) => {
            progress('base backup failed', error.message);
            await this.recordLog('error', `Base backup failed: ${error.message}`, { error: error.message });
            return undefined;
          });
          if (base) deleted.push(...this.rotatePitr(progress));
        }
        return { status: 'completed', manifest, deleted, base };
      } finally {
        await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [BACKUP_LOCK_KEY]).catch(() => undefined);
      }
    } finally {
      await lock.release();
    }
  }

  /** Deletes what the retention policy no longer keeps; returns the removed ids. */
  rotate(): string[] {
    const doomed = selectBackupsToDelete(this.store.list(), this.config.backup.retention);
    for (const manifest of doomed) this.store.remove(manifest);
    return doomed.map((m) => m.id);
  }

  /**
   * A base backup (pg_basebackup: tar, gzip, its WAL streamed alongside) into BACKUP_DIR/base/<id>,
   * with the sha256 of each file and the WAL position it starts from in its manifest. Together with
   * the WAL archive it is what `db:restore -- --to-time` replays from.
   */
  async takeBaseBackup(trigger: 'scheduled' | 'manual', progress: ProgressListener = () => undefined): Promise<BaseBackupManifest> {
    const tools = await this.pgTools();
    const startedAt = this.clock.now();
    const started = Date.now();
    const id = `base-${startedAt.toISOString().replace(/[-:.]/g, '')}`;
    fs.mkdirSync(this.baseStore.dir, { recursive: true });
    const tmp = path.join(this.baseStore.dir, `.${id}.tmp`);
    fs.rmSync(tmp, { recursive: true, force: true });
    progress('base backup', `pg_basebackup into ${this.baseStore.folderOf(id)}`);
    let lines: string[];
    try {
      lines = await this.runner.basebackup(tools, this.databaseUrl, tmp, `pend ${id}`);
    } catch (error) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw error;
    }
    const startPoint = /write-ahead log start point: ([0-9A-F]+\/[0-9A-F]+) on timeline (\d+)/i.exec(lines.join('\n'));
    const endPoint = /write-ahead log end point: ([0-9A-F]+\/[0-9A-F]+)/i.exec(lines.join('\n'));
    if (!startPoint || !endPoint) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw new BackupError('pg_tool_failed', `pg_basebackup did not report its WAL start and end points: ${lines.slice(-3).join(' | ')}`);
    }
    const { walFile, version } = await walFileAndVersion(this.dataSource, startPoint[1]);
    const finished = Date.now();
    const files = [];
    for (const name of fs.readdirSync(tmp).sort()) {
      const file = path.join(tmp, name);
      files.push({ name, sizeBytes: fs.statSync(file).size, sha256: await sha256Of(file) });
    }
    fs.renameSync(tmp, this.baseStore.folderOf(id));
    const manifest: BaseBackupManifest = {
      id,
      kind: 'base',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date(startedAt.getTime() + (finished - started)).toISOString(),
      durationMs: finished - started,
      startLsn: startPoint[1],
      endLsn: endPoint[1],
      timeline: Number(startPoint[2]),
      startWalFile: walFile,
      files,
      serverVersion: version,
      pgBasebackupVersion: versionOfTool(tools.pgBasebackup),
      trigger,
    };
    this.baseStore.write(manifest);
    const bytes = files.reduce((sum, f) => sum + f.sizeBytes, 0);
    progress('base backup', `${id}: ${bytes} bytes in ${manifest.durationMs} ms, WAL from ${walFile}`);
    await this.recordLog('info', `Base backup ${id} taken`, {
      id,
      sizeBytes: bytes,
      durationMs: manifest.durationMs,
      startWalFile: walFile,
    });
    return manifest;
  }

  /** Deletes base backups and archived WAL older than the PITR window needs; returns what went. */
  rotatePitr(progress: ProgressListener = () => undefined): string[] {
    const walDir = this.config.backup.pitr.walDir;
    const walFiles = fs.existsSync(walDir) ? fs.readdirSync(walDir) : [];
    const expired = selectPitrExpired(this.baseStore.list(), walFiles, this.clock.now(), this.config.backup.pitr.windowDays);
    for (const base of expired.baseBackups) this.baseStore.remove(base);
    for (const name of expired.walFiles) fs.rmSync(path.join(walDir, name), { force: true });
    const removed = [...expired.baseBackups.map((b) => b.id), ...(expired.walFiles.length ? [`${expired.walFiles.length} WAL files`] : [])];
    progress('pitr window', removed.length ? `deleted ${removed.join(', ')}` : 'nothing to delete');
    return removed;
  }

  private async dumpAndDescribe(trigger: 'scheduled' | 'manual', progress: ProgressListener): Promise<BackupManifest> {
    const tools = await this.pgTools();
    this.store.ensureDir();
    const startedAt = this.clock.now();
    const started = Date.now();
    const databaseName = databaseNameOf(this.databaseUrl);
    const id = `${databaseName}-${startedAt.toISOString().replace(/[-:.]/g, '')}`;
    const file = `${id}.dump`;
    const schemaFile = `${id}.schema.sql`;

    // One snapshot for the counts and both dumps, so verification compares like with like.
    const snapshotRunner = this.dataSource.createQueryRunner();
    await snapshotRunner.connect();
    let rowCounts: Record<string, number>;
    let serverVersion: string;
    try {
      await snapshotRunner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const [{ snapshot, version }] = (await snapshotRunner.query(
        `SELECT pg_export_snapshot() AS snapshot, current_setting('server_version') AS version`,
      )) as { snapshot: string; version: string }[];
      serverVersion = version;
      progress('counting', 'row counts per table');
      rowCounts = await countRowsPerTable(snapshotRunner);
      const totalRows = Object.values(rowCounts).reduce((a, b) => a + b, 0);
      progress('counted', `${Object.keys(rowCounts).length} tables, ${totalRows} rows`, { tables: Object.keys(rowCounts).length });
      progress('dumping', `${file} (pg_dump ${tools.version.replace(/^pg_dump \(PostgreSQL\) /, '')})`);
      await this.runner.dump(tools, this.databaseUrl, {
        file: this.store.pathOf(`${file}.tmp`),
        snapshot,
        onProgress: (line) => progress('dumping', line),
      });
      progress('dumping', `${schemaFile} (schema only)`);
      await this.runner.dump(tools, this.databaseUrl, { file: this.store.pathOf(`${schemaFile}.tmp`), snapshot, schemaOnly: true });
      await snapshotRunner.query('COMMIT');
    } catch (error) {
      await snapshotRunner.query('ROLLBACK').catch(() => undefined);
      for (const name of [file, schemaFile]) fs.rmSync(this.store.pathOf(`${name}.tmp`), { force: true });
      throw error;
    } finally {
      await snapshotRunner.release();
    }
    fs.renameSync(this.store.pathOf(`${file}.tmp`), this.store.pathOf(file));
    fs.renameSync(this.store.pathOf(`${schemaFile}.tmp`), this.store.pathOf(schemaFile));

    const manifest: BackupManifest = {
      id,
      file,
      schemaFile,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date(startedAt.getTime() + (Date.now() - started)).toISOString(),
      durationMs: Date.now() - started,
      sizeBytes: fs.statSync(this.store.pathOf(file)).size,
      sha256: await sha256Of(this.store.pathOf(file)),
      database: { name: databaseName, serverVersion },
      pgDumpVersion: tools.version,
      trigger,
      rowCounts,
      verification: { status: 'pending' },
    };
    this.store.write(manifest);
    progress('dumped', `${manifest.sizeBytes} bytes in ${manifest.durationMs} ms, sha256 ${manifest.sha256.slice(0, 12)}…`);
    return manifest;
  }

  /** Restores the dump into a scratch database, compares row counts, drops it, records the verdict. */
  async verify(manifest: BackupManifest, progress: ProgressListener = () => undefined): Promise<BackupManifest> {
    const tools = await this.pgTools();
    const started = Date.now();
    const scratch = `${manifest.database.name.slice(0, 30)}_verify_${randomBytes(4).toString('hex')}`;
    progress('verifying', `restoring into scratch database ${scratch}`);
    try {
      await this.dataSource.query(`CREATE DATABASE ${quoteIdent(scratch)} TEMPLATE template0`);
      const scratchUrl = withDatabase(this.databaseUrl, scratch);
      await this.runner.restore(tools, scratchUrl, this.store.pathOf(manifest.file));
      const restored = await countRowsIn(scratchUrl);
      const mismatches: NonNullable<BackupManifest['verification']['mismatches']> = {};
      for (const [table, source] of Object.entries(manifest.rowCounts)) {
        const count = restored[table] ?? null;
        if (count !== source) mismatches[table] = { source, restored: count };
      }
      const ok = Object.keys(mismatches).length === 0;
      manifest.verification = {
        status: ok ? 'verified' : 'failed',
        at: this.clock.now().toISOString(),
        durationMs: Date.now() - started,
        ...(ok ? {} : { mismatches, error: `row counts differ in ${Object.keys(mismatches).join(', ')}` }),
      };
    } catch (error) {
      manifest.verification = {
        status: 'failed',
        at: this.clock.now().toISOString(),
        durationMs: Date.now() - started,
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      await this.dataSource.query(`DROP DATABASE IF EXISTS ${quoteIdent(scratch)} WITH (FORCE)`).catch(() => undefined);
    }
    this.store.write(manifest);
    const { status, durationMs, error } = manifest.verification;
    progress('verified', `${status} in ${durationMs} ms${error ? `: ${error}` : ''}`);
    if (status === 'failed') this.logger.error(`Backup ${manifest.id} failed verification: ${error}`, 'Backup');
    return manifest;
  }

  /**
   * Restores a custom-format dump into `targetDatabase` (created when missing; refused when it
   * already holds tables). Checks the dump's sha256 against the manifest beside it; without a
   * manifest it refuses unless `verify: false` (db:restore --no-verify).
   */
  async restore(
    file: string,
    targetDatabase: string,
    progress: ProgressListener = () => undefined,
    options: { verify?: boolean } = {},
  ): Promise<{ database: string; url: string; durationMs: number; rowCounts: Record<string, number> }> {
    if (!fs.existsSync(file)) throw new BackupError('backup_not_found', `No dump at ${file}`);
    const tools = await this.pgTools();
    const manifestFile = file.replace(/\.dump$/, '.manifest.json');
    const hasManifest = manifestFile !== file && fs.existsSync(manifestFile);
    if (!hasManifest && options.verify !== false) {
      throw new BackupError(
        'backup_unverified',
        `No manifest beside ${file} (expected ${manifestFile}), so its sha256 cannot be checked; pass --no-verify to restore it unchecked`,
      );
    }
    if (!hasManifest) progress('unverified', `no manifest beside ${file}: restoring without the sha256 check (--no-verify)`);
    if (hasManifest && options.verify === false) progress('unverified', 'the sha256 check is skipped (--no-verify)');
    if (hasManifest && options.verify !== false) {
      const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BackupManifest;
      progress('checking', `sha256 against ${manifestFile}`);
      if ((await sha256Of(file)) !== manifest.sha256) {
        throw new BackupError('backup_corrupt', `${file} does not match the sha256 in its manifest: the dump is damaged`);
      }
    }
    const started = Date.now();
    const exists = (await this.dataSource.query('SELECT 1 FROM pg_database WHERE datname = $1', [targetDatabase])) as unknown[];
    const url = withDatabase(this.databaseUrl, targetDatabase);
    if (exists.length === 0) {
      progress('creating', `database ${targetDatabase}`);
      await this.dataSource.query(`CREATE DATABASE ${quoteIdent(targetDatabase)} TEMPLATE template0`);
    } else if (Object.keys(await countRowsIn(url)).length > 0) {
      throw new BackupError(
        'restore_target_not_empty',
        `Database ${targetDatabase} already has tables; restore into a new database (--target-db) and switch over`,
      );
    }
    progress('restoring', `${file} into ${targetDatabase}`);
    await this.runner.restore(tools, url, file, { onProgress: (line) => progress('restoring', line) });
    const rowCounts = await countRowsIn(url);
    return { database: targetDatabase, url, durationMs: Date.now() - started, rowCounts };
  }

  private async recordLog(level: 'info' | 'error', message: string, details: Record<string, unknown>): Promise<void> {
    await insertSystemLog(this.dataSource, level, 'backup', message, details).catch((error: Error) =>
      this.logger.warn(`Could not write the backup's system log: ${error.message}`, 'Backup'),
    );
  }

  private async recordSystemLog(manifest: BackupManifest): Promise<void> {
    const failed = manifest.verification.status !== 'verified';
    await this.dataSource
      .query(`INSERT INTO system_logs (level, category, message, details) VALUES ($1, 'backup', $2, $3)`, [
        failed ? 'error' : 'info',
        `Backup ${manifest.id} ${manifest.verification.status}`,
        { id: manifest.id, sizeBytes: manifest.sizeBytes, durationMs: manifest.durationMs, verification: manifest.verification },
      ])
      .catch((error: Error) => this.logger.warn(`Could not write the backup's system log: ${error.message}`, 'Backup'));
  }
}

async function countRowsIn(url: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url, application_name: 'pend-backup-verify' });
  await client.connect();
  try {
    return await countRowsPerTable({ query: async (sql: string) => (await client.query(sql)).rows });
  } finally {
    await client.end();
  }
}

function versionOfTool(binary: string | undefined): string {
  try {
    return binary ? execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim() : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
