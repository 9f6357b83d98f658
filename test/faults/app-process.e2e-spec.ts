import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { Client } from 'pg';
import { randomPhone } from '../utils/auth';
import { checkInvestmentBooks, invest, Outcome, settleInvestments, timedFetch, unexpectedOutcomes } from '../utils/fault-load';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { freePort } from '../utils/postgres-process';
import { exited, sleep } from '../utils/processes';

const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'src', 'main.js');
const JWT_SECRET = randomBytes(32).toString('hex');

/** The real app as production runs it (`node dist/src/main.js`, embedded PostgreSQL), killed and stopped for real. */
describe('Faults: the app process is stopped (SIGTERM) or killed (SIGKILL) under load', () => {
  runAloneAmongHeavyTests();

  let dir: string;
  let port: number;
  let pgPort: number;
  let app: ChildProcess | undefined;
  let output = '';
  let databaseUrl: string;
  let assetId: string;
  let investor: { id: string; token: string };
  const baseUrl = () => `http://127.0.0.1:${port}`;

  function spawnApp(httpPort = port): ChildProcess {
    return spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(httpPort),
        EMBEDDED_PG_PORT: String(pgPort),
        EMBEDDED_PG_DATA_DIR: path.join(dir, 'pg'),
        BACKUP_DIR: path.join(dir, 'backups'),
        BACKUP_ENABLED: 'false',
        JWT_SECRET,
        LOG_LEVEL: 'warn',
        // Every usage-log row waits in memory until shutdown: the drain is what is tested.
        API_USAGE_FLUSH_MS: '600000',
        API_USAGE_BATCH_SIZE: '100000',
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  async function startApp(): Promise<void> {
    const child = spawnApp();
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    app = child;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}: ${output.slice(-2000)}`);
      if ((await timedFetch('live', `${baseUrl()}/api/health/live`, {}, 2_000)).status === 200) return;
      await sleep(250);
    }
    throw new Error(`the app did not start within 60 s: ${output.slice(-2000)}`);
  }

  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Workers investing (and reading) until `stop` resolves or the app stops answering. */
  async function load(workers: number, stop: Promise<void>): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    let stopped = false;
    void stop.then(() => (stopped = true));
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        for (let i = 0; !stopped; i++) {
          const o =
            (i + w) % 3 === 0
              ? await timedFetch('read', `${baseUrl()}/api/assets/${assetId}`, { headers: { Authorization: `Bearer ${investor.token}` } })
              : await invest(baseUrl(), investor.token, assetId);
          outcomes.push(o);
          if (o.status === 0) await sleep(50);
        }
      }),
    );
    return outcomes;
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-app-fault-'));
    fs.chmodSync(dir, 0o755);
    port = await freePort();
    pgPort = await freePort();
    await startApp();
    const credentials = JSON.parse(fs.readFileSync(path.join(dir, 'pg.credentials.json'), 'utf8')) as { user: string; password: string };
    databaseUrl = `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@localhost:${pgPort}/pend`;
    const phone = randomPhone();
    const [user] = await query<{ id: string }>(
      `INSERT INTO users (phone_e164, phone_hash, blockchain_address, tier_id)
       VALUES ($1, $2, $3, (SELECT id FROM user_tiers WHERE name = 'gold')) RETURNING id`,
      [phone, createHash('sha256').update(phone).digest('hex'), `0x${randomBytes(20).toString('hex')}`],
    );
    await query(
      `INSERT INTO kyc_applications (user_id, status, level, submitted_at, reviewed_at) VALUES ($1, 'approved', 1, now(), now())`,
      [user.id],
    );
    const [asset] = await query<{ id: string }>(
      `INSERT INTO assets (name, category, status, target_amount, min_investment) VALUES ('Fault test', 'real_estate', 'open', '5000', '10') RETURNING id`,
    );
    assetId = asset.id;
    const token = await new JwtService({ secret: JWT_SECRET }).signAsync({ sub: user.id, kind: 'user' }, { expiresIn: 900 });
    investor = { id: user.id, token };
  }, 120_000);

  afterAll(async () => {
    if (app && app.exitCode === null) {
      app.kill('SIGTERM');
      await exited(app);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('SIGTERM under load: in-flight requests are answered, and every answered request is in api_usage_logs', async () => {
    const before = (await query<{ n: number }>('SELECT count(*)::int AS n FROM api_usage_logs'))[0].n;
    let release!: () => void;
    const running = load(6, new Promise<void>((resolve) => (release = resolve)));
    await sleep(1_500);
    app!.kill('SIGTERM');
    const code = await exited(app!);
    release();
    const outcomes = await running;
    expect(code).toBe(0);
    expect(unexpectedOutcomes(outcomes.filter((o) => o.status !== 0))).toEqual([]);
    const answered = outcomes.filter((o) => o.status !== 0).length;

    await startApp();
    const after = (await query<{ n: number }>('SELECT count(*)::int AS n FROM api_usage_logs'))[0].n;
    console.log(`SIGTERM under load: ${answered} requests answered, ${after - before} api_usage_logs rows written`);
    expect(answered).toBeGreaterThan(20);
    expect(after - before).toBeGreaterThanOrEqual(answered);
  }, 120_000);

  it('SIGKILL in the middle of an investment burst: the next start stops the orphaned PostgreSQL, and the books add up', async () => {
    const before = (await query<{ n: number }>('SELECT count(*)::int AS n FROM investments WHERE user_id = $1', [investor.id]))[0].n;
    let release!: () => void;
    const running = load(6, new Promise<void>((resolve) => (release = resolve)));
    await sleep(1_500);
    app!.kill('SIGKILL');
    await exited(app!);
    await sleep(500);
    release();
    const outcomes = await running;
    // The app's embedded PostgreSQL outlived it.
    const postmaster = Number(fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(() => process.kill(postmaster, 0)).not.toThrow();

    await startApp();
    expect(output).toContain('left running by process');
    expect(unexpectedOutcomes(outcomes.filter((o) => o.status !== 0))).toEqual([]);
    const settled = await settleInvestments(baseUrl(), investor.token, outcomes, assetId);
    expect(unexpectedOutcomes(settled)).toEqual([]);
    const acknowledged = [...outcomes, ...settled].filter((o) => o.kind === 'invest' && o.status === 201);
    const unique = [...new Map(acknowledged.map((o) => [String(o.body?.id), { id: String(o.body?.id) }])).values()];
    const books = await checkInvestmentBooks(databaseUrl, unique, investor.id);
    console.log(
      `SIGKILL: ${outcomes.length} requests, ${unique.length} investments acknowledged, ${books.investments - before} new in the database`,
    );
    expect(books.missing).toEqual([]);
    expect(books.assetsAboveTarget).toBe(0);
    // Each one committed while the process died is returned to the retry with its key, not placed twice.
    expect(books.investments - before).toBe(unique.length);
  }, 120_000);

  it('a second app on the same data folder leaves the running server alone: the owner is alive', async () => {
    const second = spawnApp(await freePort());
    let secondOutput = '';
    second.stderr!.on('data', (chunk: Buffer) => (secondOutput += chunk.toString()));
    second.stdout!.on('data', (chunk: Buffer) => (secondOutput += chunk.toString()));
    expect(await exited(second)).not.toBe(0);
    expect(secondOutput).toContain(`started by process ${app!.pid}, which is still running`);
    expect(
      (await timedFetch('read', `${baseUrl()}/api/assets/${assetId}`, { headers: { Authorization: `Bearer ${investor.token}` } })).status,
    ).toBe(200);
  }, 60_000);
  it('the embedded postmaster killed (kill -9) while the app serves: 503 database_unavailable meanwhile, restarted by the app, logged once each way', async () => {
    const pidFile = path.join(dir, 'pg', 'postmaster.pid');
    const killed = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    const before = (await query<{ n: number }>('SELECT count(*)::int AS n FROM investments WHERE user_id = $1', [investor.id]))[0].n;
    const logFrom = output.length;
    let release!: () => void;
    const running = load(4, new Promise<void>((resolve) => (release = resolve)));
    await sleep(1_000);
    const killedAt = Date.now();
    process.kill(killed, 'SIGKILL');

    // The app starts a new postmaster by itself and answers again.
    let recoveredMs = -1;
    while (Date.now() - killedAt < 60_000) {
      const probe = await timedFetch('probe', `${baseUrl()}/api/assets/${assetId}`, {
        headers: { Authorization: `Bearer ${investor.token}` },
      });
      if (probe.status === 200 && Date.now() - killedAt > 200) {
        recoveredMs = Date.now() - killedAt;
        break;
      }
      await sleep(200);
    }
    await sleep(500);
    release();
    const outcomes = await running;
    const unavailable = outcomes.filter((o) => o.status === 503);
    console.log(
      `postmaster killed: ${outcomes.length} requests, ${unavailable.length} × 503, answering again ${recoveredMs} ms after the kill, ` +
        `slowest ${Math.max(...outcomes.map((o) => o.ms))} ms`,
    );
    expect(recoveredMs).toBeGreaterThan(0);
    expect(app!.exitCode).toBeNull();
    const restarted = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    expect(restarted).not.toBe(killed);
    expect(() => process.kill(restarted, 0)).not.toThrow();
    // The new server is the app's: the owner record names the app and the new postmaster.
    const owner = JSON.parse(fs.readFileSync(path.join(dir, 'pg.owner.json'), 'utf8')) as { ownerPid: number; postmasterPid: number };
    expect(owner).toMatchObject({ ownerPid: app!.pid, postmasterPid: restarted });

    // Every answer was a 2xx/4xx or a quick 503 database_unavailable with Retry-After; none hung, none was a 500.
    expect(outcomes.filter((o) => o.status === 0)).toEqual([]);
    expect(unexpectedOutcomes(outcomes)).toEqual([]);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const o of unavailable) {
      expect(o.body).toMatchObject({ statusCode: 503, code: 'database_unavailable' });
      expect(Number(o.retryAfter)).toBeGreaterThan(0);
    }
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(10_000);

    // One line when it died, one when it ran again; no stack traces.
    const log = output.slice(logFrom);
    expect(log.match(/exited unexpectedly/g)).toHaveLength(1);
    expect(log.match(/Embedded PostgreSQL restarted/g)).toHaveLength(1);
    expect(log).not.toContain('    at ');

    // The books add up across the crash: each investment committed before its answer was lost is returned to the retry.
    const settled = await settleInvestments(baseUrl(), investor.token, outcomes, assetId);
    expect(unexpectedOutcomes(settled)).toEqual([]);
    const acknowledged = [...outcomes, ...settled].filter((o) => o.kind === 'invest' && o.status === 201);
    const unique = [...new Map(acknowledged.map((o) => [String(o.body?.id), { id: String(o.body?.id) }])).values()];
    const books = await checkInvestmentBooks(databaseUrl, unique, investor.id);
    expect(books.missing).toEqual([]);
    expect(books.assetsAboveTarget).toBe(0);
    expect(books.investments - before).toBe(unique.length);
  }, 120_000);
});
