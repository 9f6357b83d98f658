import type { Server } from 'node:http';
import * as net from 'node:net';
import type { Pool, PoolClient } from 'pg';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DatabaseOutageMonitor } from '../../src/common/database/database-outage';
import { loadAppConfig } from '../../src/config/app.config';
import { buildRequestDataSourceOptions } from '../../src/database/data-source';
import type { SessionDatabase } from '../../src/database/session-database';
import { BackgroundWriter } from '../../src/system/logs/background-writer';
import { FaultCluster, startFaultCluster } from '../utils/fault-cluster';
import { sleep } from '../utils/processes';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { createTestApp, TestApp } from '../utils/test-app';

const COPY_SQL = 'COPY api_usage_logs (method, route, status_code, duration_ms, created_at) FROM STDIN';
const USAGE_ROWS_SQL = 'SELECT count(*)::int AS n FROM api_usage_logs WHERE route = $1';
const row = (route: string) => `GET\t${route}\t200\t1\t2026-01-01T00:00:00Z\n`;

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
const KEEP_ALIVE_TIMEOUT_MS = 1_000;
/** How late the server may free a connection past its timeout: Node looks for expired ones once a second (see the HTTP adapter). */
const SLACK_MS = 2_500;
const SLOW_CLIENTS = 100;

/** A raw TCP client that writes what it is told and records what it got back and when the server closed it. */
interface HeldSocket {
  socket: net.Socket;
  opened: number;
  /** Resolves when the socket closes: the answer, and how long after opening. */
  closed: Promise<{ answer: string; heldMs: number }>;
}

function openSocket(port: number): Promise<HeldSocket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const opened = Date.now();
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    const closed = new Promise<{ answer: string; heldMs: number }>((done) =>
      socket.once('close', () => done({ answer, heldMs: Date.now() - opened })),
    );
    socket.once('connect', () => resolve({ socket, opened, closed }));
    socket.once('error', reject);
  });
}

/** Keeps writing `chunk` every `everyMs` until the socket closes (a slowloris client, or a body that trickles in). */
function trickle(socket: net.Socket, chunk: string, everyMs: number): void {
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) return clearInterval(timer);
    socket.write(chunk);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

const connectionsOf = (server: Server) =>
  new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));

