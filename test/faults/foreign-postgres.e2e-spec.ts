import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { Client } from 'pg';
import { randomPhone } from '../utils/auth';
import { FaultCluster, postmasterPid, startFaultCluster } from '../utils/fault-cluster';
import { alive, childPids, processesWithArgument, processState, sleep } from '../utils/processes';
import { Outcome, timedFetch } from '../utils/fault-load';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { freePort, PostgresProcess, startPostgresProcess } from '../utils/postgres-process';

const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'src', 'main.js');
const JWT_SECRET = randomBytes(32).toString('hex');

/** A running app process (`node dist/src/main.js`) and everything it printed. */
interface AppProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnApp(env: Record<string, string>, port: number): AppProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      BACKUP_ENABLED: 'false',
      MONITORING_JOBS_ENABLED: 'false',
      JWT_SECRET,
      LOG_LEVEL: 'info',
      EMBEDDED_PG_RESTART_ATTEMPTS: '8',
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port, output: () => output, exited };
}

/** The exit code, or 'still running' when the app has not exited within `ms` (then it is stopped). */
async function exitWithin(app: AppProcess, ms: number): Promise<number | null | 'still running'> {
  const result = await Promise.race([app.exited, sleep(ms).then(() => 'still running' as const)]);
  if (result === 'still running') app.child.kill('SIGTERM');
  return result;
}

async function waitUntilLive(app: AppProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`the app exited with ${app.child.exitCode}: ${app.output().slice(-2000)}`);
    if ((await timedFetch('live', `http://127.0.0.1:${app.port}/api/health/live`, {}, 2_000)).status === 200) return;
    await sleep(250);
  }
  throw new Error(`the app did not start within 60 s: ${app.output().slice(-2000)}`);
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** An asset and an investor token to read it with: a route that needs the database. */
async function seedReader(databaseUrl: string): Promise<{ assetId: string; token: string }> {
  const phone = randomPhone();
  const [user] = await query<{ id: string }>(
    databaseUrl,
    `INSERT INTO users (phone_e164, phone_hash, blockchain_address, tier_id)
     VALUES ($1, $2, $3, (SELECT id FROM user_tiers WHERE name = 'gold')) RETURNING id`,
    [phone, createHash('sha256').update(phone).digest('hex'), `0x${randomBytes(20).toString('hex')}`],
  );
  const [asset] = await query<{ id: string }>(
    databaseUrl,
    `INSERT INTO assets (name, category, status, target_amount, min_investment) VALUES ('Foreign server test', 'real_estate', 'open', '5000', '10') RETURNING id`,
  );
  const token = await new JwtService({ secret: JWT_SECRET }).signAsync({ sub: user.id, kind: 'user' }, { expiresIn: 900 });
  return { assetId: asset.id, token };
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const done = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  const pid = Number(done.stdout.trim());
  expect(alive(pid)).toBe(false);
  return pid;
}

/** Probes a route that needs the database for `ms`: every answer, none may be other than 503 database_unavailable. */
async function probeFor(baseUrl: string, reader: { assetId: string; token: string }, ms: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const until = Date.now() + ms;
  while (Date.now() < until) {
    outcomes.push(
      await timedFetch('read', `${baseUrl}/api/assets/${reader.assetId}`, { headers: { Authorization: `Bearer ${reader.token}` } }, 5_000),
    );
    await sleep(100);
  }
  return outcomes;
}

function expectAllUnavailable(outcomes: Outcome[]): void {
  expect(outcomes.length).toBeGreaterThan(5);
  for (const o of outcomes) {
    expect({ status: o.status, code: o.body?.code }).toEqual({ status: 503, code: 'database_unavailable' });
    expect(Number(o.retryAfter)).toBeGreaterThan(0);
    expect(o.ms).toBeLessThan(5_000);
  }
}

/**
 * The app restarts only the embedded PostgreSQL it started itself (EMBEDDED_PG_RESTART_ATTEMPTS). A server
 * that another process started, whether named by DATABASE_URL or running in the app's data folder, is
 * never started, stopped, replaced or cleaned up by the app: when it goes away the app answers 503
 * database_unavailable and waits.
 */
