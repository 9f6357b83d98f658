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
// The tests' helpers start the real PgBouncer and the real streaming standby the same way here.
import { PgBouncerProcess, startPgBouncer } from '../test/utils/pgbouncer';
import { Standby, startStandby } from '../test/utils/standby';

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
  [--via direct,pgbouncer,replica,floor]
  open loop: --users-online 1000 [--rate-per-user 1] [--duration 20] [--runs 1] [--saturation] [--saturation-seconds 8]
The generated database is kept in --data-dir and reused by the next run of the same size (--fresh rebuilds it, --clean deletes it after).
--via: what is measured, side by side (ports --port, +1, +2, +3): direct = the app on the primary; pgbouncer = the app through a
real PgBouncer in transaction mode (DB_PREPARED_STATEMENTS=false, DATABASE_DIRECT_URL for session work); replica = the app with
DATABASE_REPLICA_URLS on a streaming standby made with pg_basebackup -R; floor = node:http + pg running the same SQL.
Default: direct,floor (closed loop), direct (open loop).
Open loop: each user online sends --rate-per-user requests a second on a fixed schedule, answered or not (mix: 40% user
lookup, 25% history, 25% asset search, 5% analytics, 5% admin dashboard); latency counts from each scheduled send time.
--runs N repeats the open-loop measurement (each --via in turn per run) and prints each run and the median per route.
--saturation then searches, per --via, the highest offered rate at which every route meets its p95 target with no errors.`;

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
    runs: { type: 'string', default: '1' },
    via: { type: 'string' },
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
  /** PgBouncer CPU per answered request, ms (NaN without one). */
  bouncerCpuMsPerRequest: number;
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

/** The postmasters whose processes count as the database's CPU: the bench's server and its standby (set at start). */
const postmasters: number[] = [];

/** The postmaster's pid from a data directory's postmaster.pid. */
function postmasterPid(dataDir: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by each process of the bench's PostgreSQL servers (the postmasters and their children):
 * other servers on the machine (another engineer's tests) are not counted.
 */
function postgresCpuSeconds(): Map<string, number> {
  const used = new Map<string, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.split(') ')[1].split(' ');
      if (!postmasters.includes(Number(entry)) && !postmasters.includes(Number(fields[1]))) continue; // fields[1]: ppid
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
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; lines: AsyncIterator<string> }> {
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to both servers' node: profiles to compare.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, SERVERS, mode, databaseUrl, String(port)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
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
  /** CPU seconds PgBouncer spent during the measured run (NaN without one). */
  bouncerCpu: number;
}

/** One autocannon run after a short warm-up; latencies of 2xx answers only. */
async function sample(target: Target, scenario: Scenario, duration: number, connections: number): Promise<Sample> {
  const { port } = target;
  const pid = target.child.pid;
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
  const bouncerCpuBefore = target.bouncer ? cpuSeconds(target.bouncer.pid) : NaN;
  const result = await run(duration, true);
  const serverCpu = cpuSeconds(pid) - cpuBefore;
  const databaseCpu = postgresCpuSpent(databaseCpuBefore, postgresCpuSeconds());
  const bouncerCpu = target.bouncer ? cpuSeconds(target.bouncer.pid) - bouncerCpuBefore : NaN;
  return {
    latencies,
    seconds: result.duration,
    failures: result.non2xx + result.errors + result.timeouts,
    serverCpu,
    databaseCpu,
    bouncerCpu,
  };
}

function summarise(samples: Sample[]): Measurement {
  const sorted = Float64Array.from(samples.flatMap((s) => s.latencies)).sort();
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  const cpu = samples.reduce((sum, s) => sum + s.serverCpu, 0);
  const databaseCpu = samples.reduce((sum, s) => sum + s.databaseCpu, 0);
  const bouncerCpu = samples.reduce((sum, s) => sum + s.bouncerCpu, 0);
  return {
    cpuMsPerRequest: (cpu * 1000) / Math.max(1, sorted.length),
    databaseCpuMsPerRequest: (databaseCpu * 1000) / Math.max(1, sorted.length),
    bouncerCpuMsPerRequest: (bouncerCpu * 1000) / Math.max(1, sorted.length),
    rps: sorted.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    requests: sorted.length,
    failures: samples.reduce((sum, s) => sum + s.failures, 0),
  };
}

type Via = 'direct' | 'pgbouncer' | 'replica' | 'floor';
const VIAS: Via[] = ['direct', 'pgbouncer', 'replica', 'floor'];
/** --port + this: the app and the floor where they always were, then the others. */
const PORT_OFFSET: Record<Via, number> = { direct: 0, floor: 1, pgbouncer: 2, replica: 3 };
const VIA_LABEL: Record<Via, string> = { direct: 'app direct', pgbouncer: 'app pgbouncer', replica: 'app replica', floor: 'floor' };

/** One server measured: the app on one database path, or the floor. */
interface Target {
  via: Via;
  url: string;
  port: number;
  child: ChildProcess;
  lines: AsyncIterator<string>;
  /** The PgBouncer in front of the app (via pgbouncer), for its CPU. */
  bouncer?: PgBouncerProcess;
  /** The standby the app reads from (via replica), for the transactions it served. */
  standby?: Standby;
}

function parseVia(open: boolean): Via[] {
  const text = flags.via ?? (open ? 'direct' : 'direct,floor');
  const list = text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  for (const via of list)
    if (!VIAS.includes(via as Via)) throw new Error(`--via: unknown ${JSON.stringify(via)} (one or more of ${VIAS.join(',')})\n${USAGE}`);
  if (list.length === 0 || new Set(list).size !== list.length) throw new Error(`--via: each of ${VIAS.join(',')} at most once\n${USAGE}`);
  return list as Via[];
}

/** Transactions a server has committed or rolled back in its database (pg_stat_database). */
async function transactionCount(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = current_database()`,
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

