import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { archivedWalPath } from '../../database/wal-archive';
import {
  advisoryUnlock,
  appliedMigrations,
  archiveMode,
  countRowsPerTable,
  createRestorePoint,
  holdWrites,
  insertSystemLog,
  schemaSignature,
  switchWal,
  takeSnapshot,
  tryAdvisoryLock,
  userTables,
  viaClient,
} from './backup.repository';
import { BackupService } from './backup.service';
import { CLOCK } from './clock';
import type { Clock } from './clock';
import { restoreToPointInTime, stopRestoredServer } from './point-in-time-restore';

/** `BACKUP_DIR/drills/<id>.json`: one disaster-recovery drill and its verdict. */
export interface DrillRecord {
  id: string;
  startedAt: string;
  finishedAt: string;
  status: 'passed' | 'failed';
  /** Restore time: from the mark to a promoted server answering queries (the measured RTO). */
  rtoMs?: number;
  /** The whole drill, checks and clean-up included. */
  durationMs: number;
  restorePoint: string;
  /** How long writes were held off while the restore point was placed and the counts' snapshot taken. */
  writesHeldMs?: number;
  baseBackup?: string;
  tables?: number;
  rows?: number;
  /** Tables whose restored count differs from the count read at the mark. */
  mismatches?: Record<string, { source: number; restored: number | null }>;
  /** Columns present on one side only. */
  schemaDifferences?: string[];
  /** Migrations the code has that the restored copy did not record as applied (or the reverse). */
  migrationDifferences?: string[];
  error?: string;
  trigger: 'scheduled' | 'manual';
}

export type DrillOutcome = { status: 'completed'; record: DrillRecord } | { status: 'skipped'; reason: string };

const DRILL_LOCK_KEY = 'pend:drill';
/** The longest a writer waits behind the drill's mark. */
const MARK_LOCK_TIMEOUT_MS = 500;
/** How long the drill keeps trying to place its mark. */
const MARK_DEADLINE_MS = 60_000;

export class DrillStore {
  constructor(readonly dir: string) {}

