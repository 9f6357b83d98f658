import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAppConfig } from '../../config/app.config';
import { BackupRepository, ExportedSnapshot } from './backup.repository';
import { BackupService } from './backup.service';
import { Clock } from './clock';
import { DumpOptions, PgDumpRunner } from './pg-dump.runner';
import { PgTools } from './pg-tools';

/**
 * BackupService with its repository, pg_dump runner and clock faked (no PostgreSQL, no pg_dump): when a run
 * happens or is skipped, what it asks the repository for (lock, one snapshot for the counts and both dumps, a
 * scratch database dropped afterwards), how verification judges a restore, and which backups rotation keeps
 * over a faked calendar. test/integration/backup.int-spec.ts runs the same service against real PostgreSQL.
 */

const TOOLS: PgTools = {
  binDir: '/fake',
  pgDump: '/fake/pg_dump',
  pgRestore: '/fake/pg_restore',
  major: 15,
  version: 'pg_dump (PostgreSQL) 15.8',
};

/** Never runs a tool: pgTools() is the one seam that would look for binaries. */
class TestBackupService extends BackupService {
  override async pgTools(): Promise<PgTools> {
    return TOOLS;
  }
}

class FakeClock implements Clock {
  constructor(public at: Date) {}
  now() {
    return this.at;
  }
}

class FakeRunner implements Pick<PgDumpRunner, 'dump' | 'restore'> {
  dumps: { file: string; snapshot?: string; schemaOnly?: boolean }[] = [];
  restores: { url: string; file: string }[] = [];
  failDump = false;
  failRestore = false;

  async dump(_tools: PgTools, _url: string, options: DumpOptions) {
    if (this.failDump) {
      fs.writeFileSync(options.file, 'half a dump');
      throw new Error('pg_dump: connection lost');
    }
    this.dumps.push({ file: path.basename(options.file), snapshot: options.snapshot, schemaOnly: options.schemaOnly });
    fs.writeFileSync(options.file, options.schemaOnly ? 'CREATE TABLE public.users ();' : `dump ${this.dumps.length}`);
  }

  async restore(_tools: PgTools, url: string, file: string) {
    if (this.failRestore) throw new Error('pg_restore: could not read the archive');
    this.restores.push({ url, file: path.basename(file) });
  }
}

class FakeBackupRepository implements Omit<BackupRepository, 'dataSource'> {
  lockHeldElsewhere = false;
  lockHeld = false;
  rowCounts: Record<string, number> = { users: 3, investments: 2 };
  restoredCounts: Record<string, number> | undefined;
  snapshotsOpen = 0;
  databases: string[] = [];
  calls: string[] = [];
  logs: { level: string; message: string; details: unknown }[] = [];

  connectionUrl() {
    return 'postgresql://pend@db.internal:5432/pend';
  }
  async serverVersionNum() {
    return 150008;
  }
  async whileHoldingLock<T>(key: string, work: () => Promise<T>): Promise<{ acquired: true; result: T } | { acquired: false }> {
    this.calls.push(`lock ${key}`);
    if (this.lockHeldElsewhere) return { acquired: false };
    this.lockHeld = true;
    try {
      return { acquired: true, result: await work() };
    } finally {
      this.lockHeld = false;
      this.calls.push(`unlock ${key}`);
    }
  }
  async inExportedSnapshot<T>(work: (snapshot: ExportedSnapshot) => Promise<T>): Promise<T> {
    this.snapshotsOpen++;
    this.calls.push('snapshot');
    try {
      return await work({ id: `snap-${this.calls.length}`, serverVersion: '15.8', countRows: async () => ({ ...this.rowCounts }) });
    } finally {
      this.snapshotsOpen--;
    }
  }
  async walFileAndVersion() {
    return { walFile: '000000010000000000000001', version: '15.8' };
  }
  async databaseExists(name: string) {
    return this.databases.includes(name);
  }
  async createDatabase(name: string) {
    this.calls.push(`create ${name.replace(/[0-9a-f]{8}$/, '*')}`);
    this.databases.push(name);
  }
  async dropDatabaseIfExists(name: string) {
    this.calls.push(`drop ${name.replace(/[0-9a-f]{8}$/, '*')}`);
    this.databases = this.databases.filter((d) => d !== name);
  }
  async countRowsInDatabase() {
    return { ...(this.restoredCounts ?? this.rowCounts) };
  }
  async insertSystemLog(level: 'info' | 'error', message: string, details: unknown) {
    this.logs.push({ level, message, details });
  }
}