const median = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

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
  const runs = Number(flags.runs);
  for (const [name, value] of Object.entries({ ...size, duration, connections, appPort })) {
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number\n${USAGE}`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1\n${USAGE}`);
  const usersOnline = flags['users-online'] === undefined ? 0 : Number(flags['users-online']);
  if (!Number.isInteger(usersOnline) || usersOnline < 0) throw new Error(`--users-online must be a whole number\n${USAGE}`);
  const vias = parseVia(usersOnline > 0);

  fs.mkdirSync(dataDir, { recursive: true });
  fs.chmodSync(dataDir, 0o755);
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'data'),
    port: Number(flags['pg-port']),
    database: 'postgres',
    stopOnSignals: false,
  });
  const primaryPostmaster = postmasterPid(path.join(dataDir, 'data'));
  if (primaryPostmaster) postmasters.push(primaryPostmaster);
  const targets: Target[] = [];
  let bouncer: PgBouncerProcess | undefined;
  let standby: Standby | undefined;
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
    if (vias.includes('pgbouncer')) {
      // Behind a transaction pooler the timeouts cannot be startup parameters: the role carries them (the app's defaults).
      const name = db.escapeIdentifier(database);
      await db.query(`ALTER ROLE CURRENT_USER IN DATABASE ${name} SET statement_timeout = '4s'`);
      await db.query(`ALTER ROLE CURRENT_USER IN DATABASE ${name} SET lock_timeout = '2s'`);
    }
    await db.end();

    const poolMax = Number(process.env.DB_POOL_MAX ?? 20);
    for (const via of vias) {
      const port = appPort + PORT_OFFSET[via];
      if (via === 'pgbouncer') {
        // As many server connections as the app's pool: the pooler's own cost, not a smaller pool.
        bouncer = await startPgBouncer(databaseUrl, { poolSize: poolMax });
        log(`PgBouncer (transaction pooling, pool ${poolMax}) on ${bouncer.port}`);
      }
      if (via === 'replica') {
        const started = performance.now();
        log('making a streaming standby (pg_basebackup -R, pg_ctl -w)');
        standby = await startStandby(databaseUrl);
        await standby.caughtUp(databaseUrl, 120_000);
        const standbyPostmaster = postmasterPid(standby.dataDir);
        if (standbyPostmaster) postmasters.push(standbyPostmaster);
        log(`standby on ${standby.port}, caught up, in ${((performance.now() - started) / 1000).toFixed(1)}s`);
      }
      log(`starting ${VIA_LABEL[via]} on ${port}`);
      const spawned =
        via === 'floor'
          ? await spawnServer('floor', databaseUrl, port)
          : via === 'pgbouncer'
            ? await spawnServer('app', bouncer!.url, port, { DATABASE_DIRECT_URL: databaseUrl, DB_PREPARED_STATEMENTS: 'false' })
            : via === 'replica'
              ? await spawnServer('app', databaseUrl, port, { DATABASE_REPLICA_URLS: standby!.url })
              : await spawnServer('app', databaseUrl, port);
      targets.push({
        via,
        url: `http://127.0.0.1:${port}`,
        port,
        ...spawned,
        bouncer: via === 'pgbouncer' ? bouncer : undefined,
        standby: via === 'replica' ? standby : undefined,
      });
    }
    // Every app signs tokens with the same secret: the first app mints them for all (the floor checks none).
    const minter = targets.find((t) => t.via !== 'floor');
    let tokens: { user: string[]; admin: string[] } = { user: sampleUsers.map(() => ''), admin: [''] };
    if (minter) {
      minter.child.stdin!.write(`${JSON.stringify({ tokens: { user: sampleUsers, admin: [analyst.id] } })}\n`);
      tokens = (JSON.parse((await minter.lines.next()).value) as { tokens: typeof tokens }).tokens;
    }

    if (usersOnline > 0) {
      await openLoopMode(targets, usersOnline, runs, sampleUsers, tokens, counts);
      return;
    }

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

    const rows: { scenario: Scenario; measured: Map<Via, Measurement> }[] = [];
    // The targets take turns (rounds × duration/rounds seconds each), so load that drifts on a
    // shared machine hits all alike instead of whichever ran last.
    const rounds = Math.max(1, Number(flags.rounds));
    const slice = Math.max(1, Math.round(duration / rounds));
    // --only takes the scenario named exactly ("GET /api/users/:id" alone, not its /transactions too), else those containing the text.
    const exact = scenarios.filter((s) => s.name === flags.only);
    const chosen = !flags.only ? scenarios : exact.length > 0 ? exact : scenarios.filter((s) => s.name.includes(flags.only!));
    for (const scenario of chosen) {
      const samples = new Map<Via, Sample[]>(targets.map((t) => [t.via, []]));
      for (let round = 1; round <= rounds; round++) {
        log(`${scenario.name}: round ${round}/${rounds}`);
        for (const target of targets) samples.get(target.via)!.push(await sample(target, scenario, slice, connections));
      }
      rows.push({ scenario, measured: new Map(targets.map((t) => [t.via, summarise(samples.get(t.via)!)])) });
    }

    // req/s against the floor when it ran (the ≥ 0.7× goal), else against the first target.
    const reference: Via = vias.includes('floor') ? 'floor' : vias[0];
    const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
    const lines = [
      `API benchmark: ${counts.users} users, ${counts.transactions} transactions, ${counts.investments} investments, ${counts.assets} assets; ` +
        `autocannon ${connections} connections (analytics 2, timeout 60s), ${rounds} alternating rounds × ${slice}s per target (each after 1s warm-up); ` +
        `targets: ${vias.map((v) => VIA_LABEL[v]).join(', ')}; Node ${process.version}`,
      '',
      `| route | target | req/s | p50 ms | p95 ms | p95 target | p95 ok | req/s ÷ ${VIA_LABEL[reference]} |${reference === 'floor' ? ' ≥0.7× |' : ''} Node CPU ms/req | PostgreSQL CPU ms/req | PgBouncer CPU ms/req | failures |`,
      `|---|---|---:|---:|---:|---:|:-:|---:|${reference === 'floor' ? ':-:|' : ''}---:|---:|---:|---:|`,
    ];
    for (const { scenario, measured } of rows) {
      const ref = measured.get(reference)!;
      for (const via of vias) {
        const m = measured.get(via)!;
        const ratio = m.rps / ref.rps;
        const isApp = via !== 'floor';
        lines.push(
          `| ${scenario.name} | ${VIA_LABEL[via]} | ${fmt(m.rps, 0)} | ${fmt(m.p50)} | ${fmt(m.p95)} | ${isApp ? scenario.targetP95 : ''} | ${isApp ? (m.p95 <= scenario.targetP95 ? 'yes' : 'NO') : ''} | ` +
            `${via === reference ? '' : fmt(ratio, 2)} |${reference === 'floor' ? ` ${via === reference ? '' : ratio >= 0.7 ? 'yes' : 'NO'} |` : ''} ` +
            `${fmt(m.cpuMsPerRequest, 3)} | ${fmt(m.databaseCpuMsPerRequest, 2)} | ${fmt(m.bouncerCpuMsPerRequest, 3)} | ${m.failures} |`,
        );
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const { child } of targets) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.stdin!.end();
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }
    await bouncer?.stop();
    await standby?.stop();
    await server.stop();
    if (flags.clean) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface OpenLoopMeasured {
  via: Via;
  result: OpenLoopResult;
  /** Transactions the standby served during the measurement and its warm-up (via replica). */
  standbyTransactions?: Promise<number>;
  /** Requests sent during the measurement and its warm-up. */
  sent: number;
}