  list(): DrillRecord[] {
    if (!fs.existsSync(this.dir)) return [];
    const records: DrillRecord[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        records.push(JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')) as DrillRecord);
      } catch {
        // half-written or foreign
      }
    }
    return records.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  newest(): DrillRecord | undefined {
    return this.list()[0];
  }

  newestPassed(): DrillRecord | undefined {
    return this.list().find((r) => r.status === 'passed');
  }

  write(record: DrillRecord): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const target = path.join(this.dir, `${record.id}.json`);
    fs.writeFileSync(`${target}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
    fs.renameSync(`${target}.tmp`, target);
  }
}

function diff(a: string[], b: string[]): string[] {
  const left = new Set(a);
  const right = new Set(b);
  return [
    ...a.filter((x) => !right.has(x)).map((x) => `only live: ${x}`),
    ...b.filter((x) => !left.has(x)).map((x) => `only restored: ${x}`),
  ];
}

/**
 * The disaster-recovery drill (npm run db:drill, and monthly by DRILL_CRON): marks the live database
 * with a named restore point and reads every table's row count and the schema in a snapshot holding
 * exactly the transactions before it (see `mark`), restores the newest base backup plus the WAL archive up to that mark into a scratch server,
 * compares counts, schema and applied migrations, times it (the RTO), records the verdict in
 * BACKUP_DIR/drills and system_logs, and removes the scratch server. One instance at a time (advisory lock).
 */
@Injectable()
export class DrillService {
  readonly store: DrillStore;
  private readonly logger = new Logger('Drill');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly backups: BackupService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.store = new DrillStore(path.join(config.backup.dir, 'drills'));
  }

  async runDrill(
    options: { trigger?: 'scheduled' | 'manual'; progress?: (stage: string, detail: string) => void } = {},
  ): Promise<DrillOutcome> {
    const progress = options.progress ?? (() => undefined);
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      if (!(await tryAdvisoryLock(lock, DRILL_LOCK_KEY))) return { status: 'skipped', reason: 'another instance is running a drill' };
      try {
        const record = await this.drill(options.trigger ?? 'manual', progress);
        this.store.write(record);
        await insertSystemLog(
          this.dataSource,
          record.status === 'passed' ? 'info' : 'error',
          'backup',
          `Recovery drill ${record.id} ${record.status}${record.rtoMs !== undefined ? ` (restore in ${record.rtoMs} ms)` : ''}`,
          record,
        ).catch((error: Error) => this.logger.warn(`Could not write the drill's system log: ${error.message}`));
        if (record.status === 'failed') this.logger.error(`Recovery drill ${record.id} failed: ${record.error}`);
        return { status: 'completed', record };
      } finally {
        await advisoryUnlock(lock, DRILL_LOCK_KEY).catch(() => undefined);
      }
    } finally {
      await lock.release();
    }
  }

  /**
   * The mark: a named restore point and the row counts and schema of exactly the state it restores to.
   * A snapshot and a WAL position do not line up by themselves: a transaction whose commit record is
   * already in the WAL (waiting for its flush, say) is still invisible to a snapshot taken then. So writes
   * are held off for an instant (SHARE locks on every table, which wait for each writing transaction to
   * finish completely), the reading snapshot is taken and the restore point written while they are held,
   * and the counts are then read from that snapshot with writes flowing again. A writer waits at most
   * MARK_LOCK_TIMEOUT_MS; when the locks cannot be had that fast (a long write transaction), the drill
   * lets go and tries again until MARK_DEADLINE_MS.
   */
  private async mark(
    id: string,
  ): Promise<{ lsn: string; rowCounts: Record<string, number>; schema: string[]; writesHeldMs: number; attempts: number }> {
    const writes = this.dataSource.createQueryRunner();
    const reader = this.dataSource.createQueryRunner();
    await writes.connect();
    await reader.connect();
    try {
      const tables = await userTables(writes);
      const deadline = Date.now() + MARK_DEADLINE_MS;
      for (let attempt = 1; ; attempt++) {
        await writes.query('BEGIN');
        try {
          await holdWrites(writes, tables, MARK_LOCK_TIMEOUT_MS);
        } catch (error) {
          await writes.query('ROLLBACK');
          const code = (error as { code?: string }).code;
          // 57014 statement_timeout, 55P03 lock_not_available, 40P01 deadlock: let writers go, try again.
          if (!['57014', '55P03', '40P01'].includes(code ?? '')) throw error;
          if (Date.now() > deadline) {
            throw new Error(
              `Could not hold writes for the mark in ${attempt} attempts over ${MARK_DEADLINE_MS / 1000} s: a transaction keeps a table locked for longer than ${MARK_LOCK_TIMEOUT_MS} ms`,
              { cause: error },
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 300));
          continue;
        }
        const held = Date.now();
        let lsn: string;
        try {
          await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
          await takeSnapshot(reader);
          lsn = await createRestorePoint(writes, id);
          await writes.query('COMMIT');
        } catch (error) {
          await writes.query('ROLLBACK').catch(() => undefined);
          await reader.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        const writesHeldMs = Date.now() - held;
        try {
          const rowCounts = await countRowsPerTable(reader);
          const schema = await schemaSignature(reader);
          await reader.query('COMMIT');
          return { lsn, rowCounts, schema, writesHeldMs, attempts: attempt };
        } catch (error) {
          await reader.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }
    } finally {
      await writes.release();
      await reader.release();
    }
  }

  private async drill(trigger: 'scheduled' | 'manual', progress: (stage: string, detail: string) => void): Promise<DrillRecord> {
    const startedAt = this.clock.now();
    const started = Date.now();
    const id = `drill-${startedAt.toISOString().replace(/[-:.]/g, '')}`;
    const record: DrillRecord = {
      id,
      startedAt: startedAt.toISOString(),
      finishedAt: '',
      status: 'failed',
      durationMs: 0,
      restorePoint: id,
      trigger,
    };
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-drill-'));
    fs.chmodSync(scratch, 0o755); // the restored server may run as the postgres user
    let pid: number | undefined;
    try {
      const { walDir, baseDir } = this.config.backup.pitr;
      if ((await archiveMode(this.dataSource)) === 'off')
        throw new Error('WAL archiving is off on the live server (archive_mode=off): nothing to drill');

      const mark = await this.mark(id);
      const { rowCounts, schema } = mark;
      record.writesHeldMs = mark.writesHeldMs;
      progress(
        'marked',
        `restore point ${id} at ${mark.lsn}: ${Object.keys(rowCounts).length} tables (writes held ${mark.writesHeldMs} ms, ${mark.attempts} attempt${mark.attempts === 1 ? '' : 's'})`,
      );
      const wal = await switchWal(this.dataSource);
      const deadline = Date.now() + 60_000;
      while (!fs.existsSync(archivedWalPath(walDir, wal)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

      const url = new URL(this.backups.databaseUrl);
      const restoreStarted = Date.now();
      const restored = await restoreToPointInTime({
        targetTime: new Date(),
        restorePoint: id,
        walDir,
        baseDir,
        targetDir: path.join(scratch, 'data'),
        login: {
          user: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
          database: decodeURIComponent(url.pathname.slice(1)),
        },
        pgBinDir: this.config.backup.pgBinDir,
        progress,
      });
      pid = restored.pid;
      record.rtoMs = Date.now() - restoreStarted;
      record.baseBackup = restored.baseBackup;
      progress('restored', `${restored.baseBackup} up to ${id} in ${record.rtoMs} ms`);

      const client = new Client({ connectionString: restored.url, application_name: 'pend-drill' });
      await client.connect();
      let restoredCounts: Record<string, number>;
      let restoredSchema: string[];
      let migrations: string[];
      try {
        const db = viaClient(client);
        restoredCounts = await countRowsPerTable(db);
        restoredSchema = await schemaSignature(db);
        migrations = await appliedMigrations(db, this.dataSource.options.migrationsTableName ?? 'migrations');
      } finally {
        await client.end();
      }
      const mismatches: NonNullable<DrillRecord['mismatches']> = {};
      for (const table of new Set([...Object.keys(rowCounts), ...Object.keys(restoredCounts)])) {
        const source = rowCounts[table] ?? 0;
        const count = restoredCounts[table] ?? null;
        if (count !== source) mismatches[table] = { source, restored: count };
      }
      const known = this.dataSource.migrations.map((m) => m.name ?? m.constructor.name);
      record.tables = Object.keys(rowCounts).length;
      record.rows = Object.values(rowCounts).reduce((a, b) => a + b, 0);
      record.mismatches = mismatches;
      record.schemaDifferences = diff(schema, restoredSchema);
      record.migrationDifferences = diff(known, migrations);
      const problems = [
        ...(Object.keys(mismatches).length ? [`row counts differ in ${Object.keys(mismatches).join(', ')}`] : []),
        ...(record.schemaDifferences.length ? [`${record.schemaDifferences.length} schema differences`] : []),
        ...(record.migrationDifferences.length ? [`migrations differ: ${record.migrationDifferences.join(', ')}`] : []),
      ];
      record.status = problems.length ? 'failed' : 'passed';
      if (problems.length) record.error = problems.join('; ');
    } catch (error) {
      record.status = 'failed';
      record.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (pid) await stopRestoredServer(pid).catch(() => undefined);
      fs.rmSync(scratch, { recursive: true, force: true });
      record.durationMs = Date.now() - started;
      record.finishedAt = new Date(startedAt.getTime() + record.durationMs).toISOString();
    }
    progress(record.status, record.error ?? `${record.tables} tables, ${record.rows} rows match; restore took ${record.rtoMs} ms`);
    return record;
  }
}
