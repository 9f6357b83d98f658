import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

/**
 * `npm run bench:recovery`: RPO and RTO of point-in-time recovery at the size, with the real CLIs
 * as an operator runs them. Starts an archiving server of its own (postgres-server.cli.js with
 * WAL_ARCHIVE_DIR, archive_timeout = WAL_ARCHIVE_TIMEOUT_SECONDS, default 60) in a scratch folder, migrates it,
 * generates BENCH_USERS (default 1,000,000) users, then times:
 *   1. `db:backup -- --base`;
 *   2. a few writes, an instant T, more writes, then `db:restore -- --to-time T`: the RTO is the wall time until
 *      the promoted copy answers, and the copy must hold exactly the rows before T;
 *   3. `db:drill` (its recorded restore time);
 *   4. the RPO: a writer commits a row every 100 ms for BENCH_RPO_SECONDS (default 75), the primary is killed
 *      with SIGKILL, and `db:restore -- --to-time latest` rebuilds from the archive alone (the primary's disk
 *      counted as lost): the rows acknowledged but not restored are the data lost.
 * Everything lives in one temporary folder, removed at the end.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const CLI = (name: string) => path.join(ROOT, 'dist', 'src', 'cli', name);
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(
  cli: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI(cli), ...args],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'error', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: Date.now() - started }),
    );
  });
}

async function query<T>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

function stopPid(pid: number, signal: NodeJS.Signals = 'SIGINT'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone
  }
}

async function main(): Promise<number> {
  const users = Number(process.env.BENCH_USERS ?? 1_000_000);
  const rpoSeconds = Number(process.env.BENCH_RPO_SECONDS ?? 75);
  const timeout = process.env.WAL_ARCHIVE_TIMEOUT_SECONDS ?? '60';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-bench-recovery-'));
  fs.chmodSync(root, 0o755);
  const backupDir = path.join(root, 'backups');
  const dataDir = path.join(root, 'pg');
  const port = await freePort();
  const env = { EMBEDDED_PG_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port), BACKUP_DIR: backupDir };
  const restoredPids: number[] = [];
  let server: ChildProcess | undefined;
  const rows: string[][] = [['step', 'seconds', 'detail']];
  const fail = (what: string, result: { stdout: string; stderr: string }) =>
    new Error(`${what} failed: ${result.stderr.trim() || result.stdout.trim().split('\n').slice(-3).join(' | ')}`);
  try {
    server = spawn(process.execPath, [CLI('postgres-server.cli.js'), dataDir, String(port)], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, WAL_ARCHIVE_DIR: path.join(backupDir, 'wal'), WAL_ARCHIVE_TIMEOUT_SECONDS: timeout },
    });
    const adminUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      server!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      server!.on('exit', (code) => reject(new Error(`postgres-server exited with ${code}`)));
    });
    await query(adminUrl, 'CREATE DATABASE pend');
    const url = adminUrl.replace(/\/postgres$/, '/pend');
    const migrated = await run('db.cli.js', ['migrate'], env);
    if (migrated.code !== 0) throw fail('db:migrate', migrated);

    let started = Date.now();
    await query(
      url,
      `INSERT INTO users (phone_e164, phone_hash, email, display_name, tier_id, created_at)
       SELECT p, encode(sha256(convert_to(p, 'UTF8')), 'hex'), 'user' || i || '@bench.pend', 'Bench User ' || i,
              (SELECT id FROM user_tiers ORDER BY id LIMIT 1), now() - (i % 365) * interval '1 day'
       FROM generate_series(1, $1::int) AS i, LATERAL (SELECT '+1' || lpad(i::text, 10, '0') AS p) phone`,
      [users],
    );
    await query(url, 'VACUUM ANALYZE users');
    const [{ size }] = await query<{ size: string }>(url, 'SELECT pg_database_size(current_database())::bigint AS size');
    rows.push([`generate ${users} users`, seconds(Date.now() - started), `database ${(Number(size) / 1024 / 1024).toFixed(0)} MB`]);

    const base = await run('db-backup.cli.js', ['--base'], env);
    if (base.code !== 0) throw fail('db:backup --base', base);
    const baseFolder = path.join(backupDir, 'base', fs.readdirSync(path.join(backupDir, 'base'))[0]);
    const baseBytes = fs.readdirSync(baseFolder).reduce((sum, f) => sum + fs.statSync(path.join(baseFolder, f)).size, 0);
    rows.push(['db:backup -- --base', seconds(base.ms), `${(baseBytes / 1024 / 1024).toFixed(0)} MB on disk (gzip)`]);

    // Writes after the base backup: replay has real WAL to go through (a day's worth is more; this is a floor).
    await query(
      url,
      'CREATE TABLE bench_pitr (id int PRIMARY KEY, batch text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())',
    );
    await query(url, `UPDATE users SET display_name = display_name || ' *' WHERE phone_e164 LIKE '%0'`);
    await query(url, `INSERT INTO bench_pitr SELECT g, 't1' FROM generate_series(1, 1000) g`);
    await sleep(1_100);
    const instant = new Date();
    await sleep(1_100);
    await query(url, `INSERT INTO bench_pitr SELECT g, 't2' FROM generate_series(1001, 2000) g`);
    const [{ wal }] = await query<{ wal: string }>(url, `SELECT pg_size_pretty(pg_current_wal_lsn() - '0/0'::pg_lsn) AS wal`);

    started = Date.now();
    const restored = await run('db-restore.cli.js', ['--to-time', instant.toISOString(), '--target-dir', path.join(root, 'restored')], env);
    if (restored.code !== 0) throw fail('db:restore --to-time', restored);
    const restoredUrl = restored.stdout.trim().split('\n').at(-1)!;
    restoredPids.push(Number(/server pid (\d+)/.exec(restored.stdout)?.[1]));
    const [check] = await query<{ t1: number; t2: number; users: number }>(
      restoredUrl,
      `SELECT count(*) FILTER (WHERE batch = 't1')::int AS t1, count(*) FILTER (WHERE batch = 't2')::int AS t2, (SELECT count(*)::int FROM users) AS users FROM bench_pitr`,
    );
    const rto = Date.now() - started;
    if (check.t1 !== 1000 || check.t2 !== 0 || check.users !== users)
      throw new Error(`the restored copy is wrong: ${JSON.stringify(check)}`);
    rows.push([
      'db:restore -- --to-time (RTO)',
      seconds(rto),
      `promoted and answering; ${check.users} users, t1 rows only; WAL written since initdb ${wal}`,
    ]);
    stopPid(restoredPids.pop()!);

    const drill = await run('db-drill.cli.js', [], env);
    if (drill.code !== 0) throw fail('db:drill', drill);
    const drillRto = /restore \(RTO\) (\d+) ms/.exec(drill.stdout)?.[1];
    rows.push(['db:drill', seconds(drill.ms), `passed; restore (RTO) ${seconds(Number(drillRto))} s`]);

    // RPO: acknowledged commits every 100 ms, then SIGKILL of the postmaster, then a restore from the archive alone.
    const writer = new Client({ connectionString: url });
    writer.on('error', () => undefined); // the kill below ends its connection
    await writer.connect();
    await query(url, 'CREATE TABLE bench_rpo (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())');
    const writeUntil = Date.now() + rpoSeconds * 1000;
    let acknowledged = 0;
    let lastAckAt = new Date(0);
    while (Date.now() < writeUntil) {
      const [row] = (await writer.query<{ at: Date }>('INSERT INTO bench_rpo (id) VALUES ($1) RETURNING at', [acknowledged + 1])).rows;
      acknowledged++;
      lastAckAt = row.at;
      await sleep(100);
    }
    const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(postmaster, 'SIGKILL');
    await writer.end().catch(() => undefined);
    server.kill('SIGKILL');
    await sleep(500);
    const archived = fs
      .readdirSync(path.join(backupDir, 'wal'))
      .filter((f) => /^[0-9A-F]{24}\.gz$/.test(f))
      .sort();

    started = Date.now();
    const afterKill = await run('db-restore.cli.js', ['--to-time', 'latest', '--target-dir', path.join(root, 'after-kill')], env);
    if (afterKill.code !== 0) throw fail('db:restore after SIGKILL', afterKill);
    const afterKillUrl = afterKill.stdout.trim().split('\n').at(-1)!;
    restoredPids.push(Number(/server pid (\d+)/.exec(afterKill.stdout)?.[1]));
    const [kept] = await query<{ n: number; last: Date | null }>(afterKillUrl, 'SELECT count(*)::int AS n, max(at) AS last FROM bench_rpo');
    const rtoAfterKill = Date.now() - started;
    const lostSeconds = kept.last ? (lastAckAt.getTime() - kept.last.getTime()) / 1000 : rpoSeconds;
    rows.push([
      'db:restore after SIGKILL (RTO)',
      seconds(rtoAfterKill),
      `archive only (live server down), ${archived.length} WAL files archived`,
    ]);
    rows.push([
      'RPO at SIGKILL',
      lostSeconds.toFixed(1),
      `${acknowledged - kept.n} of ${acknowledged} acknowledged commits lost (archive_timeout ${timeout} s; last archived commit ${kept.last?.toISOString() ?? '-'})`,
    ]);

    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    process.stdout.write(
      `${os.cpus().length} cores, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n`,
    );
    for (const row of rows) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c])).join('  ')}\n`);
    return 0;
  } finally {
    for (const pid of restoredPids) stopPid(pid);
    if (server && server.exitCode === null) server.kill('SIGTERM');
    await sleep(2_000);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:recovery: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
