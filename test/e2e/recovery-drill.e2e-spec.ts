import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { RunningDatabase } from '../../src/database/embedded-postgres';
import type { DrillRecord } from '../../src/system/backup/drill';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { runNpmScript } from '../utils/npm-script';
import { createTestApp } from '../utils/test-app';
import { freePort, startPostgresProcess } from '../utils/postgres-process';

// initdb, a base backup and several restores on a shared 2-core machine.
jest.setTimeout(240_000);

async function query<T>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * The recovery drill (`npm run db:drill`) against a live embedded server that archives its WAL, as an
 * operator runs it: it must pass on a busy database (its reference counts are exactly the restore
 * point's, whatever commits around the mark) and must fail, loudly, when the restored copy differs.
 */
describe('Recovery drill: db:drill', () => {
  runAloneAmongHeavyTests();

  let root: string;
  let backupDir: string;
  let live: RunningDatabase;
  let env: Record<string, string>;

  const drills = () =>
    fs.existsSync(path.join(backupDir, 'drills'))
      ? fs
          .readdirSync(path.join(backupDir, 'drills'))
          .filter((f) => f.endsWith('.json'))
          .map((f) => JSON.parse(fs.readFileSync(path.join(backupDir, 'drills', f), 'utf8')) as DrillRecord)
          .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
      : [];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-drill-e2e-'));
    fs.chmodSync(root, 0o755);
    backupDir = path.join(root, 'backups');
    const dataDir = path.join(root, 'pg');
    const port = await freePort();
    const server = await startPostgresProcess(dataDir, port, { WAL_ARCHIVE_DIR: path.join(backupDir, 'wal') });
    const admin = new Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('CREATE DATABASE pend');
    await admin.end();
    live = { url: server.url.replace(/\/postgres$/, '/pend'), stop: () => server.stop() };
    env = { EMBEDDED_PG_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port), BACKUP_DIR: backupDir, LOG_LEVEL: 'error' };
    const migrated = await runNpmScript('db:migrate', [], env);
    if (migrated.code !== 0) throw new Error(`db:migrate failed: ${migrated.stderr}`);
    await query(live.url, 'CREATE TABLE drill_load (id bigserial PRIMARY KEY, writer int NOT NULL, n int NOT NULL)');
    await query(live.url, 'CREATE TABLE drill_side (writer int PRIMARY KEY, n int NOT NULL)');
    await query(live.url, 'CREATE TABLE drill_hang (id int PRIMARY KEY)');
    const base = await runNpmScript('db:backup', ['--base'], env);
    if (base.code !== 0) throw new Error(`db:backup --base failed: ${base.stderr}`);
  });

  afterAll(async () => {
    await live?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('passes while other sessions keep committing: the reference counts are exactly those of the restore point', async () => {
    // A commit that is in the WAL but not yet visible to other sessions, held there for as long as the test likes:
    // with synchronous_standby_names naming a standby that never connects, a session with synchronous_commit=on
    // writes and flushes its commit record, then waits for the standby, still in progress for everyone else.
    // (Every other session commits locally.) Under load the same happens for a few milliseconds to any commit
    // waiting for its WAL flush; a drill that marks then and counts in a snapshot of that instant restores a
    // row its counts do not have.
    await query(live.url, `ALTER SYSTEM SET synchronous_commit = 'local'`);
    await query(live.url, `ALTER SYSTEM SET synchronous_standby_names = 'pend_standby_that_never_connects'`);
    await query(live.url, 'SELECT pg_reload_conf()');
    const committer = new Client({ connectionString: live.url, application_name: 'drill-hanging-commit' });
    await committer.connect();
    const [{ pid: committerPid }] = (await committer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    await committer.query('SET synchronous_commit = on');
    await committer.query('BEGIN');
    await committer.query('INSERT INTO drill_hang VALUES (1)');
    const hangingCommit = committer.query('COMMIT');
    for (let i = 0; ; i++) {
      const [row] = await query<{ wait: string | null }>(live.url, 'SELECT wait_event AS wait FROM pg_stat_activity WHERE pid = $1', [
        committerPid,
      ]);
      if (row?.wait === 'SyncRep') break;
      if (i > 200) throw new Error(`the commit did not wait for the standby: ${row?.wait}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await query(live.url, 'SELECT * FROM drill_hang')).toEqual([]);
    // The commit is let go once another session waits for it (the drill holding writes for its mark), or after 15 s.
    let releasedBecause = '';
    const release = (async () => {
      const started = Date.now();
      for (;;) {
        const [{ blocked }] = await query<{ blocked: number }>(
          live.url,
          'SELECT count(*)::int AS blocked FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))',
          [committerPid],
        );
        if (blocked > 0 || Date.now() - started > 15_000) {
          releasedBecause = blocked > 0 ? 'a session waited for it' : 'timeout';
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await query(live.url, 'ALTER SYSTEM RESET synchronous_standby_names');
      await query(live.url, 'SELECT pg_reload_conf()');
      await hangingCommit;
    })();

    // Eight writers commit as fast as they can for the whole drill: inserts into one table, and in the same
    // transaction an insert or delete in another, so a commit that lands next to the mark changes two counts.
    let running = true;
    const errors: string[] = [];
    let commits = 0;
    const writers = await Promise.all(
      Array.from({ length: 8 }, async (_, writer) => {
        const client = new Client({ connectionString: live.url, application_name: `drill-writer-${writer}` });
        await client.connect();
        return client;
      }),
    );
    const work = writers.map(async (client, writer) => {
      for (let n = 0; running; n++) {
        try {
          await client.query('BEGIN');
          await client.query('INSERT INTO drill_load (writer, n) VALUES ($1, $2)', [writer, n]);
          if (n % 2 === 0) await client.query('INSERT INTO drill_side VALUES ($1, $2)', [writer, n]);
          else await client.query('DELETE FROM drill_side WHERE writer = $1', [writer]);
          await client.query('COMMIT');
          commits++;
        } catch (error) {
          errors.push((error as Error).message);
          await client.query('ROLLBACK').catch(() => undefined);
        }
      }
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const before = commits;
      const drill = await runNpmScript('db:drill', [], env);
      const during = commits - before;
      running = false;
      await Promise.all(work);
      await release;
      expect(errors).toEqual([]);
      // The database really was busy across the mark.
      expect(during).toBeGreaterThan(100);
      expect({ code: drill.code, stderr: drill.stderr, stdout: drill.stdout }).toEqual({
        code: 0,
        stderr: '',
        stdout: expect.stringMatching(/marked: restore point drill-\S+ at [0-9A-F/]+: \d+ tables \(writes held \d+ ms, \d+ attempts?\)/),
      });
      expect(drill.stdout).toMatch(/Drill drill-\S+ passed: restore \(RTO\) \d+ ms/);
      expect(releasedBecause).toBe('a session waited for it');
      const record = drills().at(-1)!;
      expect(record).toMatchObject({ status: 'passed', mismatches: {}, writesHeldMs: expect.any(Number) });
      // Writes were held for an instant, not for the counting.
      expect(record.writesHeldMs).toBeLessThan(1_000);
    } finally {
      running = false;
      await Promise.all(work);
      await release.catch(() => undefined);
      await Promise.all([...writers, committer].map((client) => client.end()));
      await query(live.url, 'ALTER SYSTEM RESET synchronous_commit');
      await query(live.url, 'ALTER SYSTEM RESET synchronous_standby_names');
      await query(live.url, 'SELECT pg_reload_conf()');
    }
  });

  it('fails, exit 1, with a failed record, an error in system_logs and pend_drill_last_failed 1, when the restored copy differs', async () => {
    // An UNLOGGED table is not in the WAL: its rows cannot come back from a restore, and the drill must say so.
    await query(live.url, 'CREATE UNLOGGED TABLE drill_unlogged (id int PRIMARY KEY)');
    await query(live.url, 'INSERT INTO drill_unlogged SELECT generate_series(1, 7)');
    const drill = await runNpmScript('db:drill', [], env);
    expect(drill.code).toBe(1);
    expect(drill.stdout).toMatch(/Drill drill-\S+ failed: restore \(RTO\) \d+ ms, .*\(row counts differ in drill_unlogged\)/);
    const record = drills().at(-1)!;
    expect(record).toMatchObject({
      status: 'failed',
      mismatches: { drill_unlogged: { source: 7, restored: 0 } },
      error: 'row counts differ in drill_unlogged',
    });
    const [log] = await query<{ level: string; message: string }>(
      live.url,
      `SELECT level, message FROM system_logs WHERE category = 'backup' AND message LIKE 'Recovery drill%' ORDER BY id DESC LIMIT 1`,
    );
    expect(log).toEqual({ level: 'error', message: `Recovery drill ${record.id} failed (restore in ${record.rtoMs} ms)` });
    const app = await createTestApp({ databaseUrl: live.url, env: { BACKUP_DIR: backupDir } });
    try {
      const scrape = (await request(app.metricsUrl).get('/metrics').expect(200)).text;
      expect(scrape).toMatch(/^pend_drill_last_failed 1$/m);
    } finally {
      await app.close();
    }
    await query(live.url, 'DROP TABLE drill_unlogged');
  });

  it('fails when a base backup file does not match its sha256', async () => {
    const [id] = fs.readdirSync(path.join(backupDir, 'base'));
    const file = path.join(backupDir, 'base', id, 'pg_wal.tar.gz');
    const original = fs.readFileSync(file);
    fs.appendFileSync(file, 'x');
    const drill = await runNpmScript('db:drill', [], env).finally(() => fs.writeFileSync(file, original));
    expect(drill.code).toBe(1);
    expect(drill.stdout).toMatch(/Drill drill-\S+ failed: .*pg_wal\.tar\.gz does not match the sha256 in its manifest/);
    expect(drills().at(-1)).toMatchObject({ status: 'failed', error: expect.stringMatching(/does not match the sha256/) });
  });

  it('db:restore -- --to-time latest replays everything the archive holds (the primary lost), then promotes', async () => {
    await query(live.url, 'CREATE TABLE latest_rows (id int PRIMARY KEY)');
    await query(live.url, 'INSERT INTO latest_rows SELECT generate_series(1, 9)');
    const restored = await runNpmScript('db:restore', ['--to-time', 'latest', '--target-dir', path.join(root, 'latest')], env);
    const pid = Number(/server pid (\d+)/.exec(restored.stdout)?.[1]);
    try {
      expect({ code: restored.code, stderr: restored.stderr }).toEqual({ code: 0, stderr: '' });
      expect(restored.stdout).toMatch(/Restored to the end of the archive from base-\S+ in \d+ ms/);
      const url = restored.stdout.trim().split('\n').at(-1)!;
      const [row] = await query<{ n: number; recovery: boolean }>(
        url,
        'SELECT count(*)::int AS n, pg_is_in_recovery() AS recovery FROM latest_rows',
      );
      expect(row).toEqual({ n: 9, recovery: false });
    } finally {
      if (pid) process.kill(pid, 'SIGINT');
    }
  });
});