describe('Faults: held connections', () => {
  runAloneAmongHeavyTests();

  /**
   * Clients that open connections and never finish (slowloris), trickle a body in, or keep an idle
   * keep-alive connection: the HTTP server's header, request and keep-alive timeouts free each of them
   * (Node's own defaults would hold them for 60 s, 300 s and 72 s), and other clients are answered meanwhile.
   */
  describe('slow clients: the server frees their connections by its timeouts', () => {
    let testApp: TestApp;
    let server: Server;
    let port: number;

    beforeAll(async () => {
      testApp = await createTestApp({
        env: {
          HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
          HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
          HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
        },
      });
      server = testApp.app.getHttpServer() as Server;
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as net.AddressInfo).port;
    });

    afterAll(async () => {
      await testApp?.close();
    });

    it(`${SLOW_CLIENTS} clients that never finish their headers get 408 and are cut off; other clients are answered meanwhile`, async () => {
      const slow = await Promise.all(Array.from({ length: SLOW_CLIENTS }, () => openSocket(port)));
      for (const [i, held] of slow.entries()) {
        held.socket.write(`GET /api/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-${i}: 1\r\n`);
        trickle(held.socket, `X-More: ${i}\r\n`, 200);
      }
      // The server has taken every one of them (it accepts a moment after the client sees the connection).
      for (let waited = 0; (await connectionsOf(server)) < SLOW_CLIENTS && waited < 2_000; waited += 50) await sleep(50);
      expect(await connectionsOf(server)).toBeGreaterThanOrEqual(SLOW_CLIENTS);
      // While they are held, a normal client is answered at once.
      const started = Date.now();
      const live = await fetch(`http://127.0.0.1:${port}/api/health/live`);
      expect(live.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1_000);

      const results = await Promise.race([
        Promise.all(slow.map((held) => held.closed)),
        new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), HEADERS_TIMEOUT_MS + SLACK_MS)),
      ]);
      for (const held of slow) held.socket.destroy();
      expect(results).not.toBe('held');
      for (const { answer, heldMs } of results as { answer: string; heldMs: number }[]) {
        expect(answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(answer).toContain('"code":"request_timeout"');
        expect(heldMs).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
      }
      expect(await connectionsOf(server)).toBe(0);
    }, 30_000);

    it('a body that trickles in is cut off by the request timeout with 408', async () => {
      const held = await openSocket(port);
      const body = JSON.stringify({ walletAddress: '0x' + 'a'.repeat(40) });
      held.socket.write(
        `POST /api/auth/nonce HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      // One byte every 100 ms: the headers are done long before their timeout, the body would take seconds.
      let sent = 0;
      const timer = setInterval(() => {
        if (held.socket.destroyed || sent >= body.length - 1) return clearInterval(timer);
        held.socket.write(body[sent++]);
      }, 100);
      const result = await Promise.race([
        held.closed,
        new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), REQUEST_TIMEOUT_MS + SLACK_MS)),
      ]);
      clearInterval(timer);
      held.socket.destroy();
      expect(result).not.toBe('held');
      const { answer, heldMs } = result as { answer: string; heldMs: number };
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('"code":"request_timeout"');
      expect(heldMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
      expect(await connectionsOf(server)).toBe(0);
    }, 30_000);

    it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
      const held = await openSocket(port);
      held.socket.write('GET /api/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
      const result = await Promise.race([
        held.closed,
        new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), KEEP_ALIVE_TIMEOUT_MS + SLACK_MS)),
      ]);
      held.socket.destroy();
      expect(result).not.toBe('held');
      const { answer, heldMs } = result as { answer: string; heldMs: number };
      // Answered, kept open for the keep-alive timeout, then closed by the server.
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(answer.toLowerCase()).toContain(`keep-alive: timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
      expect(heldMs).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 100);
      expect(await connectionsOf(server)).toBe(0);
    }, 30_000);
  });

  /**
   * node-postgres emits 'error' on a client whose socket fails even while it is handed out of its pool,
   * and an 'error' nobody listens to ends the process (in Jest: "Test suite failed to run — read
   * ECONNRESET"). Each test holds a connection, kills the server under it, and carries on.
   */
  describe('the database is killed under a connection the app holds', () => {
    let cluster: FaultCluster;

    beforeAll(async () => {
      cluster = await startFaultCluster();
    });

    afterAll(async () => {
      await cluster?.remove();
    });

    /** Starts the killed cluster again once its processes are gone. */
    async function restart(): Promise<void> {
      for (let attempt = 1; ; attempt++) {
        await sleep(1_000);
        try {
          return await cluster.restart();
        } catch (error) {
          if (attempt === 5) throw error;
        }
      }
    }

    async function adminQuery<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      const client = new Client({ connectionString: cluster.databaseUrl });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    }

    it('a request-pool client held (as by a job) when the server dies: the process lives on, and the pool answers after the restart', async () => {
      const config = loadAppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
      const monitor = new DatabaseOutageMonitor({ log: () => undefined, warn: () => undefined, error: () => undefined }, 1_000);
      const dataSource = new DataSource(buildRequestDataSourceOptions(config, cluster.databaseUrl, monitor, { logging: false }));
      await dataSource.initialize();
      try {
        const pool = (dataSource.driver as unknown as { master: { connect(): Promise<PoolClient> } }).master;
        const held = await pool.connect();
        await held.query('SELECT 1');
        cluster.kill();
        await sleep(500); // the held client sees its connection end: 'error' with nobody of the pool listening
        held.release(new Error('the server died'));
        await restart();
        await expect(dataSource.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
      } finally {
        await dataSource.destroy();
      }
    }, 60_000);
    it('the background writer: its backend killed under a COPY in flight, the COPY rejects, the process lives on, and the next COPY is written', async () => {
      const writer = new BackgroundWriter(
        { url: cluster.databaseUrl } as SessionDatabase,
        loadAppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
      );
      try {
        await writer.copy(COPY_SQL, row('/api/held-before'));
        const [backend] = await adminQuery<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = 'pend-backend-background'`,
        );
        process.kill(backend.pid, 'SIGSTOP');
        const inFlight = writer.copy(COPY_SQL, row('/api/held-during')).then(
          () => 'written',
          (error: Error) => error.message,
        );
        await sleep(300);
        // The COPY's bytes sit unread in the frozen backend's socket: the kernel answers with a reset
        // (and the postmaster restarts every backend after a crashed one).
        process.kill(backend.pid, 'SIGKILL');
        expect(await inFlight).not.toBe('written');
        await sleep(500); // any late 'error' on that client would surface here
        for (let attempt = 1; ; attempt++) {
          try {
            await writer.copy(COPY_SQL, row('/api/held-after'));
            break;
          } catch (error) {
            if (attempt === 20) throw error;
            await sleep(500);
          }
        }
        expect((await adminQuery<{ n: number }>(USAGE_ROWS_SQL, ['/api/held-during']))[0].n).toBe(0);
        expect((await adminQuery<{ n: number }>(USAGE_ROWS_SQL, ['/api/held-after']))[0].n).toBe(1);
      } finally {
        await writer.onApplicationShutdown();
      }
    }, 60_000);

    it('the background writer with the server frozen (SIGSTOP): its COPY rejects after DB_BACKGROUND_QUERY_TIMEOUT_MS, and its shutdown does not hang', async () => {
      const timeoutMs = 1_500;
      const config = loadAppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DB_BACKGROUND_QUERY_TIMEOUT_MS: String(timeoutMs) });
      const writer = new BackgroundWriter({ url: cluster.databaseUrl } as SessionDatabase, config);
      const hung = (ms: number) => sleep(ms).then(() => 'hung' as const);
      await writer.copy(COPY_SQL, row('/api/frozen-before'));
      cluster.signalAll('SIGSTOP');
      let outcome: string;
      let tookMs: number;
      let shutdown: string;
      try {
        const started = Date.now();
        const inFlight = writer.copy(COPY_SQL, row('/api/frozen-during')).then(
          () => 'written',
          (error: Error) => error.message,
        );
        // The app shuts down while that write waits: the writer's pool.end() must not wait for the frozen server.
        const closing = sleep(200)
          .then(() => writer.onApplicationShutdown())
          .then(() => 'closed');
        outcome = await Promise.race([inFlight, hung(timeoutMs + 8_000)]);
        tookMs = Date.now() - started;
        shutdown = await Promise.race([closing, hung(5_000)]);
      } finally {
        cluster.signalAll('SIGCONT');
      }
      expect(outcome).toBe('Query read timeout');
      expect(tookMs).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(tookMs).toBeLessThan(timeoutMs + 3_000);
      expect(shutdown).toBe('closed');
      await sleep(500); // the resumed backend sees its connection gone: the COPY is rolled back
      expect((await adminQuery<{ n: number }>(USAGE_ROWS_SQL, ['/api/frozen-before']))[0].n).toBe(1);
      expect((await adminQuery<{ n: number }>(USAGE_ROWS_SQL, ['/api/frozen-during']))[0].n).toBe(0);
    }, 60_000);

    it('the request pool with the server frozen (SIGSTOP): a hot read and a TypeORM query reject with Query read timeout after DB_QUERY_TIMEOUT_MS, and neither connection is used again', async () => {
      const timeoutMs = 1_500;
      const config = loadAppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DB_QUERY_TIMEOUT_MS: String(timeoutMs), DB_POOL_MAX: '2' });
      const monitor = new DatabaseOutageMonitor({ log: () => undefined, warn: () => undefined, error: () => undefined }, 1_000);
      const dataSource = new DataSource(buildRequestDataSourceOptions(config, cluster.databaseUrl, monitor, { logging: false }));
      await dataSource.initialize();
      const pool = (dataSource.driver as unknown as { master: Pool }).master;
      const backendPid = async () => (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const hung = (ms: number) => sleep(ms).then(() => 'hung' as const);
      try {
        // Two pooled connections, both used before the stall.
        const before = new Set(
          await Promise.all([
            pool.query('SELECT pg_sleep(0.05), pg_backend_pid() AS pid'),
            dataSource.query('SELECT pg_sleep(0.05), pg_backend_pid() AS pid'),
          ]).then((r) => [r[0].rows[0].pid as number, (r[1] as { pid: number }[])[0].pid]),
        );
        expect(before.size).toBe(2);
        cluster.signalAll('SIGSTOP');
        let outcomes: string[];
        let tookMs: number;
        try {
          const started = Date.now();
          const message = (error: Error) => error.message;
          // readRows' path (pool.query with a named statement) and TypeORM's (a query runner's client.query).
          const hot = pool.query({ name: 'held_frozen_read', text: 'SELECT 1 AS one' }).then(() => 'answered', message);
          const typeorm = dataSource.query('SELECT 1 AS one').then(() => 'answered', message);
          outcomes = await Promise.all([hot, typeorm].map((p) => Promise.race([p, hung(timeoutMs + 5_000)])));
          tookMs = Date.now() - started;
        } finally {
          cluster.signalAll('SIGCONT');
        }
        expect(outcomes).toEqual(['Query read timeout', 'Query read timeout']);
        expect(tookMs).toBeGreaterThanOrEqual(timeoutMs - 50);
        expect(tookMs).toBeLessThan(timeoutMs + 1_000);
        expect(monitor.inOutage).toBe(true);
        // Both timed-out connections were dropped: the pool answers on new backends.
        const after = new Set(await Promise.all([backendPid(), backendPid()]));
        for (const pid of after) expect(before.has(pid)).toBe(false);
      } finally {
        await dataSource.destroy();
      }
    }, 60_000);
  });
});
