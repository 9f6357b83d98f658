import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { Client } from 'pg';
import { privateKeyToAccount, generatePrivateKey } from 'viem/accounts';
import { randomPhone } from '../utils/auth';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { freePort } from '../utils/postgres-process';
import { alive, childPids, exited, sleep } from '../utils/processes';

const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'src', 'main.js');
const JWT_SECRET = randomBytes(32).toString('hex');

interface Answer {
  status: number;
  body: string;
  /** The worker process holding the server side of the request's connection (from /proc). */
  pid: number;
}

/** The inode of the server-side TCP socket whose peer is 127.0.0.1:`clientPort` and whose own port is `serverPort`. */
function serverSocketInode(serverPort: number, clientPort: number): string | undefined {
  const hexPort = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      if (fields[1].endsWith(`:${hexPort(serverPort)}`) && fields[2].endsWith(`:${hexPort(clientPort)}`)) return fields[9];
    }
  }
  return undefined;
}

/** Which of `pids` has the socket open. */
function pidsHoldingSocket(inode: string, pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
}

/**
 * CLUSTER_WORKERS=2 as production runs it (`node dist/src/main.js`, embedded PostgreSQL in a throwaway folder):
 * one primary, two worker processes on one port; which worker answered is read from the process table
 * (/proc: the worker holding the connection's socket), never from anything the API sends.
 */
