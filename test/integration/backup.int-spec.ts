import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../../src/config/app.config';
import { createDataSource } from '../../src/database/data-source';
import { BackupRepository } from '../../src/system/backup/backup.repository';
import { BackupService, sha256Of } from '../../src/system/backup/backup.service';
import { Clock } from '../../src/system/backup/clock';
import { PgDumpRunner } from '../../src/system/backup/pg-dump.runner';
import { locatePgTools } from '../../src/system/backup/pg-tools';
import { randomPhone } from '../utils/auth';
import { createTestDatabase, dropTestDatabase, queryDatabase } from '../utils/test-database';

const run = promisify(execFile);
const DIST_CLI = path.resolve(__dirname, '..', '..', 'dist', 'src', 'cli');

class FakeClock implements Clock {
  constructor(public at: Date) {}
  now() {
    return this.at;
  }
}

/** A runner whose restore silently restores nothing: verification must catch it. */
class EmptyRestoreRunner extends PgDumpRunner {
  override async restore(): Promise<void> {}
}

const query = queryDatabase;

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

describe('Backups against a real PostgreSQL: dump, verify, rotate over a faked calendar, restore', () => {
  let url: string;
  let dataSource: DataSource;
  let root: string;
  const extraDatabases: string[] = [];

  const config = (dir: string, env: Record<string, string> = {}) =>
    loadAppConfig({ NODE_ENV: 'test', DATABASE_URL: url, BACKUP_DIR: dir, ...env });
  const addUsers = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await dataSource.query(
        `INSERT INTO users (phone_e164, phone_hash) VALUES ($1::varchar, encode(sha256(convert_to($1::varchar, 'UTF8')), 'hex'))`,
        [randomPhone()],
      );
    }
  };
  const usersOf = (dbUrl: string) => query<{ id: string; phone_hash: string }>(dbUrl, 'SELECT id, phone_hash FROM users ORDER BY id');

  beforeAll(async () => {
    url = await createTestDatabase();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-ops-backup-'));
    dataSource = createDataSource(loadAppConfig({ NODE_ENV: 'test' }), url, { logging: false });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    for (const name of extraDatabases) await dropTestDatabase(withDb(url, name));
    await dropTestDatabase(url);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("backs up daily over a faked calendar, rotates (1 daily, 1 weekly, 2 monthly), and a restore gives that day's rows", async () => {
    const dir = path.join(root, 'calendar');
    const clock = new FakeClock(new Date('2026-03-30T06:00:00Z'));
    const service = new BackupService(
      config(dir, { BACKUP_RETENTION_DAILY: '1', BACKUP_RETENTION_WEEKLY: '1', BACKUP_RETENTION_MONTHLY: '2' }),
      new BackupRepository(dataSource),
      new PgDumpRunner(),
      clock,
    );
    const usersAt: Record<string, { id: string; phone_hash: string }[]> = {};
    const ids: string[] = [];
    for (const day of ['2026-03-30', '2026-03-31', '2026-04-01']) {
      await addUsers(2);
      clock.at = new Date(`${day}T06:00:00Z`);
      const outcome = await service.runBackup({ trigger: 'scheduled' });
      if (outcome.status !== 'completed') throw new Error(`expected a backup on ${day}: ${outcome.reason}`);
      const { manifest } = outcome;
      ids.push(manifest.id);
      usersAt[manifest.id] = await usersOf(url);
      expect(manifest.verification.status).toBe('verified');
      expect(manifest.rowCounts.users).toBe(usersAt[manifest.id].length);
      expect(manifest.startedAt).toBe(`${day}T06:00:00.000Z`);
      expect(manifest.sha256).toBe(await sha256Of(path.join(dir, manifest.file)));
      expect(manifest.sizeBytes).toBe(fs.statSync(path.join(dir, manifest.file)).size);
      expect(manifest.database.serverVersion).toMatch(/^15\./);
      expect(fs.readFileSync(path.join(dir, manifest.schemaFile), 'utf8')).toContain('CREATE TABLE public.users');
    }
    // Wed 1 Apr: the day and the week (from Mon 30 Mar) keep 1 Apr, the months keep 1 Apr and 31 Mar; 30 Mar goes.
    const kept = service.store
      .list()
      .map((m) => m.id)
      .sort();
    expect(kept).toEqual([ids[1], ids[2]]);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(ids[0]))).toEqual([]);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // Only this database's scratch copies: other test files back up their own databases concurrently.
    const ownName = new URL(url).pathname.slice(1).slice(0, 30);
    const scratch = await query(url, `SELECT datname FROM pg_database WHERE starts_with(datname, '${ownName}_verify_')`);
    expect(scratch).toEqual([]);

    // The kept 31 Mar backup restores to exactly the rows of that day, not today's.
    const target = 'pend_ops_restored_calendar';
    extraDatabases.push(target);
    const restored = await service.restore(path.join(dir, `${ids[1]}.dump`), target);
    expect(await usersOf(restored.url)).toEqual(usersAt[ids[1]]);
    expect(restored.rowCounts.users).toBe(usersAt[ids[1]].length);
    expect(usersAt[ids[1]].length).toBeLessThan((await usersOf(url)).length);
  });

  it('marks a backup failed when the verifying restore does not give the same row counts, and keeps it visible', async () => {
    const dir = path.join(root, 'failing');
    const service = new BackupService(
      config(dir),
      new BackupRepository(dataSource),
      new EmptyRestoreRunner(),
      new FakeClock(new Date('2026-05-01T06:00:00Z')),
    );
    const outcome = await service.runBackup();
    if (outcome.status !== 'completed') throw new Error(outcome.reason);
    expect(outcome.manifest.verification.status).toBe('failed');
    expect(outcome.manifest.verification.mismatches?.users).toEqual({ source: outcome.manifest.rowCounts.users, restored: null });
    expect(service.store.newest()?.verification.status).toBe('failed');
    const [log] = await dataSource.query(`SELECT level, message FROM system_logs WHERE category = 'backup' ORDER BY id DESC LIMIT 1`);
    expect(log).toEqual({ level: 'error', message: `Backup ${outcome.manifest.id} failed` });
  });

  it('two instances (separate pools) firing the scheduled job at once make exactly one backup', async () => {
    const dir = path.join(root, 'two-instances');
    const second = createDataSource(loadAppConfig({ NODE_ENV: 'test' }), url, { logging: false });
    await second.initialize();
    try {
      const clock = new FakeClock(new Date('2026-06-01T06:00:00Z'));
      const a = new BackupService(config(dir), new BackupRepository(dataSource), new PgDumpRunner(), clock);
      const b = new BackupService(config(dir), new BackupRepository(second), new PgDumpRunner(), clock);
      const outcomes = await Promise.all([a.runBackup({ trigger: 'scheduled' }), b.runBackup({ trigger: 'scheduled' })]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['completed', 'skipped']);
      expect(a.store.list()).toHaveLength(1);
      // A late instance firing the same tick finds the fresh backup and skips too.
      const late = await b.runBackup({ trigger: 'scheduled' });
      expect(late).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/moments ago/) });
      expect(a.store.list()).toHaveLength(1);
    } finally {
      await second.destroy();
    }
  });

  it('refuses pg_dump/pg_restore of another major version with a clear message', () => {
    expect(() => locatePgTools(14)).toThrow(/No pg_dump\/pg_restore of PostgreSQL 14 .*PG_BIN_DIR/);
    expect(() => locatePgTools(15, '/nonexistent/bin')).toThrow(/tried: \/nonexistent\/bin \(no pg_dump\/pg_restore\)/);
    expect(locatePgTools(15).major).toBe(15);
  });

  it('db:backup and db:restore work from the command line against DATABASE_URL', async () => {
    const dir = path.join(root, 'cli');
    const env = { ...process.env, DATABASE_URL: url, BACKUP_DIR: dir, NODE_ENV: 'test', LOG_LEVEL: 'silent' };
    const backup = await run(process.execPath, [path.join(DIST_CLI, 'db-backup.cli.js')], { env });
    expect(backup.stdout).toMatch(/counted: \d+ tables, \d+ rows/);
    expect(backup.stdout).toMatch(/verification verified/);
    const dump = fs.readdirSync(dir).find((f) => f.endsWith('.dump'))!;

    const target = 'pend_ops_cli_restored';
    extraDatabases.push(target);
    const restore = await run(
      process.execPath,
      [path.join(DIST_CLI, 'db-restore.cli.js'), '--file', path.join(dir, dump), '--target-db', target],
      { env },
    );
    expect(restore.stdout).toMatch(new RegExp(`Restored .* into database ${target}`));
    expect(await usersOf(withDb(url, target))).toEqual(await usersOf(url));

    const again = await run(
      process.execPath,
      [path.join(DIST_CLI, 'db-restore.cli.js'), '--file', path.join(dir, dump), '--target-db', target],
      { env },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(again).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^db:restore: Database pend_ops_cli_restored already has tables/),
    });

    fs.appendFileSync(path.join(dir, dump), 'x');
    const corrupt = await run(
      process.execPath,
      [path.join(DIST_CLI, 'db-restore.cli.js'), '--file', path.join(dir, dump), '--target-db', 'pend_ops_never'],
      { env },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(corrupt).toMatchObject({ code: 1, stderr: expect.stringMatching(/does not match the sha256 in its manifest/) });
  });

  it('db:restore of a dump without a manifest says so and refuses, unless --no-verify', async () => {
    const dir = path.join(root, 'cli-no-manifest');
    const env = { ...process.env, DATABASE_URL: url, BACKUP_DIR: dir, NODE_ENV: 'test', LOG_LEVEL: 'silent' };
    await run(process.execPath, [path.join(DIST_CLI, 'db-backup.cli.js')], { env });
    const dump = path.join(
      dir,
      fs.readdirSync(dir).find((f) => f.endsWith('.dump'))!,
    );
    const lone = path.join(root, 'lone.dump');
    fs.copyFileSync(dump, lone);

    const refused = await run(
      process.execPath,
      [path.join(DIST_CLI, 'db-restore.cli.js'), '--file', lone, '--target-db', 'pend_ops_lone'],
      {
        env,
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/No manifest beside .*lone\.dump.*--no-verify/) });
    expect(await query(url, "SELECT 1 FROM pg_database WHERE datname = 'pend_ops_lone'")).toEqual([]);

    extraDatabases.push('pend_ops_lone');
    const forced = await run(
      process.execPath,
      [path.join(DIST_CLI, 'db-restore.cli.js'), '--file', lone, '--target-db', 'pend_ops_lone', '--no-verify'],
      { env },
    );
    expect(forced.stdout).toMatch(/unverified: no manifest beside .*without the sha256 check/);
    expect(await usersOf(withDb(url, 'pend_ops_lone'))).toEqual(await usersOf(url));
  });
});
