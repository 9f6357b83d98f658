import 'reflect-metadata';
import cluster from 'node:cluster';
import { createSecretKey } from 'node:crypto';
import * as http from 'node:http';
import { JwtService } from '@nestjs/jwt';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import {
  assetAnalyticsSql,
  assetSearchSql,
  AssetSearch,
  ROLLUP_FOLD_LOCK,
  ROLLUP_FOLD_SQL,
  ROLLUP_PENDING_SQL,
} from '../src/assets/assets.sql';
import { AccessTokenService } from '../src/auth/access-token.service';
import { createApp } from '../src/bootstrap';
import { SingleFlight } from '../src/common/cache/single-flight';
import { readRows } from '../src/common/database/read-rows';
import { JsonLogger } from '../src/common/logging/json-logger';
import { loadAppConfig } from '../src/config/app.config';
import { MonitoringRepository } from '../src/system/monitoring/monitoring.repository';
import { UsersRepository } from '../src/users/users.repository';

/**
 * One server per process for the API benchmark:
 *   node api-servers.js app   <databaseUrl> <port>   the real application (createApp), as production runs it
 *   node api-servers.js floor <databaseUrl> <port>   node:http + a raw pg Pool running the same SQL, no framework
 * Prints `{"ready":true}` once listening. The app also mints tokens on request (stdin line
 * `{"tokens":{"user":[ids],"admin":[ids]}}` → stdout `{"tokens":{…}}`) with the app's own token service.
 * CLUSTER_WORKERS=N (app only): N worker processes on the port (node:cluster round-robin, as the
 * production CLUSTER_WORKERS), this process the primary minting the tokens.
 * The app also takes DATABASE_DIRECT_URL, DB_PREPARED_STATEMENTS, DATABASE_REPLICA_URLS and
 * DASHBOARD_STATS_MAX_AGE_MS from the environment (bench:api --via pgbouncer / replica).
 */
async function main() {
  const [mode, databaseUrl, port] = process.argv.slice(2);
  const poolMax = Number(process.env.DB_POOL_MAX ?? 20);
  const workers = Number(process.env.CLUSTER_WORKERS ?? 1);
  if (mode === 'app' && cluster.isWorker) return startWorker(databaseUrl, Number(port), poolMax);
  if (mode === 'app' && workers > 1) await startAppCluster(workers);
  else if (mode === 'app') await startApp(databaseUrl, Number(port), poolMax);
  else if (mode === 'floor') await startFloor(databaseUrl, Number(port), poolMax);
  else throw new Error(`unknown mode ${mode}`);
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}

function appConfig(port: number, poolMax: number, databaseUrl: string) {
  return loadAppConfig({
    NODE_ENV: 'production',
    SIWE_DOMAIN: `127.0.0.1:${port}`,
    SIWE_URI: `http://127.0.0.1:${port}`,
    // The bench mints hour-long tokens; the app refuses tokens living longer than its TTL.
    JWT_TTL_SECONDS: '3600',
    // The app and a second bench run on one machine: a free port for the scrape server.
    METRICS_PORT: '0',
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    DB_POOL_MAX: String(poolMax),
    JWT_SECRET: process.env.JWT_SECRET ?? 'bench-secret-bench-secret-bench-secret-0123',
    BACKUP_ENABLED: 'false',
    DB_MIGRATIONS_RUN: 'false',
    ...Object.fromEntries(PASSED_THROUGH.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]])),
  });
}

/** What bench:api --via sets for the app: a pooler with its direct URL and named statements off, or read replicas. */
const PASSED_THROUGH = ['DATABASE_DIRECT_URL', 'DB_PREPARED_STATEMENTS', 'DATABASE_REPLICA_URLS', 'DASHBOARD_STATS_MAX_AGE_MS'];

async function startApp(databaseUrl: string, port: number, poolMax: number) {
  const config = appConfig(port, poolMax, databaseUrl);
  const app = await createApp({ config, databaseUrl, logger: new JsonLogger(config.logLevel) });
  await app.listen(port, '127.0.0.1');
  serveTokens(app.get(AccessTokenService), () => void app.close().then(() => process.exit(0)));
}

/** A CLUSTER_WORKERS worker: the app on the shared port; stops on SIGTERM from the primary (or with it). */
async function startWorker(databaseUrl: string, port: number, poolMax: number) {
  const config = appConfig(port, poolMax, databaseUrl);
  const app = await createApp({ config, databaseUrl, logger: new JsonLogger(config.logLevel) });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  await app.listen(port, '127.0.0.1');
}

