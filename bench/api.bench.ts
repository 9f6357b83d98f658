import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { loadAppConfig } from '../src/config/app.config';
import { createDataSource } from '../src/database/data-source';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { runMigrationsWithLock } from '../src/database/migration-runner';
import { seedReferenceData } from '../src/database/seeds/reference-data.seed';
import { generateBenchData } from './api-data';
import { findSaturation, OpenLoopResult, OpenLoopRoute, runOpenLoop } from './api-open-loop';

// autocannon ships no types; this is the slice used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: object) => AutocannonInstance;
interface AutocannonInstance extends Promise<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
interface AutocannonResult {
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  requests: { total: number };
}

const USAGE = `npm run bench:api -- [--users 100000] [--tx-per-user 10] [--investments-per-user 0.2] [--assets 200]
  [--duration 10] [--rounds 2] [--connections 10] [--data-dir /tmp/pend-markets-bench-pg] [--pg-port 55440] [--port 3440] [--only <route name, or text in it>] [--fresh] [--clean]
  open loop (the app only): --users-online 1000 [--rate-per-user 1] [--duration 20] [--saturation] [--saturation-seconds 8]
The generated database is kept in --data-dir and reused by the next run of the same size (--fresh rebuilds it, --clean deletes it after).
Open loop: each user online sends --rate-per-user requests a second on a fixed schedule, answered or not (mix: 40% user
lookup, 25% history, 25% asset search, 5% analytics, 5% admin dashboard); latency counts from each scheduled send time.
--saturation then searches the highest offered rate at which every route meets its p95 target with no errors.`;

const { values: flags } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    'tx-per-user': { type: 'string', default: '10' },
    'investments-per-user': { type: 'string', default: '0.2' },
    assets: { type: 'string', default: '200' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    only: { type: 'string' },
    connections: { type: 'string', default: '10' },
    'data-dir': { type: 'string', default: '/tmp/pend-markets-bench-pg' },
    'pg-port': { type: 'string', default: '55440' },
    port: { type: 'string', default: '3440' },
    'users-online': { type: 'string' },
    'rate-per-user': { type: 'string', default: '1' },
    saturation: { type: 'boolean', default: false },
    'saturation-seconds': { type: 'string', default: '8' },
    fresh: { type: 'boolean', default: false },
    clean: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const ROOT = path.resolve(__dirname, '..', '..');
const SERVERS = path.join(__dirname, 'api-servers.js');

interface Scenario {
  name: string;
  /** Fewer concurrent clients for the heavy dashboard query. */
  connections?: number;
  /** p95 target in ms, from the seed's figures. */
  targetP95: number;
  request: (i: number) => { path: string; token?: string };
}

interface Measurement {
  /** Server process CPU per answered request, ms: comparable even when the machine is busy. */
  cpuMsPerRequest: number;
  /** PostgreSQL CPU per answered request, ms. */
  databaseCpuMsPerRequest: number;
  rps: number;
  p50: number;
  p95: number;
  requests: number;
  failures: number;
}

const searches = [
  'q=solar',
  'q=harbour&sort=expectedApy&order=desc',
  'category=real_estate&sort=targetAmount',
  'minApy=5&maxApy=9&sort=expectedApy&order=asc',
  'q=tower&category=venture',
  'status=open&sort=name&order=asc&limit=50',
  'q=offering&sort=name&order=asc&limit=40',
  'category=private_credit&minApy=10',
];
const pick = <T>(list: T[], i: number) => list[(i * 2654435761) % list.length];

function log(message: string) {
  process.stderr.write(`[bench:api] ${message}\n`);
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by each PostgreSQL process of the machine (the bench's server is the only one running). */
function postgresCpuSeconds(): Map<string, number> {
  const used = new Map<string, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.split(') ')[1].split(' ');
      used.set(entry, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // the process ended while we looked
    }
  }
  return used;
}

/** CPU PostgreSQL spent between two readings; a process that ended in between (an autovacuum worker) is not counted. */
function postgresCpuSpent(before: Map<string, number>, after: Map<string, number>): number {
  let spent = 0;
  for (const [pid, seconds] of after) spent += seconds - (before.get(pid) ?? 0);
  return spent;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function spawnServer(
  mode: 'app' | 'floor',
  databaseUrl: string,
  port: number,
): Promise<{ child: ChildProcess; lines: AsyncIterator<string> }> {
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to both servers' node: profiles to compare.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, SERVERS, mode, databaseUrl, String(port)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const queue: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.startsWith('{')) continue;
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else queue.push(line);
    }
  });
  const lines: AsyncIterator<string> = {
    next: () =>
      new Promise((resolve, reject) => {
        const queued = queue.shift();
        if (queued !== undefined) return resolve({ value: queued, done: false });
        child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
        waiters.push((line) => resolve({ value: line, done: false }));
      }),
  };
  return lines.next().then(() => ({ child, lines }));
}

interface Sample {
  latencies: number[];
  seconds: number;
  failures: number;
  /** CPU seconds the server process spent during the measured run. */
  serverCpu: number;
  /** CPU seconds PostgreSQL spent during the measured run. */
  databaseCpu: number;
}

/** One autocannon run after a short warm-up; latencies of 2xx answers only. */
async function sample(port: number, pid: number | undefined, scenario: Scenario, duration: number, connections: number): Promise<Sample> {
  let counter = 0;
  const latencies: number[] = [];
  const run = (seconds: number, record: boolean) => {
    const instance = autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: scenario.connections ?? connections,
      duration: seconds,
      timeout: 60,
      requests: [
        {
          setupRequest: (request: Record<string, unknown>) => {
            const next = scenario.request(counter++);
            return { ...request, method: 'GET', path: next.path, headers: next.token ? { authorization: `Bearer ${next.token}` } : {} };
          },
        },
      ],
    });
    if (record) instance.on('response', (_client, status, _bytes, ms) => status < 300 && latencies.push(ms));
    return instance;
  };
  await run(1, false); // warm-up: JIT, pools, caches
  const cpuBefore = cpuSeconds(pid);
  const databaseCpuBefore = postgresCpuSeconds();
  const result = await run(duration, true);
  const serverCpu = cpuSeconds(pid) - cpuBefore;
  const databaseCpu = postgresCpuSpent(databaseCpuBefore, postgresCpuSeconds());
  return { latencies, seconds: result.duration, failures: result.non2xx + result.errors + result.timeouts, serverCpu, databaseCpu };
}