describe('BackupService (repository, runner and clock faked)', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-backup-unit-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function setup(at: string, env: Record<string, string> = {}) {
    const config = loadAppConfig({ NODE_ENV: 'test', BACKUP_DIR: root, WAL_ARCHIVE_ENABLED: 'false', ...env });
    const repository = new FakeBackupRepository();
    const runner = new FakeRunner();
    const clock = new FakeClock(new Date(at));
    const service = new TestBackupService(config, repository as unknown as BackupRepository, runner as unknown as PgDumpRunner, clock);
    return { config, repository, runner, clock, service };
  }

  it('a run: under the lock, one exported snapshot for the counts and both dumps, a scratch restore dropped after, a system log', async () => {
    const { repository, runner, service } = setup('2026-03-02T06:00:00Z');
    const outcome = await service.runBackup({ trigger: 'scheduled' });
    if (outcome.status !== 'completed') throw new Error(outcome.reason);
    const { manifest } = outcome;
    expect(manifest.id).toBe('pend-20260302T060000000Z');
    expect(repository.calls).toEqual(['lock pend:backup', 'snapshot', 'create pend_verify_*', 'drop pend_verify_*', 'unlock pend:backup']);
    expect(runner.dumps).toEqual([
      { file: `${manifest.id}.dump.tmp`, snapshot: 'snap-2', schemaOnly: undefined },
      { file: `${manifest.id}.schema.sql.tmp`, snapshot: 'snap-2', schemaOnly: true },
    ]);
    expect(runner.restores).toEqual([{ url: expect.stringMatching(/\/pend_verify_[0-9a-f]{8}$/), file: `${manifest.id}.dump` }]);
    expect(repository.databases).toEqual([]);
    expect(repository.snapshotsOpen).toBe(0);
    expect(manifest).toMatchObject({
      rowCounts: { users: 3, investments: 2 },
      database: { name: 'pend', serverVersion: '15.8' },
      pgDumpVersion: TOOLS.version,
      trigger: 'scheduled',
      verification: { status: 'verified', at: '2026-03-02T06:00:00.000Z' },
    });
    expect(fs.readdirSync(root).sort()).toEqual([`${manifest.id}.dump`, `${manifest.id}.manifest.json`, `${manifest.id}.schema.sql`]);
    expect(repository.logs).toEqual([
      { level: 'info', message: `Backup ${manifest.id} verified`, details: expect.objectContaining({ id: manifest.id }) },
    ]);
  });

  it('skips without dumping when another instance holds the lock', async () => {
    const { repository, runner, service } = setup('2026-03-02T06:00:00Z');
    repository.lockHeldElsewhere = true;
    await expect(service.runBackup({ trigger: 'scheduled' })).resolves.toEqual({
      status: 'skipped',
      reason: 'another instance is running a backup',
    });
    expect(runner.dumps).toEqual([]);
    expect(repository.calls).toEqual(['lock pend:backup']);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('a scheduled run within 10 minutes of the newest backup skips (another instance just made it); a manual one does not', async () => {
    const { clock, runner, service } = setup('2026-03-02T06:00:00Z');
    const first = await service.runBackup({ trigger: 'scheduled' });
    clock.at = new Date('2026-03-02T06:09:59Z');
    await expect(service.runBackup({ trigger: 'scheduled' })).resolves.toEqual({
      status: 'skipped',
      reason: `backup ${first.status === 'completed' && first.manifest.id} was made moments ago`,
    });
    expect(runner.dumps).toHaveLength(2);
    await expect(service.runBackup({ trigger: 'manual' })).resolves.toMatchObject({ status: 'completed' });
    clock.at = new Date('2026-03-02T06:20:00Z');
    await expect(service.runBackup({ trigger: 'scheduled' })).resolves.toMatchObject({ status: 'completed' });
  });

  it('a restore with other row counts fails verification, names the tables, logs an error, and keeps the backup listed', async () => {
    const { repository, service } = setup('2026-03-02T06:00:00Z');
    repository.restoredCounts = { users: 3 };
    const outcome = await service.runBackup();
    if (outcome.status !== 'completed') throw new Error(outcome.reason);
    expect(outcome.manifest.verification).toMatchObject({
      status: 'failed',
      mismatches: { investments: { source: 2, restored: null } },
      error: 'row counts differ in investments',
    });
    expect(service.store.newest()?.verification.status).toBe('failed');
    expect(service.store.newestVerified()).toBeUndefined();
    expect(repository.logs.map((l) => [l.level, l.message])).toEqual([['error', `Backup ${outcome.manifest.id} failed`]]);
  });

  it('a restore that throws fails verification and still drops the scratch database', async () => {
    const { repository, runner, service } = setup('2026-03-02T06:00:00Z');
    runner.failRestore = true;
    const outcome = await service.runBackup();
    expect(outcome).toMatchObject({
      status: 'completed',
      manifest: { verification: { status: 'failed', error: 'pg_restore: could not read the archive' } },
    });
    expect(repository.calls.filter((c) => c.startsWith('drop'))).toHaveLength(1);
    expect(repository.databases).toEqual([]);
  });

  it('a failed dump leaves no files behind, no manifest, and releases the snapshot and the lock', async () => {
    const { repository, runner, service } = setup('2026-03-02T06:00:00Z');
    runner.failDump = true;
    await expect(service.runBackup()).rejects.toThrow('pg_dump: connection lost');
    expect(fs.readdirSync(root)).toEqual([]);
    expect(repository.snapshotsOpen).toBe(0);
    expect(repository.lockHeld).toBe(false);
    expect(repository.calls.at(-1)).toBe('unlock pend:backup');
  });

  it('rotation over a faked calendar: keeps 2 daily, 1 weekly and 2 monthly, deletes the rest with their files', async () => {
    const { clock, service } = setup('2026-03-27T06:00:00Z', {
      BACKUP_RETENTION_DAILY: '2',
      BACKUP_RETENTION_WEEKLY: '1',
      BACKUP_RETENTION_MONTHLY: '2',
    });
    const deletedPerDay: Record<string, string[]> = {};
    for (const day of ['2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31', '2026-04-01', '2026-04-02']) {
      clock.at = new Date(`${day}T06:00:00Z`);
      const outcome = await service.runBackup({ trigger: 'scheduled' });
      if (outcome.status !== 'completed') throw new Error(outcome.reason);
      deletedPerDay[day] = outcome.deleted.map((id) => id.slice(5, 13));
    }
    const kept = service.store
      .list()
      .map((m) => m.id.slice(5, 13))
      .sort();
    // Thu 2 Apr: the 2 newest days (1, 2 Apr); the newest of this ISO week (2 Apr); the newest of April and of March (31 Mar).
    expect(kept).toEqual(['20260331', '20260401', '20260402']);
    expect(deletedPerDay['2026-03-27']).toEqual([]);
    expect(Object.values(deletedPerDay).flat().sort()).toEqual(['20260327', '20260328', '20260329', '20260330']);
    const files = fs.readdirSync(root).filter((f) => !f.startsWith('.'));
    expect(files).toHaveLength(kept.length * 3);
    expect(files.every((f) => kept.some((k) => f.includes(k)))).toBe(true);
  });

  it('rotation keeps the newest verified backup when a newer one fails verification, and keeps the failure listed', async () => {
    const { clock, repository, service } = setup('2026-03-01T06:00:00Z', {
      BACKUP_RETENTION_DAILY: '1',
      BACKUP_RETENTION_WEEKLY: '0',
      BACKUP_RETENTION_MONTHLY: '0',
    });
    const good = await service.runBackup();
    repository.restoredCounts = {};
    clock.at = new Date('2026-03-02T06:00:00Z');
    await service.runBackup();
    expect(service.store.newestVerified()?.id).toBe(good.status === 'completed' ? good.manifest.id : undefined);
    expect(service.store.list().map((m) => m.verification.status)).toEqual(['failed', 'verified']);
  });
});