/** The primary: forks the workers, waits until each listens, mints tokens as the app would (same secret and algorithm). */
async function startAppCluster(workers: number) {
  const listening = new Promise<void>((resolve, reject) => {
    let count = 0;
    cluster.on('listening', () => ++count === workers && resolve());
    cluster.on('exit', (worker, code) => reject(new Error(`worker ${worker.process.pid} exited with ${code}`)));
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  await listening;
  const secret = process.env.JWT_SECRET ?? 'bench-secret-bench-secret-bench-secret-0123';
  const jwt = new JwtService({ secret: createSecretKey(Buffer.from(secret, 'utf8')), signOptions: { algorithm: 'HS256' } });
  serveTokens(new AccessTokenService(jwt), () => {
    cluster.removeAllListeners('exit');
    const workersLeft = Object.values(cluster.workers ?? {});
    let left = workersLeft.length;
    for (const worker of workersLeft) {
      worker?.once('exit', () => --left === 0 && process.exit(0));
      worker?.process.kill('SIGTERM');
    }
  });
}

function serveTokens(tokens: AccessTokenService, onEnd: () => void) {
  let buffered = '';
  process.stdin.on('data', async (chunk: Buffer) => {
    buffered += chunk.toString();
    const newline = buffered.indexOf('\n');
    if (newline < 0) return;
    const request = JSON.parse(buffered.slice(0, newline)) as { tokens: { user: string[]; admin: string[] } };
    buffered = buffered.slice(newline + 1);
    const issue = (kind: 'user' | 'admin', ids: string[]) =>
      Promise.all(ids.map(async (id) => (await tokens.issue(kind, id, 3600)).accessToken));
    const minted = { user: await issue('user', request.tokens.user), admin: await issue('admin', request.tokens.admin) };
    process.stdout.write(`${JSON.stringify({ tokens: minted })}\n`);
  });
  process.stdin.on('end', onEnd);
}

/** The floor: the same statements, straight through pg, answering JSON. No validation, no auth, no framework. */
async function startFloor(databaseUrl: string, port: number, poolMax: number) {
  const pool = new Pool({ connectionString: databaseUrl, max: poolMax });
  // The repositories read through readRows (src/common/database/read-rows.ts), which takes the pg Pool
  // from dataSource.driver.master: hand them this raw pool, so the floor sends the very same statements.
  const rawDataSource = { driver: { master: pool }, options: {} } as unknown as DataSource;
  const users = new UsersRepository(rawDataSource);
  // The dashboard as the app serves it: the same statement, one computation at a time, reused for the same max age.
  const monitoring = new MonitoringRepository(rawDataSource);
  const dashboard = new SingleFlight(Number(process.env.DASHBOARD_STATS_MAX_AGE_MS ?? 30_000), () => monitoring.dashboardStats());

  const routes: [RegExp, (match: RegExpMatchArray, query: URLSearchParams) => Promise<unknown>][] = [
    [
      /^\/api\/users\/([0-9a-f-]{36})$/,
      async (match) => {
        return users.findUserDetail({ uuid: match[1] });
      },
    ],
    [
      /^\/api\/users\/([0-9a-f-]{36})\/transactions$/,
      async (match, query) => {
        const limit = Number(query.get('limit') ?? 20);
        const { userExists, rows } = await users.findTransactionPage({ userId: match[1], limit: limit + 1 });
        if (!userExists) return null;
        return { items: rows.slice(0, limit), nextCursor: null };
      },
    ],
    [
      /^\/api\/assets$/,
      async (_match, query) => {
        const search: AssetSearch = {
          text: query.get('q') ?? undefined,
          category: (query.get('category') ?? undefined) as AssetSearch['category'],
          status: (query.get('status') ?? undefined) as AssetSearch['status'],
          minApy: query.get('minApy') ?? undefined,
          maxApy: query.get('maxApy') ?? undefined,
          sort: (query.get('sort') ?? 'createdAt') as AssetSearch['sort'],
          order: (query.get('order') ?? 'desc') as AssetSearch['order'],
          limit: Number(query.get('limit') ?? 20) + 1,
          includeDrafts: false,
        };
        const { text, values } = assetSearchSql(search);
        const rows = await readRows<{ id: string | null; total: number }>(rawDataSource, text, values);
        return { items: rows.filter((r) => r.id !== null).slice(0, search.limit - 1), total: rows[0]?.total ?? 0 };
      },
    ],
    [
      /^\/api\/assets\/analytics$/,
      async () => {
        // As AssetsRepository.aggregateAnalytics: fold the queued changes (if any) one at a time, then read the rollup.
        const [{ pending }] = await readRows<{ pending: boolean }>(rawDataSource, ROLLUP_PENDING_SQL);
        if (pending) {
          const client = await pool.connect();
          try {
            await client.query('SELECT pg_advisory_lock($1)', [ROLLUP_FOLD_LOCK]);
            await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
            await client.query(ROLLUP_FOLD_SQL);
            await client.query('COMMIT');
            await client.query('SELECT pg_advisory_unlock($1)', [ROLLUP_FOLD_LOCK]);
          } finally {
            client.release();
          }
        }
        return readRows(rawDataSource, assetAnalyticsSql().text);
      },
    ],
    [
      /^\/api\/admin\/dashboard-stats$/,
      async () => {
        const { value, startedAt } = await dashboard.get();
        return { ...value, generatedAt: startedAt.toISOString() };
      },
    ],
  ];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://floor');
    const route = routes.find(([pattern]) => pattern.test(url.pathname));
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    route[1](url.pathname.match(route[0])!, url.searchParams).then(
      (body) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      },
      (error: Error) => {
        res.writeHead(500).end(error.message);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  process.stdin.on('end', () => server.close(() => void pool.end().then(() => process.exit(0))));
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`api-servers: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