function summarise(samples: Sample[]): Measurement {
  const sorted = Float64Array.from(samples.flatMap((s) => s.latencies)).sort();
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  const cpu = samples.reduce((sum, s) => sum + s.serverCpu, 0);
  const databaseCpu = samples.reduce((sum, s) => sum + s.databaseCpu, 0);
  return {
    cpuMsPerRequest: (cpu * 1000) / Math.max(1, sorted.length),
    databaseCpuMsPerRequest: (databaseCpu * 1000) / Math.max(1, sorted.length),
    rps: sorted.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    requests: sorted.length,
    failures: samples.reduce((sum, s) => sum + s.failures, 0),
  };
}

async function main() {
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const size = {
    users: Number(flags.users),
    transactionsPerUser: Number(flags['tx-per-user']),
    investmentsPerUser: Number(flags['investments-per-user']),
    assets: Number(flags.assets),
  };
  const duration = Number(flags.duration);
  const connections = Number(flags.connections);
  const dataDir = path.resolve(flags['data-dir']!);
  const appPort = Number(flags.port);
  const floorPort = appPort + 1;
  for (const [name, value] of Object.entries({ ...size, duration, connections, appPort })) {
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number\n${USAGE}`);
  }

  fs.mkdirSync(dataDir, { recursive: true });
  fs.chmodSync(dataDir, 0o755);
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'data'),
    port: Number(flags['pg-port']),
    database: 'postgres',
    stopOnSignals: false,
  });
  const children: ChildProcess[] = [];
  try {
    const database = `bench_u${size.users}_t${size.transactionsPerUser}_i${String(size.investmentsPerUser).replace('.', '_')}_a${size.assets}`;
    const databaseUrl = (() => {
      const url = new URL(server.url);
      url.pathname = `/${database}`;
      return url.toString();
    })();
    await prepareDatabase(server.url, databaseUrl, database, size);

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const usersOnline = flags['users-online'] === undefined ? 0 : Number(flags['users-online']);
    if (!Number.isInteger(usersOnline) || usersOnline < 0) throw new Error(`--users-online must be a whole number\n${USAGE}`);
    const sampleUsers = (
      await db.query<{ id: string }>(`SELECT id FROM users TABLESAMPLE SYSTEM (5) LIMIT $1`, [Math.max(500, usersOnline)])
    ).rows.map((r) => r.id);
    const [analyst] = (
      await db.query<{ id: string }>(
        `INSERT INTO admin_users (email, name, role, active) VALUES ('bench-analyst@pend.test', 'Bench analyst', 'analyst', true)
         ON CONFLICT (email) DO UPDATE SET active = true RETURNING id`,
      )
    ).rows;
    const counts = (
      await db.query<{ users: string; transactions: string; investments: string; assets: string }>(
        `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM transactions) AS transactions,
                (SELECT count(*) FROM investments) AS investments, (SELECT count(*) FROM assets) AS assets`,
      )
    ).rows[0];
    await db.end();

    if (usersOnline > 0) {
      log('starting the app');
      const app = await spawnServer('app', databaseUrl, appPort);
      children.push(app.child);
      app.child.stdin!.write(`${JSON.stringify({ tokens: { user: sampleUsers, admin: [analyst.id] } })}\n`);
      const { tokens } = JSON.parse((await app.lines.next()).value) as { tokens: { user: string[]; admin: string[] } };
      await openLoopMode(`http://127.0.0.1:${appPort}`, usersOnline, sampleUsers, tokens, counts);
      return;
    }

    log('starting the app and the floor');
    const app = await spawnServer('app', databaseUrl, appPort);
    children.push(app.child);
    const floor = await spawnServer('floor', databaseUrl, floorPort);
    children.push(floor.child);
    app.child.stdin!.write(`${JSON.stringify({ tokens: { user: sampleUsers, admin: [analyst.id] } })}\n`);
    const { tokens } = JSON.parse((await app.lines.next()).value) as { tokens: { user: string[]; admin: string[] } };

    const scenarios: Scenario[] = [
      {
        name: 'GET /api/users/:id',
        targetP95: 25,
        request: (i) => {
          const k = (i * 7919) % sampleUsers.length;
          return { path: `/api/users/${sampleUsers[k]}`, token: tokens.user[k] };
        },
      },
      {
        name: 'GET /api/assets (search)',
        targetP95: 45,
        request: (i) => ({ path: `/api/assets?${pick(searches, i)}`, token: tokens.user[i % tokens.user.length] }),
      },
      {
        name: 'GET /api/users/:id/transactions',
        targetP95: 75,
        request: (i) => {
          const k = (i * 7919) % sampleUsers.length;
          return { path: `/api/users/${sampleUsers[k]}/transactions?limit=20`, token: tokens.user[k] };
        },
      },
      {
        name: 'GET /api/assets/analytics',
        targetP95: 200,
        connections: 2,
        request: () => ({ path: '/api/assets/analytics', token: tokens.admin[0] }),
      },
    ];

    const rows: { scenario: Scenario; app: Measurement; floor: Measurement }[] = [];
    // App and floor take turns (rounds × duration/rounds seconds each), so load that drifts on a
    // shared machine hits both alike instead of whichever ran second.
    const rounds = Math.max(1, Number(flags.rounds));
    const slice = Math.max(1, Math.round(duration / rounds));
    // --only takes the scenario named exactly ("GET /api/users/:id" alone, not its /transactions too), else those containing the text.
    const exact = scenarios.filter((s) => s.name === flags.only);
    const chosen = !flags.only ? scenarios : exact.length > 0 ? exact : scenarios.filter((s) => s.name.includes(flags.only!));
    for (const scenario of chosen) {
      const appSamples: Sample[] = [];
      const floorSamples: Sample[] = [];
      for (let round = 1; round <= rounds; round++) {
        log(`${scenario.name}: round ${round}/${rounds}`);
        appSamples.push(await sample(appPort, app.child.pid, scenario, slice, connections));
        floorSamples.push(await sample(floorPort, floor.child.pid, scenario, slice, connections));
      }
      rows.push({ scenario, app: summarise(appSamples), floor: summarise(floorSamples) });
    }

    const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
    const lines = [
      `API benchmark: ${counts.users} users, ${counts.transactions} transactions, ${counts.investments} investments, ${counts.assets} assets; ` +
        `autocannon ${connections} connections (analytics 2, timeout 60s), ${rounds} alternating rounds × ${slice}s per implementation (each after 1s warm-up); Node ${process.version}`,
      '',
      `| route | impl | req/s | p50 ms | p95 ms | p95 target | p95 ok | app/floor req/s | ≥0.7× | Node CPU ms/req | PostgreSQL CPU ms/req | failures |`,
      `|---|---|---:|---:|---:|---:|:-:|---:|:-:|---:|---:|---:|`,
    ];
    for (const { scenario, app: a, floor: f } of rows) {
      const ratio = a.rps / f.rps;
      lines.push(
        `| ${scenario.name} | app | ${fmt(a.rps, 0)} | ${fmt(a.p50)} | ${fmt(a.p95)} | ${scenario.targetP95} | ${a.p95 <= scenario.targetP95 ? 'yes' : 'NO'} | ${fmt(ratio, 2)} | ${ratio >= 0.7 ? 'yes' : 'NO'} | ${fmt(a.cpuMsPerRequest, 3)} | ${fmt(a.databaseCpuMsPerRequest, 2)} | ${a.failures} |`,
        `| ${scenario.name} | floor | ${fmt(f.rps, 0)} | ${fmt(f.p50)} | ${fmt(f.p95)} | | | | | ${fmt(f.cpuMsPerRequest, 3)} | ${fmt(f.databaseCpuMsPerRequest, 2)} | ${f.failures} |`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const child of children) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.stdin!.end();
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }
    await server.stop();
    if (flags.clean) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The open-loop run at the users online asked for, then (with --saturation) the search for the highest rate meeting every p95. */
