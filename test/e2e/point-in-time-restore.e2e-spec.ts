import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Client } from 'pg';
import { isProcessAlive, RunningDatabase } from '../../src/database/embedded-postgres';
import { BaseBackupManifest } from '../../src/system/backup/base-backup';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { runNpmScript } from '../utils/npm-script';
import { freePort, startPostgresProcess } from '../utils/postgres-process';
import { sleep } from '../utils/processes';

// initdb, a base backup and a recovery on a shared 2-core machine.
jest.setTimeout(240_000);

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Point-in-time recovery with the real CLIs, as an operator runs them next to a live embedded server
 * that archives its WAL: `db:backup -- --base`, rows at t1, an instant T, rows at t2, then
 * `db:restore -- --to-time T` builds a new server holding exactly the rows committed before T.
 */
describe('Point-in-time restore: db:restore -- --to-time', () => {
  runAloneAmongHeavyTests();

  let root: string;
  let backupDir: string;
  let dataDir: string;
  let live: RunningDatabase;
  let env: Record<string, string>;
  let restoredPid: number | undefined;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-pitr-e2e-'));
    fs.chmodSync(root, 0o755);
    backupDir = path.join(root, 'backups');
    dataDir = path.join(root, 'pg');
    const port = await freePort();
    // The server runs in a process of its own (as `npm start` would), archiving into BACKUP_DIR/wal.
    const server = await startPostgresProcess(dataDir, port, { WAL_ARCHIVE_DIR: path.join(backupDir, 'wal') });
    const pend = new Client({ connectionString: server.url });
    await pend.connect();
    await pend.query('CREATE DATABASE pend');
    await pend.end();
    live = { url: server.url.replace(/\/postgres$/, '/pend'), stop: () => server.stop() };
    env = { EMBEDDED_PG_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port), BACKUP_DIR: backupDir, LOG_LEVEL: 'error' };
    // The app's schema, so the drill has real tables and migrations to compare.
    const migrated = await runNpmScript('db:migrate', [], env);
    if (migrated.code !== 0) throw new Error(`db:migrate failed: ${migrated.stderr}`);
  });

  afterAll(async () => {
    if (restoredPid && isProcessAlive(restoredPid)) {
      process.kill(restoredPid, 'SIGINT');
      for (let i = 0; i < 100 && isProcessAlive(restoredPid); i++) await sleep(100);
    }
    await live?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('archives WAL compressed, never overwriting, and takes a base backup with checksums', async () => {
    const [{ mode, command, timeout }] = await query<{ mode: string; command: string; timeout: string }>(
      live.url,
      `SELECT current_setting('archive_mode') AS mode, current_setting('archive_command') AS command, current_setting('archive_timeout') AS timeout`,
    );
    expect({ mode, timeout }).toEqual({ mode: 'on', timeout: '1min' });
    expect(command).toContain(path.join(backupDir, 'wal'));

    await query(live.url, 'CREATE TABLE pitr_rows (id int PRIMARY KEY, batch text NOT NULL)');
    await query(live.url, `INSERT INTO pitr_rows SELECT g, 'base' FROM generate_series(1, 5) g`);
    const base = await runNpmScript('db:backup', ['--base'], env);
    expect(base.stderr).toBe('');
    expect(base).toMatchObject({ code: 0, stdout: expect.stringMatching(/Base backup base-\d{8}T\d+Z: /) });

    const [id] = fs.readdirSync(path.join(backupDir, 'base'));
    const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, 'base', id, 'manifest.json'), 'utf8')) as BaseBackupManifest;
    expect(manifest.files.map((f) => f.name).sort()).toEqual(['backup_manifest', 'base.tar.gz', 'pg_wal.tar.gz']);
    for (const file of manifest.files) expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.startWalFile).toMatch(/^[0-9A-F]{24}$/);

    // The segment pg_basebackup's start closed is archived, gzip-compressed. Archiving is asynchronous (the base
    // backup carries its own WAL and does not wait for it): done once the server records that segment or a later one
    // as archived (names of one timeline sort in WAL order), when the script has exited and its temporary copy is gone.
    const lastArchived = async () =>
      (await query<{ last: string | null }>(live.url, 'SELECT last_archived_wal AS last FROM pg_stat_archiver'))[0].last ?? '';
    for (let i = 0; i < 300 && (await lastArchived()) < manifest.startWalFile; i++) await sleep(100);
    expect((await lastArchived()) >= manifest.startWalFile).toBe(true);
    const archived = fs.readdirSync(path.join(backupDir, 'wal'));
    expect(archived).toContain(`${manifest.startWalFile}.gz`);
    const segment = gunzipSync(fs.readFileSync(path.join(backupDir, 'wal', `${manifest.startWalFile}.gz`)));
    expect(segment.length).toBe(16 * 1024 * 1024);
  });

  it('restores exactly the rows committed before the instant into a new server, leaving the live one and its archive alone', async () => {
    await query(live.url, `INSERT INTO pitr_rows SELECT g, 't1' FROM generate_series(6, 10) g`);
    await sleep(1_100);
    const instant = new Date();
    await sleep(1_100);
    await query(live.url, `INSERT INTO pitr_rows SELECT g, 't2' FROM generate_series(11, 15) g`);

    const archiveBefore = new Map(
      fs.readdirSync(path.join(backupDir, 'wal')).map((f) => [f, fs.statSync(path.join(backupDir, 'wal', f)).mtimeMs]),
    );
    const restored = await runNpmScript(
      'db:restore',
      ['--to-time', instant.toISOString(), '--target-dir', path.join(root, 'restored')],
      env,
    );
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    const lines = restored.stdout.trim().split('\n');
    restoredPid = Number(/server pid (\d+)/.exec(restored.stdout)?.[1]);
    expect(restored.stdout).toMatch(/live server: switched WAL; [0-9A-F]{24} is archived/);
    const url = lines.at(-1)!;
    expect(url).toMatch(/^postgres:\/\/[^@]+@localhost:\d+\/pend$/);

    const rows = await query<{ id: number; batch: string }>(url, 'SELECT id, batch FROM pitr_rows ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const [settings] = await query<{ recovery: boolean; archive: string }>(
      url,
      `SELECT pg_is_in_recovery() AS recovery, current_setting('archive_mode') AS archive`,
    );
    expect(settings).toEqual({ recovery: false, archive: 'off' });
    // The restored copy is writable (promoted), and writing to it reaches neither the live server nor its archive.
    await query(url, `INSERT INTO pitr_rows VALUES (100, 'restored')`);
    await query(url, 'SELECT pg_switch_wal()');

    const liveRows = await query<{ n: string }>(live.url, 'SELECT count(*) AS n FROM pitr_rows');
    expect(Number(liveRows[0].n)).toBe(15);
    await sleep(500);
    for (const [file, mtime] of archiveBefore) expect(fs.statSync(path.join(backupDir, 'wal', file)).mtimeMs).toBe(mtime);
    const timelines = fs.readdirSync(path.join(backupDir, 'wal')).filter((f) => !f.startsWith('00000001'));
    expect(timelines).toEqual([]);
  });

  it('refuses an instant before the oldest base backup, and one in the future', async () => {
    const early = await runNpmScript('db:restore', ['--to-time', '2020-01-01T00:00:00Z', '--target-dir', path.join(root, 'early')], env);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/No base backup finished before 2020-01-01T00:00:00.000Z; the earliest instant that can be restored is /);
    const future = await runNpmScript('db:restore', ['--to-time', '2999-01-01T00:00:00Z', '--target-dir', path.join(root, 'future')], env);
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(/is in the future/);
    expect(fs.existsSync(path.join(root, 'early'))).toBe(false);
  });

  it('db:drill restores the newest base backup up to a fresh mark in a scratch server, compares counts, schema and migrations, and records the RTO', async () => {
    await query(live.url, `INSERT INTO pitr_rows SELECT g, 'drill' FROM generate_series(16, 20) g`);
    const drill = await runNpmScript('db:drill', [], env);
    expect(drill.stderr).toBe('');
    expect(drill.stdout).toMatch(/Drill drill-\d{8}T\d+Z passed: restore \(RTO\) \d+ ms, whole drill \d+ ms, \d+ tables, \d+ rows/);
    expect(drill.code).toBe(0);
    const [file] = fs.readdirSync(path.join(backupDir, 'drills'));
    const record = JSON.parse(fs.readFileSync(path.join(backupDir, 'drills', file), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ status: 'passed', mismatches: {}, schemaDifferences: [], migrationDifferences: [], trigger: 'manual' });
    expect(record.rtoMs).toEqual(expect.any(Number));
    const [log] = await query<{ level: string; message: string }>(
      live.url,
      `SELECT level, message FROM system_logs WHERE category = 'backup' AND message LIKE 'Recovery drill%' ORDER BY id DESC LIMIT 1`,
    );
    expect(log).toMatchObject({ level: 'info', message: expect.stringMatching(/^Recovery drill drill-\S+ passed \(restore in \d+ ms\)$/) });
    // The scratch server is gone: no postgres of ours runs on a pend-drill- folder.
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('pend-drill-'))).toEqual([]);
  });

  it('a drill without a base backup fails, is recorded as failed, and exits non-zero', async () => {
    fs.renameSync(path.join(backupDir, 'base'), path.join(root, 'base-aside'));
    try {
      const drill = await runNpmScript('db:drill', [], env);
      expect(drill.code).toBe(1);
      expect(drill.stdout).toMatch(/Drill drill-\S+ failed: .*No base backup in /);
    } finally {
      fs.renameSync(path.join(root, 'base-aside'), path.join(backupDir, 'base'));
    }
  });
});