describe('Faults: a PostgreSQL server another process started is never touched by the app', () => {
  runAloneAmongHeavyTests();

  let dir: string;
  const apps: AppProcess[] = [];
  const servers: PostgresProcess[] = [];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-foreign-pg-'));
    fs.chmodSync(dir, 0o755);
  });

  afterAll(async () => {
    for (const app of apps) {
      if (app.child.exitCode === null && app.child.signalCode === null) {
        app.child.kill('SIGCONT');
        app.child.kill('SIGTERM');
        await app.exited;
      }
    }
    for (const server of servers) await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  describe('DATABASE_URL names a server of its own', () => {
    let cluster: FaultCluster;

    beforeAll(async () => {
      cluster = await startFaultCluster('pend-foreign-url-pg-');
    }, 120_000);

    afterAll(async () => {
      await cluster?.remove();
    }, 60_000);

    it('killed: 503 database_unavailable, nothing started, stopped or removed; answering again once its owner restarts it, and left running at shutdown', async () => {
      const embeddedDir = path.join(dir, 'url-app-pg');
      const app = spawnApp(
        {
          DATABASE_URL: cluster.databaseUrl,
          EMBEDDED_PG_DATA_DIR: embeddedDir,
          EMBEDDED_PG_PORT: String(await freePort()),
          BACKUP_DIR: path.join(dir, 'url-app-backups'),
        },
        await freePort(),
      );
      apps.push(app);
      await waitUntilLive(app);
      const baseUrl = `http://127.0.0.1:${app.port}`;
      const reader = await seedReader(cluster.databaseUrl);
      const read = await timedFetch('read', `${baseUrl}/api/assets/${reader.assetId}`, {
        headers: { Authorization: `Bearer ${reader.token}` },
      });
      expect(read.status).toBe(200);

      const dataDir = cluster.server.dataDir;
      const killed = postmasterPid(dataDir)!;
      const filesBefore = fs.readdirSync(dataDir).sort();
      const logFrom = app.output().length;
      cluster.kill();

      // Longer than the app's first restart attempts (0.25 + 0.5 + 1 + 2 s) would take.
      const outcomes = await probeFor(baseUrl, reader, 6_000);
      expectAllUnavailable(outcomes);
      expect(processesWithArgument(dataDir).filter((pid) => processState(pid) !== 'Z')).toEqual([]);
      expect(postmasterPid(dataDir)).toBe(killed); // its lock file is as the crash left it
      expect(fs.readdirSync(dataDir).sort()).toEqual(filesBefore);
      expect(fs.existsSync(embeddedDir)).toBe(false); // no embedded server of its own either
      expect(processesWithArgument(embeddedDir)).toEqual([]);
      const log = app.output().slice(logFrom);
      expect(log).not.toContain('Embedded PostgreSQL');
      expect(app.child.exitCode).toBeNull();

      // Its owner starts it again: the app answers by itself.
      await sleep(500);
      await cluster.restart();
      let recovered = false;
      for (const until = Date.now() + 20_000; Date.now() < until && !recovered; await sleep(200)) {
        const probe = await timedFetch('probe', `${baseUrl}/api/assets/${reader.assetId}`, {
          headers: { Authorization: `Bearer ${reader.token}` },
        });
        recovered = probe.status === 200;
      }
      expect(recovered).toBe(true);

      // The app's shutdown leaves the server running.
      const running = postmasterPid(dataDir)!;
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      expect(alive(running)).toBe(true);
      expect(await query<{ one: number }>(cluster.databaseUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    }, 120_000);
  });

  describe('the data folder holds a server the app did not start', () => {
    it('refuses to start, and leaves the server alone, whether its owner lives or an old owner record names a dead process', async () => {
      const dataDir = path.join(dir, 'held-pg');
      const server = await startPostgresProcess(dataDir, await freePort());
      servers.push(server);
      const postmaster = postmasterPid(dataDir)!;
      const ownerFile = `${dataDir}.owner.json`;
      const env = {
        EMBEDDED_PG_DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(await freePort()),
        BACKUP_DIR: path.join(dir, 'held-app-backups'),
      };

      // Its owner (the test's server process) is alive.
      const first = spawnApp(env, await freePort());
      apps.push(first);
      expect(await exitWithin(first, 30_000)).toBe(1);
      expect(first.output()).toContain(`started by process ${server.wrapperPid}, which is still running`);
      expect(alive(postmaster)).toBe(true);

      // An owner record left by an app that died (its process and its postmaster long gone) while the
      // server that runs now was started by someone else: not that app's leftover, so not the app's to stop.
      const record = JSON.parse(fs.readFileSync(ownerFile, 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(ownerFile, JSON.stringify({ ...record, ownerPid: deadPid(), role: 'app', postmasterPid: deadPid() }));
      const second = spawnApp(env, await freePort());
      apps.push(second);
      expect(await exitWithin(second, 30_000)).toBe(1);
      expect(second.output()).not.toContain('Stopping the embedded PostgreSQL');
      expect(second.output()).toContain(`An embedded PostgreSQL (pid ${postmaster}) is already running`);
      expect(alive(postmaster)).toBe(true);
      expect(postmasterPid(dataDir)).toBe(postmaster);
      expect(await query<{ one: number }>(server.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    }, 120_000);

    it('its own postmaster killed and another process starting a server in the folder meanwhile: the app waits (503), never stops or replaces it, and leaves it running at shutdown', async () => {
      const dataDir = path.join(dir, 'own-pg');
      const app = spawnApp(
        { EMBEDDED_PG_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), BACKUP_DIR: path.join(dir, 'own-app-backups') },
        await freePort(),
      );
      apps.push(app);
      await waitUntilLive(app);
      const baseUrl = `http://127.0.0.1:${app.port}`;
      const credentials = JSON.parse(fs.readFileSync(`${dataDir}.credentials.json`, 'utf8')) as { user: string; password: string };
      const ownPort = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
      const reader = await seedReader(
        `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@localhost:${ownPort}/pend`,
      );

      // The app is frozen while its postmaster dies and another process takes the folder, so that its
      // supervisor sees the other server first (it would otherwise restart its own within 250 ms).
      const own = postmasterPid(dataDir)!;
      app.child.kill('SIGSTOP');
      for (const pid of [own, ...childPids(own)]) process.kill(pid, 'SIGKILL');
      // The killed postmaster is the frozen app's child: a zombie until the app reaps it, and its lock file names it.
      for (let waited = 0; processState(own) !== 'Z' && processState(own) !== undefined && waited < 10_000; waited += 50) await sleep(50);
      fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
      const other = await startPostgresProcess(dataDir, await freePort());
      servers.push(other);
      const otherPostmaster = postmasterPid(dataDir)!;
      const ownerFile = `${dataDir}.owner.json`;
      const otherOwner = fs.readFileSync(ownerFile, 'utf8');
      expect(JSON.parse(otherOwner)).toMatchObject({ ownerPid: other.wrapperPid, postmasterPid: otherPostmaster });

      const logFrom = app.output().length;
      app.child.kill('SIGCONT');
      const outcomes = await probeFor(baseUrl, reader, 5_000);
      expectAllUnavailable(outcomes);
      const log = app.output().slice(logFrom);
      expect(log).toContain('exited unexpectedly');
      expect(log).toContain(`Another embedded PostgreSQL (pid ${otherPostmaster}, started by process ${other.wrapperPid})`);
      expect(log).not.toContain('Embedded PostgreSQL restarted');
      expect(alive(otherPostmaster)).toBe(true);
      expect(postmasterPid(dataDir)).toBe(otherPostmaster);
      expect(fs.readFileSync(ownerFile, 'utf8')).toBe(otherOwner);

      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      expect(alive(otherPostmaster)).toBe(true);
      expect(postmasterPid(dataDir)).toBe(otherPostmaster);
      expect(fs.readFileSync(ownerFile, 'utf8')).toBe(otherOwner);
      expect(await query<{ one: number }>(other.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    }, 120_000);
  });
});