async function openLoopMode(
  url: string,
  usersOnline: number,
  userIds: string[],
  tokens: { user: string[]; admin: string[] },
  counts: Record<string, string>,
) {
  const ratePerUser = Number(flags['rate-per-user']);
  const seconds = Number(flags.duration);
  if (!(ratePerUser > 0) || !(seconds > 0)) throw new Error(`--rate-per-user and --duration must be positive\n${USAGE}`);
  // User u is userIds[u]: the user lookups and histories are each user's own, with their own token.
  const own = (u: number) => u % userIds.length;
  const routes: OpenLoopRoute[] = [
    {
      name: 'GET /api/users/:id',
      share: 0.4,
      targetP95: 25,
      request: (u) => ({ path: `/api/users/${userIds[own(u)]}`, token: tokens.user[own(u)] }),
    },
    {
      name: 'GET /api/users/:id/transactions',
      share: 0.25,
      targetP95: 75,
      request: (u) => ({ path: `/api/users/${userIds[own(u)]}/transactions?limit=20`, token: tokens.user[own(u)] }),
    },
    {
      name: 'GET /api/assets (search)',
      share: 0.25,
      targetP95: 45,
      request: (u, n) => ({ path: `/api/assets?${pick(searches, n)}`, token: tokens.user[own(u)] }),
    },
    {
      name: 'GET /api/assets/analytics',
      share: 0.05,
      targetP95: 200,
      request: () => ({ path: '/api/assets/analytics', token: tokens.admin[0] }),
    },
    {
      name: 'GET /api/admin/dashboard-stats',
      share: 0.05,
      targetP95: 150,
      request: () => ({ path: '/api/admin/dashboard-stats', token: tokens.admin[0] }),
    },
  ];
  const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  const table = (result: OpenLoopResult) => {
    const lines = [
      `| route | offered req/s | served req/s | p50 ms | p95 ms | p99 ms | p95 target | p95 ok | errors |`,
      `|---|---:|---:|---:|---:|---:|---:|:-:|---:|`,
    ];
    for (const r of result.routes) {
      const kinds = Object.entries(r.errorKinds)
        .map(([kind, n]) => `${kind}×${n}`)
        .join(' ');
      lines.push(
        `| ${r.name} | ${fmt(r.offeredRps)} | ${fmt(r.servedRps)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.targetP95} | ${r.p95 <= r.targetP95 ? 'yes' : 'NO'} | ${r.errors}${kinds ? ` (${kinds})` : ''} |`,
      );
    }
    return lines.join('\n');
  };
  const header =
    `API open-loop benchmark: ${counts.users} users, ${counts.transactions} transactions, ${counts.investments} investments, ${counts.assets} assets; ` +
    `Node ${process.version}; mix 40% user lookup, 25% history, 25% asset search, 5% analytics, 5% admin dashboard`;
  process.stdout.write(`${header}\n`);

  log(`open loop: ${usersOnline} users online × ${ratePerUser} req/s for ${seconds}s (3s warm-up)`);
  const main = await runOpenLoop({ url, usersOnline, ratePerUser, seconds, warmupSeconds: 3, routes });
  process.stdout.write(
    `\n${usersOnline} users online × ${ratePerUser} req/s = ${fmt(main.offeredRps, 0)} req/s offered, ${seconds}s measured: ` +
      `${main.meetsTargets ? 'every p95 target met, 0 errors' : 'targets NOT met'}\n\n${table(main)}\n`,
  );
  if (!flags.saturation) return;

  const stepSeconds = Number(flags['saturation-seconds']);
  const steps: OpenLoopResult[] = [];
  const found = await findSaturation(
    (rps) => {
      log(`saturation search: ${rps} req/s offered for ${stepSeconds}s`);
      return runOpenLoop({ url, usersOnline, ratePerUser: rps / usersOnline, seconds: stepSeconds, warmupSeconds: 2, routes });
    },
    main.offeredRps,
    3,
    (result) => steps.push(result),
  );
  const worst = (result: OpenLoopResult) =>
    result.routes
      .filter((r) => r.errors > 0 || r.p95 > r.targetP95)
      .map((r) => `${r.name} p95 ${fmt(r.p95)} ms${r.errors ? `, ${r.errors} errors` : ''}`)
      .join('; ');
  process.stdout.write(
    `\nSaturation search (${usersOnline} users online, ${stepSeconds}s per step, 2s warm-up each):\n\n| offered req/s | served req/s | all p95 met, 0 errors | missed |\n|---:|---:|:-:|---|\n` +
      steps
        .map(
          (s) =>
            `| ${fmt(s.offeredRps, 0)} | ${fmt(
              s.routes.reduce((sum, r) => sum + r.servedRps, 0),
              0,
            )} | ${s.meetsTargets ? 'yes' : 'NO'} | ${worst(s)} |`,
        )
        .join('\n') +
      `\n\nSaturation point: ${found.passRps > 0 ? `${found.passRps} req/s offered` : `below ${main.offeredRps} req/s`}` +
      `${found.failRps ? ` (${found.failRps} req/s missed a target)` : ''}\n`,
  );
  if (found.last) process.stdout.write(`\nAt the saturation point:\n\n${table(found.last)}\n`);
}