/**
 * The open-loop runs at the users online asked for (each --via in turn per run, --runs times), the median per
 * route, then (with --saturation) per --via the search for the highest rate meeting every p95.
 */
async function openLoopMode(
  targets: Target[],
  usersOnline: number,
  runs: number,
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
  const errorText = (r: OpenLoopResult['routes'][number]) => {
    const kinds = Object.entries(r.errorKinds)
      .map(([kind, n]) => `${kind}×${n}`)
      .join(' ');
    return `${r.errors}${kinds ? ` (${kinds})` : ''}`;
  };
  const table = (measured: { via: Via; result: OpenLoopResult }[]) => {
    const lines = [
      `| route | target | offered req/s | served req/s | p50 ms | p95 ms | p99 ms | p95 target | p95 ok | errors |`,
      `|---|---|---:|---:|---:|---:|---:|---:|:-:|---:|`,
    ];
    routes.forEach((route, i) => {
      for (const { via, result } of measured) {
        const r = result.routes[i];
        lines.push(
          `| ${route.name} | ${VIA_LABEL[via]} | ${fmt(r.offeredRps)} | ${fmt(r.servedRps)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.targetP95} | ${r.p95 <= r.targetP95 ? 'yes' : 'NO'} | ${errorText(r)} |`,
        );
      }
    });
    return lines.join('\n');
  };
  const header =
    `API open-loop benchmark: ${counts.users} users, ${counts.transactions} transactions, ${counts.investments} investments, ${counts.assets} assets; ` +
    `Node ${process.version}; mix 40% user lookup, 25% history, 25% asset search, 5% analytics, 5% admin dashboard; ` +
    `targets: ${targets.map((t) => VIA_LABEL[t.via]).join(', ')}`;
  process.stdout.write(`${header}\n`);

  const warmupSeconds = 3;
  const allRuns: OpenLoopMeasured[][] = [];
  for (let run = 1; run <= runs; run++) {
    const measured: OpenLoopMeasured[] = [];
    for (const target of targets) {
      log(`run ${run}/${runs}, ${VIA_LABEL[target.via]}: ${usersOnline} users online × ${ratePerUser} req/s for ${seconds}s (3s warm-up)`);
      const before = target.standby ? await transactionCount(target.standby.url) : 0;
      const result = await runOpenLoop({ url: target.url, usersOnline, ratePerUser, seconds, warmupSeconds, routes });
      const sent = Math.round((warmupSeconds + seconds) * usersOnline * ratePerUser);
      // An idle backend reports its counts within PostgreSQL's 10 s stats interval: read them later, while the next target runs.
      const standbyTransactions = target.standby
        ? new Promise<void>((resolve) => setTimeout(resolve, 11_000)).then(
            async () => (await transactionCount(target.standby!.url)) - before - 1, // our own reading counts one
          )
        : undefined;
      measured.push({ via: target.via, result, sent, standbyTransactions });
    }
    allRuns.push(measured);
    const verdicts = measured
      .map(({ via, result }) => `${VIA_LABEL[via]}: ${result.meetsTargets ? 'every p95 target met, 0 errors' : 'targets NOT met'}`)
      .join('; ');
    process.stdout.write(
      `\nRun ${run}/${runs}: ${usersOnline} users online × ${ratePerUser} req/s = ${fmt(usersOnline * ratePerUser, 0)} req/s offered, ${seconds}s measured per target. ${verdicts}\n\n${table(measured)}\n`,
    );
    for (const m of measured) {
      if (m.standbyTransactions === undefined) continue;
      process.stdout.write(
        `\nStandby (via replica): ${await m.standbyTransactions} transactions served (pg_stat_database on the standby) while the app got ${m.sent} requests (${warmupSeconds}s warm-up + ${seconds}s)\n`,
      );
    }
  }

  if (runs > 1) {
    const lines = [
      `| route | target | served req/s | p50 ms | p95 ms | p99 ms | p95 target | runs with p95 ok | errors (all runs) |`,
      `|---|---|---:|---:|---:|---:|---:|:-:|---:|`,
    ];
    routes.forEach((route, i) => {
      for (const target of targets) {
        const per = allRuns.map((measured) => measured.find((m) => m.via === target.via)!.result.routes[i]);
        const ok = per.filter((r) => r.p95 <= r.targetP95).length;
        lines.push(
          `| ${route.name} | ${VIA_LABEL[target.via]} | ${fmt(median(per.map((r) => r.servedRps)))} | ${fmt(median(per.map((r) => r.p50)))} | ` +
            `${fmt(median(per.map((r) => r.p95)))} | ${fmt(median(per.map((r) => r.p99)))} | ${route.targetP95} | ${ok}/${runs} | ${per.reduce((n, r) => n + r.errors, 0)} |`,
        );
      }
    });
    process.stdout.write(`\nMedian of ${runs} runs per route:\n\n${lines.join('\n')}\n`);
  }
  if (!flags.saturation) return;

  const stepSeconds = Number(flags['saturation-seconds']);
  const offered = usersOnline * ratePerUser;
  for (const target of targets) {
    const steps: OpenLoopResult[] = [];
    const found = await findSaturation(
      (rps) => {
        log(`saturation search, ${VIA_LABEL[target.via]}: ${rps} req/s offered for ${stepSeconds}s`);
        return runOpenLoop({
          url: target.url,
          usersOnline,
          ratePerUser: rps / usersOnline,
          seconds: stepSeconds,
          warmupSeconds: 2,
          routes,
        });
      },
      offered,
      3,
      (result) => steps.push(result),
    );
    const worst = (result: OpenLoopResult) =>
      result.routes
        .filter((r) => r.errors > 0 || r.p95 > r.targetP95)
        .map((r) => `${r.name} p95 ${fmt(r.p95)} ms${r.errors ? `, ${r.errors} errors` : ''}`)
        .join('; ');
    process.stdout.write(
      `\nSaturation search, ${VIA_LABEL[target.via]} (${usersOnline} users online, ${stepSeconds}s per step, 2s warm-up each):\n\n| offered req/s | served req/s | all p95 met, 0 errors | missed |\n|---:|---:|:-:|---|\n` +
        steps
          .map(
            (s) =>
              `| ${fmt(s.offeredRps, 0)} | ${fmt(
                s.routes.reduce((sum, r) => sum + r.servedRps, 0),
                0,
              )} | ${s.meetsTargets ? 'yes' : 'NO'} | ${worst(s)} |`,
          )
          .join('\n') +
        `\n\nSaturation point, ${VIA_LABEL[target.via]}: ${found.passRps > 0 ? `${found.passRps} req/s offered` : `below ${offered} req/s`}` +
        `${found.failRps ? ` (${found.failRps} req/s missed a target)` : ''}\n`,
    );
    if (found.last) process.stdout.write(`\nAt the saturation point:\n\n${table([{ via: target.via, result: found.last }])}\n`);
  }
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