describe('CLUSTER_WORKERS=2: real worker processes behind one port', () => {
  runAloneAmongHeavyTests();

  let dir: string;
  let port: number;
  let pgPort: number;
  let metricsPort: number;
  let app: ChildProcess | undefined;
  let output = '';
  let databaseUrl: string;
  let assetId: string;
  let investor: { id: string; token: string };
  let admin: { id: string; token: string };
  let workers: number[] = [];

  const messages = (from = 0) =>
    output
      .slice(from)
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { message?: string }).message ?? '');
  const workerPids = (from = 0) =>
    messages(from).flatMap((m) => {
      const match = /^Worker \d+ \(pid (\d+)\) listening$|^Worker \d+ replaced \(pid (\d+)\)/.exec(m);
      return match ? [Number(match[1] ?? match[2])] : [];
    });

  async function startApp(): Promise<void> {
    const from = output.length;
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        CLUSTER_WORKERS: '2',
        HOST: '127.0.0.1',
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        EMBEDDED_PG_PORT: String(pgPort),
        EMBEDDED_PG_DATA_DIR: path.join(dir, 'pg'),
        BACKUP_DIR: path.join(dir, 'backups'),
        BACKUP_ENABLED: 'false',
        WAL_ARCHIVE_ENABLED: 'false',
        JWT_SECRET,
        LOG_LEVEL: 'info',
        SIWE_NONCE_RATE_PER_MINUTE: '6',
        // Every usage-log row waits in its worker's memory until shutdown: the drain is what is tested.
        API_USAGE_FLUSH_MS: '600000',
        API_USAGE_BATCH_SIZE: '100000',
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    app = child;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}: ${output.slice(-3000)}`);
      if (messages(from).some((m) => m.includes('with 2 workers'))) {
        workers = workerPids(from);
        return;
      }
      await sleep(200);
    }
    throw new Error(`the cluster did not start within 90 s: ${output.slice(-3000)}`);
  }

  /** One request on a connection of its own; the answering worker found while the connection is still open. */
  function send(method: string, urlPath: string, token?: string, body?: unknown): Promise<Answer> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: urlPath,
          agent,
          timeout: 15_000,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => {
            const inode = serverSocketInode(port, req.socket!.localPort!);
            const holders = inode ? pidsHoldingSocket(inode, childPids(app!.pid!)) : [];
            agent.destroy();
            resolve({ status: res.statusCode ?? 0, body: text, pid: holders.length === 1 ? holders[0] : -1 });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) => {
        agent.destroy();
        reject(error);
      });
      req.end(payload);
    });
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

  async function insertInvestor(): Promise<{ id: string; token: string }> {
    const phone = randomPhone();
    const [user] = await query<{ id: string }>(
      `INSERT INTO users (phone_e164, phone_hash, blockchain_address, tier_id)
       VALUES ($1, $2, $3, (SELECT id FROM user_tiers WHERE name = 'gold')) RETURNING id`,
      [phone, createHash('sha256').update(phone).digest('hex'), `0x${randomBytes(20).toString('hex')}`],
    );
    const token = await new JwtService({ secret: JWT_SECRET }).signAsync({ sub: user.id, kind: 'user' }, { expiresIn: 900 });
    return { id: user.id, token };
  }

  const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  /** The sum of a metric's samples in a scrape (every label set). */
  const total = (text: string, name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-cluster-'));
    fs.chmodSync(dir, 0o755);
    port = await freePort();
    pgPort = await freePort();
    metricsPort = await freePort();
    await startApp();
    const credentials = JSON.parse(fs.readFileSync(path.join(dir, 'pg.credentials.json'), 'utf8')) as { user: string; password: string };
    databaseUrl = `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@localhost:${pgPort}/pend`;
    investor = await insertInvestor();
    const [row] = await query<{ id: string }>(
      `INSERT INTO admin_users (email, name, role, active) VALUES ('cluster@pend.test', 'Cluster test', 'superadmin', true) RETURNING id`,
    );
    admin = {
      id: row.id,
      token: await new JwtService({ secret: JWT_SECRET }).signAsync({ sub: row.id, kind: 'admin' }, { expiresIn: 900 }),
    };
    const [asset] = await query<{ id: string }>(
      `INSERT INTO assets (name, category, status, target_amount, min_investment) VALUES ('Cluster test', 'real_estate', 'open', '5000', '10') RETURNING id`,
    );
    assetId = asset.id;
  }, 180_000);

  afterAll(async () => {
    if (app && app.exitCode === null) {
      app.kill('SIGTERM');
      await exited(app);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it('one primary forks two workers, the migrations ran once, and answers come from both worker pids', async () => {
    expect(workers).toHaveLength(2);
    expect(new Set(workers).size).toBe(2);
    const children = childPids(app!.pid!);
    for (const pid of workers) expect(children).toContain(pid);
    expect(messages().filter((m) => /^Applied \d+ migration/.test(m))).toHaveLength(1);

    const answers: Answer[] = [];
    for (let i = 0; i < 6; i++) answers.push(await send('GET', `/api/assets/${assetId}`, investor.token));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.pid))).toEqual(new Set(workers));
  });

  it('/metrics on METRICS_PORT adds up every worker: the request counter grows by exactly the requests sent', async () => {
    const name = 'pend_http_request_duration_seconds_count';
    const before = total(await scrape(), name);
    const pids = new Set<number>();
    for (let i = 0; i < 10; i++) pids.add((await send('GET', `/api/assets/${assetId}`, investor.token)).pid);
    expect(pids).toEqual(new Set(workers));
    const text = await scrape();
    expect(total(text, name) - before).toBe(10);
    // A gauge of shared state is one value, not one per worker summed.
    expect(text).toMatch(/^pend_database_up 1$/m);
  });

  it('the sign-in nonce rate limit counts across workers through the one port', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 10; i++) {
      answers.push(await send('POST', '/api/auth/nonce', undefined, { address: privateKeyToAccount(generatePrivateKey()).address }));
    }
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201, 429, 429, 429, 429]);
    expect(new Set(answers.map((a) => a.pid))).toEqual(new Set(workers));
  });

  it('token revocation: an investor suspended through one worker is refused by both at once', async () => {
    const suspended = await insertInvestor();
    const before = [await send('GET', '/api/users/me', suspended.token), await send('GET', '/api/users/me', suspended.token)];
    expect(before.map((a) => a.status)).toEqual([200, 200]);
    expect(new Set(before.map((a) => a.pid))).toEqual(new Set(workers));
    const patched = await send('PATCH', `/api/admin/users/${suspended.id}/status`, admin.token, {
      status: 'suspended',
      reason: 'cluster revocation check',
    });
    expect(patched.status).toBe(200);
    // The other worker learns it from PostgreSQL (the trigger's notification): allow it a moment.
    const deadline = Date.now() + 2_000;
    let after: Answer[];
    do {
      after = [await send('GET', '/api/users/me', suspended.token), await send('GET', '/api/users/me', suspended.token)];
    } while (after.some((a) => a.status !== 401) && Date.now() < deadline);
    expect(after.map((a) => a.status)).toEqual([401, 401]);
    expect(new Set(after.map((a) => a.pid))).toEqual(new Set(workers));
  });

  it('SIGKILL of one worker: the other keeps answering, a replacement starts, logged once each way', async () => {
    const [killed, survivor] = workers;
    const from = output.length;
    process.kill(killed, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (!messages(from).some((m) => m.includes('exited unexpectedly')) && Date.now() < deadline) await sleep(20);
    expect(messages(from).filter((m) => m.includes('exited unexpectedly'))).toHaveLength(1);

    const meanwhile: Answer[] = [];
    for (let i = 0; i < 6; i++) meanwhile.push(await send('GET', `/api/assets/${assetId}`, investor.token));
    expect(meanwhile.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(meanwhile.map((a) => a.pid)).not.toContain(killed);

    const replacedBy = Date.now() + 60_000;
    while (workerPids(from).length === 0 && Date.now() < replacedBy) await sleep(200);
    const [replacement] = workerPids(from);
    expect(replacement).toBeDefined();
    expect(messages(from).filter((m) => /^Worker \d+ replaced/.test(m))).toHaveLength(1);
    expect(alive(killed)).toBe(false);
    expect(childPids(app!.pid!)).toEqual(expect.arrayContaining([survivor, replacement]));
    workers = [survivor, replacement];

    const later: Answer[] = [];
    for (let i = 0; i < 6; i++) later.push(await send('GET', `/api/assets/${assetId}`, investor.token));
    expect(later.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(later.map((a) => a.pid))).toEqual(new Set(workers));
    expect(output.slice(from)).not.toContain('    at ');
  }, 90_000);

  it('SIGTERM to the primary under load: exit 0, every worker and the postmaster gone, every answered request logged', async () => {
    const drainer = await insertInvestor();
    const postmaster = Number(fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const primary = app!.pid!;
    const family = childPids(primary);
    expect(family).toEqual(expect.arrayContaining([...workers, postmaster]));

    let stopped = false;
    let answered = 0;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (!stopped) {
          const ok = await send('GET', `/api/assets/${assetId}`, drainer.token).then(
            (a) => a.status === 200,
            () => false,
          );
          if (ok) answered++;
          else await sleep(50);
        }
      }),
    );
    await sleep(1_500);
    app!.kill('SIGTERM');
    const code = await exited(app!);
    stopped = true;
    await load;
    expect(code).toBe(0);
    await sleep(200);
    expect(family.filter(alive)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'pg', 'postmaster.pid'))).toBe(false);

    await startApp();
    const [{ n }] = await query<{ n: number }>('SELECT count(*)::int AS n FROM api_usage_logs WHERE user_id = $1', [drainer.id]);
    console.log(`cluster SIGTERM under load: ${answered} requests answered, ${n} api_usage_logs rows`);
    expect(answered).toBeGreaterThan(10);
    expect(n).toBeGreaterThanOrEqual(answered);
  }, 150_000);
});