/** Creates, migrates, seeds and fills the database unless a complete one of this size is there already. */
async function prepareDatabase(serverUrl: string, databaseUrl: string, database: string, size: Parameters<typeof generateBenchData>[1]) {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [database])).rowCount === 1;
    if (exists && !flags.fresh) {
      const db = new Client({ connectionString: databaseUrl });
      await db.connect();
      const complete = (await db.query(`SELECT 1 FROM pg_tables WHERE tablename = 'bench_complete'`)).rowCount === 1;
      await db.end();
      if (complete) {
        log(`reusing ${database} (pass --fresh to rebuild it); applying any newer migration`);
        await migrateAndSeed(databaseUrl);
        return;
      }
    }
    if (exists && flags.fresh) await admin.query(`DROP DATABASE ${admin.escapeIdentifier(database)} WITH (FORCE)`);
    if (!exists || flags.fresh) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
    else log(`resuming the unfinished ${database}`);
  } finally {
    await admin.end();
  }

  await migrateAndSeed(databaseUrl);

  const db = new Client({ connectionString: databaseUrl });
  db.on('error', (error) => log(`database connection lost: ${error.message}`));
  await db.connect();
  const started = performance.now();
  await generateBenchData(db, size, async (label, work) => {
    const t0 = performance.now();
    await work();
    log(`generated ${label} in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
  });
  await db.query(`CREATE TABLE bench_complete (finished_at timestamptz DEFAULT now())`);
  await db.end();
  log(`data ready in ${((performance.now() - started) / 1000).toFixed(1)}s`);
}

async function migrateAndSeed(databaseUrl: string) {
  const dataSource = createDataSource(loadAppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), databaseUrl, { logging: false });
  await dataSource.initialize();
  const applied = await runMigrationsWithLock(dataSource);
  await seedReferenceData(dataSource);
  // Index-only scans need the visibility map a fresh bulk load or a new index has not got yet.
  if (applied.length > 0) await dataSource.query('VACUUM ANALYZE investments');
  await dataSource.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:api failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
