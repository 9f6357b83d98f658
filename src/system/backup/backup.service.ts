import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { LoggerService } from '@nestjs/common';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { BackupError } from './backup.errors';
import { BackupManifest } from './backup-manifest';
import { BackupRepository } from './backup.repository';
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

/**
 * Full backups: `pg_dump -Fc` plus a schema-only SQL dump into BACKUP_DIR, a manifest with
 * sha256 and per-table row counts, a verifying restore into a scratch database, then rotation.
 * Runs under a PostgreSQL advisory lock so only one instance backs up at a time. Every statement is in
 * BackupRepository (docs/adr/0001-data-access.md); this class decides what runs, when, and what is kept.
 */
@Injectable()
export class BackupService {
  readonly store: BackupStore;
  readonly baseStore: BaseBackupStore;
  private tools?: PgTools;
  private readonly logger: LoggerService = new Logger(BackupService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: BackupRepository,
    private readonly runner: PgDumpRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.store = new BackupStore(config.backup.dir);
    this.baseStore = new BaseBackupStore(config.backup.pitr.baseDir);
  }

  get databaseUrl(): string {
    const url = this.repository.connectionUrl();
    if (!url) throw new BackupError('backup_no_url', 'The DataSource has no connection URL to hand to pg_dump');
    return url;
  }

  /** pg_dump/pg_restore matching the server's major version (refuses a mismatch). */
  async pgTools(): Promise<PgTools> {
    if (this.tools) return this.tools;
    const num = await this.repository.serverVersionNum();
    this.tools = locatePgTools(Math.floor(num / 10_000), this.config.backup.pgBinDir);
    return this.tools;
  }

  async runBackup(options: { trigger?: 'scheduled' | 'manual'; onProgress?: ProgressListener } = {}): Promise<BackupOutcome> {
    const trigger = options.trigger ?? 'manual';
    const progress = options.onProgress ?? (() => undefined);
    const run = await this.repository.whileHoldingLock(BACKUP_LOCK_KEY, async (): Promise<BackupOutcome> => {
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
    });
    return run.acquired ? run.result : { status: 'skipped', reason: 'another instance is running a backup' };
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
    const { walFile, version } = await this.repository.walFileAndVersion(startPoint[1]);
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
    let described: { rowCounts: Record<string, number>; serverVersion: string };
    try {
      described = await this.repository.inExportedSnapshot(async (snapshot) => {
        progress('counting', 'row counts per table');
        const rowCounts = await snapshot.countRows();
        const totalRows = Object.values(rowCounts).reduce((a, b) => a + b, 0);
        progress('counted', `${Object.keys(rowCounts).length} tables, ${totalRows} rows`, { tables: Object.keys(rowCounts).length });
        progress('dumping', `${file} (pg_dump ${tools.version.replace(/^pg_dump \(PostgreSQL\) /, '')})`);
        await this.runner.dump(tools, this.databaseUrl, {
          file: this.store.pathOf(`${file}.tmp`),
          snapshot: snapshot.id,
          onProgress: (line) => progress('dumping', line),
        });
        progress('dumping', `${schemaFile} (schema only)`);
        await this.runner.dump(tools, this.databaseUrl, {
          file: this.store.pathOf(`${schemaFile}.tmp`),
          snapshot: snapshot.id,
          schemaOnly: true,
        });
        return { rowCounts, serverVersion: snapshot.serverVersion };
      });
    } catch (error) {
      for (const name of [file, schemaFile]) fs.rmSync(this.store.pathOf(`${name}.tmp`), { force: true });
      throw error;
    }
    fs.renameSync(this.store.pathOf(`${file}.tmp`), this.store.pathOf(file));
    fs.renameSync(this.store.pathOf(`${schemaFile}.tmp`), this.store.pathOf(schemaFile));
    const { rowCounts, serverVersion } = described;

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
      await this.repository.createDatabase(scratch);
      const scratchUrl = withDatabase(this.databaseUrl, scratch);
      await this.runner.restore(tools, scratchUrl, this.store.pathOf(manifest.file));
      const restored = await this.repository.countRowsInDatabase(scratchUrl);
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
      await this.repository.dropDatabaseIfExists(scratch).catch(() => undefined);
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
    const url = withDatabase(this.databaseUrl, targetDatabase);
    if (!(await this.repository.databaseExists(targetDatabase))) {
      progress('creating', `database ${targetDatabase}`);
      await this.repository.createDatabase(targetDatabase);
    } else if (Object.keys(await this.repository.countRowsInDatabase(url)).length > 0) {
      throw new BackupError(
        'restore_target_not_empty',
        `Database ${targetDatabase} already has tables; restore into a new database (--target-db) and switch over`,
      );
    }
    progress('restoring', `${file} into ${targetDatabase}`);
    await this.runner.restore(tools, url, file, { onProgress: (line) => progress('restoring', line) });
    const rowCounts = await this.repository.countRowsInDatabase(url);
    return { database: targetDatabase, url, durationMs: Date.now() - started, rowCounts };
  }

  private async recordLog(level: 'info' | 'error', message: string, details: Record<string, unknown>): Promise<void> {
    await this.repository
      .insertSystemLog(level, message, details)
      .catch((error: Error) => this.logger.warn(`Could not write the backup's system log: ${error.message}`, 'Backup'));
  }

  private async recordSystemLog(manifest: BackupManifest): Promise<void> {
    const failed = manifest.verification.status !== 'verified';
    await this.recordLog(failed ? 'error' : 'info', `Backup ${manifest.id} ${manifest.verification.status}`, {
      id: manifest.id,
      sizeBytes: manifest.sizeBytes,
      durationMs: manifest.durationMs,
      verification: manifest.verification,
    });
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
