import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from './postgres-process';

/** A real streaming standby of a test primary: `pg_basebackup -R`, started with `pg_ctl -w` on a free port. */
export interface Standby {
  /** `primaryUrl` with the standby's port: the same database, read-only, replayed from the primary. */
  url: string;
  port: number;
  dataDir: string;
  /** Waits until the standby has replayed the primary's current WAL position. */
  caughtUp(primaryUrl: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The system's PostgreSQL 15 client and server tools (pg_basebackup is not in the embedded package). */
export function postgresBinDir(): string {
  const candidates = ['/usr/lib/postgresql/15/bin'];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config on PATH
  }
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'pg_basebackup')) && fs.existsSync(path.join(dir, 'pg_ctl')));
  if (!found) throw new Error('PostgreSQL 15 server tools (pg_basebackup, pg_ctl) not found: apt-get install -y postgresql-15');
  return found;
}

/** Runs a server tool as `postgres` under root (PostgreSQL refuses root), else as the current user. */
function asPostgres(bin: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const asRoot = process.getuid?.() === 0;
  const [command, fullArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(command, fullArgs, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startStandby(primaryUrl: string): Promise<Standby> {
  const bin = postgresBinDir();
  const primary = new URL(primaryUrl);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-standby-'));
  fs.chmodSync(dir, 0o777);
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  const password = decodeURIComponent(primary.password);
  // -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
  asPostgres(
    path.join(bin, 'pg_basebackup'),
    ['-h', '127.0.0.1', '-p', primary.port, '-U', decodeURIComponent(primary.username), '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast'],
    { PGPASSWORD: password },
  );
  const logFile = path.join(dir, 'standby.log');
  const options = `-p ${port} -c listen_addresses=localhost -c unix_socket_directories= -c hot_standby=on -c hot_standby_feedback=on`;
  try {
    // -w: pg_ctl waits until the standby accepts read-only connections (it never logs "ready to accept connections").
    asPostgres(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', options, 'start']);
  } catch (error) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    throw new Error(`the standby did not start: ${(error as Error).message}\n${log}`, { cause: error });
  }
  const url = new URL(primaryUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  let stopped = false;
  return {
    url: url.toString(),
    port,
    dataDir,
    async caughtUp(fromUrl: string, timeoutMs = 15_000) {
      const primaryClient = new Client({ connectionString: fromUrl });
      const standbyClient = new Client({ connectionString: url.toString() });
      await primaryClient.connect();
      await standbyClient.connect();
      try {
        const [{ lsn }] = (await primaryClient.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows;
        const started = Date.now();
        for (;;) {
          const { rows } = await standbyClient.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn]);
          if (rows[0].ok) return;
          if (Date.now() - started > timeoutMs) throw new Error(`the standby did not replay ${lsn} within ${timeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        await primaryClient.end();
        await standbyClient.end();
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        asPostgres(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
