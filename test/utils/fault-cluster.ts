import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { JsonLogger } from '../../src/common/logging/json-logger';
import { loadAppConfig } from '../../src/config/app.config';
import { createDataSource } from '../../src/database/data-source';
import { runMigrationsWithLock } from '../../src/database/migration-runner';
import { seedReferenceData } from '../../src/database/seeds/reference-data.seed';
import { withDatabase } from './global-setup';
import { freePort, PostgresProcess, startPostgresProcess } from './postgres-process';
import { childPids, processState, signalEach, sleep } from './processes';

/** A PostgreSQL cluster of the test's own (stopping the shared one would break the other files), migrated and seeded. */
export interface FaultCluster {
  server: PostgresProcess;
  /** The migrated and seeded `pend` database on it. */
  databaseUrl: string;
  /** The postmaster and every backend and auxiliary process it forked. */
  pids(): number[];
  /** Sends a signal to every process of the cluster (SIGSTOP freezes it whole: open connections too). */
  signalAll(signal: NodeJS.Signals): number[];
  /** SIGKILL to every process of the cluster and to the process that ran it: a crash, no shutdown. */
  kill(): void;
  /** Starts the cluster again on the same data folder and port (after kill()). */
  restart(): Promise<void>;
  remove(): Promise<void>;
}

export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A postmaster killed with SIGKILL leaves its postmaster.pid behind, and PostgreSQL refuses to start
 * ("lock file already exists") while that pid still exists, a zombie included: the killed postmaster's
 * parent (the wrapper process, killed with it) is gone, and the process that inherits it may reap it
 * late. Waits for the pid to go; a zombie is dead, so its stale lock file is removed (it is this test's
 * own server, never anyone else's).
 */
async function waitForKilledPostmaster(dataDir: string): Promise<void> {
  const pid = postmasterPid(dataDir);
  if (pid === undefined) return;
  for (let waited = 0; waited < 10_000; waited += 50) {
    const state = processState(pid);
    if (state === undefined) return;
    if (state === 'Z' || state === 'X') {
      fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
      return;
    }
    await sleep(50);
  }
}

export async function startFaultCluster(prefix = 'pend-fault-pg-'): Promise<FaultCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  let server = await startPostgresProcess(path.join(dir, 'data'), await freePort());
  const admin = new Client({ connectionString: server.url });
  admin.on('error', () => undefined);
  await admin.connect();
  await admin.query('CREATE DATABASE pend');
  await admin.end();
  const databaseUrl = withDatabase(server.url, 'pend');
  const dataSource = createDataSource(loadAppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), databaseUrl, { logging: false });
  await dataSource.initialize();
  await runMigrationsWithLock(dataSource);
  await seedReferenceData(dataSource);
  await dataSource.destroy();

  const pids = () => {
    const postmaster = postmasterPid(server.dataDir);
    return postmaster ? [postmaster, ...childPids(postmaster)] : [];
  };
  const cluster: FaultCluster = {
    get server() {
      return server;
    },
    databaseUrl,
    pids,
    signalAll(signal) {
      return signalEach(pids(), signal);
    },
    kill() {
      for (const pid of [server.wrapperPid, ...pids()]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
    },
    async restart() {
      await waitForKilledPostmaster(server.dataDir);
      server = await startPostgresProcess(server.dataDir, server.port);
    },
    async remove() {
      cluster.signalAll('SIGCONT');
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** A JSON logger whose lines the test can read (parsed), at `warn` and above unless told otherwise. */
export function capturingLogger(level = 'warn'): { logger: JsonLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: new JsonLogger(level, sink as unknown as ConstructorParameters<typeof JsonLogger>[1]), lines };
}
