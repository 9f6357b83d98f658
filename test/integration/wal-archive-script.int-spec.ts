import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Client } from 'pg';
import { BaseBackupStore } from '../../src/system/backup/base-backup';
import { sha256Of } from '../../src/system/backup/backup.service';
import { locatePgTools } from '../../src/system/backup/pg-tools';
import { stopRestoredServer } from '../../src/system/backup/point-in-time-restore';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { runNpmScript } from '../utils/npm-script';
import { freePort } from '../utils/postgres-process';
import { sleep } from '../utils/processes';

// initdb, a base backup and a recovery on a shared 2-core machine.
jest.setTimeout(240_000);

/** The file docker/compose.yaml's postgres runs as its archive_command (the embedded server writes the same text). */
const SCRIPT_FILE = path.resolve(__dirname, '..', '..', 'docker', 'postgres', 'archive-wal.sh');
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** As root (CI) the server runs as the postgres user, as in the postgres image; else as ourselves. */
function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** `sh archive-wal.sh <dir> <file> <name>`, as PostgreSQL runs it; the exit code. */
function runScript(dir: string, source: string, name: string): number {
  try {
    execFileSync('sh', [SCRIPT_FILE, dir, source, name], { stdio: 'pipe' });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

/**
 * docker/postgres/archive-wal.sh as the archive_command of a real throwaway PostgreSQL 15 (as compose's
 * postgres runs it): WAL segments reach the archive gzip-compressed, group-readable in a setgid folder of
 * another group (compose: postgres writes, the app's uid reads and rotates), a second archive of the same
 * name is refused unless identical, and `db:restore:prod -- --to-time` with DATABASE_URL and BACKUP_DIR
 * (compose's layout) rebuilds the state at an instant from a base backup and that archive.
 */
describe('The WAL archive script under a real server, and a point-in-time restore from what it archived', () => {
  runAloneAmongHeavyTests();

  const ids = postgresIds();
  // The app's group in compose is node's 1000; here any group the postgres user is not in.
  const appGid = ids ? 65534 : undefined;
  let root: string;
  let walDir: string;
  let baseDir: string;
  let binDir: string;
  let url: string;
  let server: ChildProcess;
  let restoredPid: number | undefined;
  let instant: Date;

  beforeAll(async () => {
    binDir = locatePgTools(15).binDir;
    if (!fs.existsSync(path.join(binDir, 'postgres')) || !fs.existsSync(path.join(binDir, 'pg_basebackup')))
      throw new Error(`PostgreSQL 15 server binaries and pg_basebackup are needed in ${binDir}`);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-wal-script-'));
    fs.chmodSync(root, 0o755);
    walDir = path.join(root, 'wal');
    baseDir = path.join(root, 'base');
    const dataDir = path.join(root, 'data');
    fs.mkdirSync(walDir);
    fs.mkdirSync(dataDir, { mode: 0o700 });
    if (ids) {
      fs.chownSync(dataDir, ids.uid, ids.gid);
      fs.chownSync(walDir, ids.uid, appGid!);
      fs.chmodSync(walDir, 0o2770);
    }
    execFileSync(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'pend', '--auth=trust', '--no-sync', '-E', 'UTF8'], {
      stdio: 'pipe',
      ...(ids ?? {}),
    });
    const port = await freePort();
    url = `postgres://pend@localhost:${port}/postgres`;
    const log = fs.openSync(path.join(root, 'server.log'), 'a');
    server = spawn(
      path.join(binDir, 'postgres'),
      [
        ['-D', dataDir, '-p', String(port)],
        ['-c', 'listen_addresses=localhost', '-c', `unix_socket_directories=`],
        ['-c', 'wal_level=replica', '-c', 'archive_mode=on', '-c', 'archive_timeout=60'],
        ['-c', `archive_command=sh '${SCRIPT_FILE}' '${walDir}' '%p' '%f'`],
      ].flat(),
      { stdio: ['ignore', log, log], ...(ids ?? {}) },
    );
    fs.closeSync(log);
    for (let i = 0; ; i++) {
      try {
        await query(url, 'SELECT 1');
        break;
      } catch (error) {
        if (i > 300 || server.exitCode !== null)
          throw new Error(`The server did not start: ${fs.readFileSync(path.join(root, 'server.log'), 'utf8')}`, { cause: error });
        await sleep(100);
      }
    }
  });

  afterAll(async () => {
    if (restoredPid) await stopRestoredServer(restoredPid);
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGINT');
      await exited;
    }
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('archives each segment compressed and group-readable, and refuses a second, different archive of the same name', async () => {
    const [{ setting }] = await query<{ setting: string }>(url, `SELECT current_setting('archive_command') AS setting`);
    expect(setting).toContain(SCRIPT_FILE);
    await query(url, 'CREATE TABLE rows_at (id int PRIMARY KEY, batch text NOT NULL)');
    await query(url, `INSERT INTO rows_at SELECT g, 'base' FROM generate_series(1, 1000) g`);
    const [{ wal }] = await query<{ wal: string }>(url, 'SELECT pg_walfile_name(pg_switch_wal()) AS wal');
    const archived = path.join(walDir, `${wal}.gz`);
    // Done when the server has recorded the segment as archived: the script has exited by then. Its final name
    // appears earlier (linked before the folder's fsync), while its temporary copy still exists until the exit.
    const lastArchived = async () =>
      (await query<{ last: string | null }>(url, 'SELECT last_archived_wal AS last FROM pg_stat_archiver'))[0].last;
    for (let i = 0; i < 300 && (await lastArchived()) !== wal; i++) await sleep(100);
    expect(await lastArchived()).toBe(wal);

    expect(fs.readdirSync(walDir).filter((name) => !name.endsWith('.gz'))).toEqual([]);
    const segment = gunzipSync(fs.readFileSync(archived));
    expect(segment.length).toBe(16 << 20);
    expect(fs.statSync(archived).size).toBeLessThan(segment.length / 4);
    const stat = fs.statSync(archived);
    expect(stat.mode & 0o777).toBe(0o640);
    if (appGid !== undefined) expect(stat.gid).toBe(appGid);
    const [stats] = await query<{ archived: string; failed: string }>(
      url,
      'SELECT archived_count::text AS archived, failed_count::text AS failed FROM pg_stat_archiver',
    );
    expect(Number(stats.archived)).toBeGreaterThan(0);
    expect(stats.failed).toBe('0');

    // The same name again: identical content is success (a retry), other content is refused, the archive untouched.
    const before = sha256(archived);
    const copy = path.join(root, 'segment-copy');
    fs.writeFileSync(copy, segment);
    expect(runScript(walDir, copy, wal)).toBe(0);
    segment[segment.length - 1] ^= 0xff;
    fs.writeFileSync(copy, segment);
    expect(runScript(walDir, copy, wal)).toBe(1);
    expect(sha256(archived)).toBe(before);
    expect(fs.readdirSync(walDir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('db:restore:prod -- --to-time against DATABASE_URL (the compose layout): the rows before the instant, none after', async () => {
    // A base backup as BackupService.takeBaseBackup takes it (pg_basebackup -Ft -z -X stream), with its manifest.
    const id = 'base-script-test';
    const folder = path.join(baseDir, id);
    const startedAt = new Date();
    const port = new URL(url).port;
    execFileSync(
      path.join(binDir, 'pg_basebackup'),
      ['-h', 'localhost', '-p', port, '-U', 'pend', '-D', folder, '-Ft', '-z', '-X', 'stream'],
      {
        stdio: 'pipe',
      },
    );
    const files = [];
    for (const name of fs.readdirSync(folder).sort()) {
      files.push({ name, sizeBytes: fs.statSync(path.join(folder, name)).size, sha256: await sha256Of(path.join(folder, name)) });
    }
    const [{ version }] = await query<{ version: string }>(url, `SELECT current_setting('server_version') AS version`);
    new BaseBackupStore(baseDir).write({
      id,
      kind: 'base',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      startLsn: '0/0',
      endLsn: '0/0',
      timeline: 1,
      startWalFile: '000000010000000000000001',
      files,
      serverVersion: version,
      pgBasebackupVersion: version,
      trigger: 'manual',
    });

    await sleep(1_100);
    await query(url, `INSERT INTO rows_at SELECT g, 't1' FROM generate_series(1001, 1100) g`);
    await sleep(1_100);
    instant = new Date();
    await sleep(1_100);
    await query(url, `INSERT INTO rows_at SELECT g, 't2' FROM generate_series(1101, 1200) g`);

    // As in compose: DATABASE_URL names the live server, BACKUP_DIR holds wal/ (its archive) and base/.
    const cli = await runNpmScript('db:restore:prod', ['--to-time', instant.toISOString()], {
      DATABASE_URL: url,
      BACKUP_DIR: root,
      PG_BIN_DIR: binDir,
    });
    expect(cli).toMatchObject({ code: 0 });
    restoredPid = Number(/server pid (\d+)/.exec(cli.stdout)?.[1]);
    const restoredUrl = cli.stdout.trimEnd().split('\n').at(-1)!;
    // The copy is built in BACKUP_DIR/pitr-<time> (the app image's node user can write there), not in the archive.
    expect(cli.stdout).toContain(`Data folder ${path.join(root, 'pitr-')}`);
    const restored = { url: restoredUrl };
    const batches = await query<{ batch: string; n: number }>(
      restored.url,
      'SELECT batch, count(*)::int AS n FROM rows_at GROUP BY batch ORDER BY batch',
    );
    expect(batches).toEqual([
      { batch: 'base', n: 1000 },
      { batch: 't1', n: 100 },
    ]);
    // The promoted copy (a new timeline) never archives into the live archive.
    await query(restored.url, 'SELECT pg_switch_wal()');
    await sleep(500);
    expect(fs.readdirSync(walDir).filter((name) => !name.startsWith('00000001'))).toEqual([]);
  });
});
