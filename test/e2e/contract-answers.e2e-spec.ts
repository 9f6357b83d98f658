import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import request from 'supertest';
import type { QueryRunner } from 'typeorm';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { MAX_JSON_DEPTH } from '../../src/common/http/http-adapter';
import { createAdmin, createUser, randomPhone, tokenFor } from '../utils/auth';
import { createTestDatabase, dropTestDatabase } from '../utils/test-database';
import { createTestApp, TestApp } from '../utils/test-app';
import { signedChallenge, SIGN_IN_HOST } from './auth.helpers';
import * as path from 'node:path';

const COMMITTED_DOCUMENT = path.join(__dirname, '..', '..', 'docs', 'openapi.json');

/**
 * The answers every operation has because of its kind, produced for each operation the document lists: 401 without
 * a token, 403 with the other kind of token, 400 validation_failed, the body refusals, 404 for a well-formed id of
 * nothing, and 503 overloaded / database_unavailable. The contract reporter (test/utils/contract-reporter.js)
 * checks that these and the answers the feature tests produce cover every declared (operation, status, code).
 * The document read here is the committed one; openapi-contract.e2e-spec.ts checks that the app serves the same.
 */

interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  name: string;
  security: string[];
  hasBody: boolean;
  example?: Record<string, unknown>;
  queryNames: string[];
  /** The query parameters that have an example, with it: `?contract=0x…&event=Transfer`. */
  queryExample: string;
  pathNames: string[];
  codes: Record<number, string[]>;
}

const document = JSON.parse(fs.readFileSync(COMMITTED_DOCUMENT, 'utf8')) as {
  paths: Record<string, Record<string, Record<string, unknown>>>;
};

const operations: Operation[] = Object.entries(document.paths).flatMap(([path, item]) =>
  (['get', 'post', 'patch', 'put', 'delete'] as const)
    .filter((method) => item[method])
    .map((method) => {
      const op = item[method] as {
        security?: Record<string, string[]>[];
        parameters?: { in: string; name: string; example?: unknown; schema?: { example?: unknown } }[];
        requestBody?: { content: { 'application/json': { example?: Record<string, unknown> } } };
        responses: Record<string, { 'x-codes'?: string[] }>;
      };
      return {
        method,
        path,
        name: `${method.toUpperCase()} ${path}`,
        security: (op.security ?? []).flatMap((requirement) => Object.keys(requirement)),
        hasBody: !!op.requestBody,
        example: op.requestBody?.content['application/json'].example,
        queryNames: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        queryExample: (op.parameters ?? [])
          .filter((p) => p.in === 'query' && (p.example ?? p.schema?.example) !== undefined)
          .map((p, i) => `${i ? '&' : '?'}${p.name}=${encodeURIComponent(String(p.example ?? p.schema?.example))}`)
          .join(''),
        pathNames: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        codes: Object.fromEntries(Object.entries(op.responses).map(([status, r]) => [Number(status), r['x-codes'] ?? []])),
      };
    }),
);

const withToken = operations.filter((op) => op.security.length > 0);
const oneKindOnly = operations.filter((op) => op.security.length === 1);
const withInput = operations.filter((op) => op.codes[400]?.includes('validation_failed'));
const withBody = operations.filter((op) => op.hasBody);
const withIdOfNothing = operations.filter((op) => op.pathNames.length > 0 && op.codes[404]?.length);
const withMaintenance = operations.filter((op) => op.codes[503]?.includes('maintenance_read_only'));
const withDatabase = operations.filter((op) => op.codes[503]?.some((code) => code === 'overloaded' || code === 'database_unavailable'));

/** A TCP relay between the app and PostgreSQL that can be cut: new connections are refused, open ones reset. */
async function startRelay(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: Object.assign(new URL(target.toString()), { port: String(port) }).toString(),
    cut: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        sockets.forEach((socket) => socket.destroy());
      }),
  };
}

describe('Every operation gives the answers its kind declares', () => {
  const POOL_MAX = 2;
  let databaseUrl: string;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let testApp: TestApp;
  let investor: Awaited<ReturnType<typeof createUser>>;
  let admin: Awaited<ReturnType<typeof createAdmin>>;
  /** An admin whose grants are not cached yet: the one way a route that needs no database of its own meets it (the guard). */
  let coldAdmin: Awaited<ReturnType<typeof createAdmin>>;
  /** Signed sign-in messages for the two routes that check a signature before they reach the database. */
  let signedBodies: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    relay = await startRelay(new URL(databaseUrl));
    testApp = await createTestApp({
      databaseUrl: relay.url,
      env: { DB_POOL_MAX: String(POOL_MAX), DB_CONNECT_TIMEOUT_MS: '300', DB_QUERY_TIMEOUT_MS: '1000' },
    });
    investor = await createUser(testApp);
    admin = await createAdmin(testApp, AdminRole.Superadmin);
    coldAdmin = await createAdmin(testApp, AdminRole.Superadmin);
    const signIn = privateKeyToAccount(generatePrivateKey());
    const newcomer = privateKeyToAccount(generatePrivateKey());
    const challenge = await signedChallenge(testApp, signIn);
    const registration = await signedChallenge(testApp, newcomer);
    signedBodies = {
      'POST /api/auth/wallet': { message: challenge.message, signature: challenge.signature },
      'POST /api/users': { phone: randomPhone(), address: newcomer.address, ...registration },
    };
    delete signedBodies['POST /api/users'].nonce;
  });

  afterAll(async () => {
    await testApp?.close();
    await relay?.cut();
    await dropTestDatabase(databaseUrl);
  });

  /** The token an operation takes: the admin's where both kinds may call it. */
  const tokenOf = (op: Operation) => (op.security.includes('admin') ? admin.token : investor.token);
  /** For the 503s: valid input, and the cold admin where the route itself does not query (it lists backup files). */
  const validRequest = (op: Operation) =>
    send(op, {
      token: !op.security.length ? undefined : op.name === 'GET /api/admin/backups' ? coldAdmin.token : tokenOf(op),
      query: op.queryExample,
    });
  const concretePath = (op: Operation, id: string = randomUUID()) => op.path.replace(/\{[^}]+\}/g, id);

  function send(op: Operation, options: { token?: string; path?: string; body?: unknown; query?: string } = {}) {
    let req = request(testApp.http)
      [op.method](`${options.path ?? concretePath(op)}${options.query ?? ''}`)
      .set('Host', SIGN_IN_HOST);
    if (options.token) req = req.set('Authorization', `Bearer ${options.token}`);
    if (op.hasBody) req = req.send((options.body ?? signedBodies[op.name] ?? op.example ?? {}) as object);
    return req;
  }

  function expectCode(res: request.Response, status: number, op: Operation, code?: string) {
    expect({ status: res.status, code: res.body?.code }).toEqual({
      status,
      code:
        status < 400
          ? undefined
          : (code ?? expect.stringMatching(new RegExp(`^(${(op.codes[status] ?? ['(none declared)']).join('|')})$`))),
    });
  }

  it.each(withToken.map((op) => [op.name, op]))('%s without a token: 401 unauthorized', async (_name, op) => {
    expectCode(await send(op), 401, op, 'unauthorized');
  });

  it.each(oneKindOnly.map((op) => [op.name, op]))('%s with the other kind of token: 403 forbidden', async (_name, op) => {
    const other = op.security[0] === 'admin' ? investor.token : admin.token;
    expectCode(await send(op, { token: other }), 403, op, 'forbidden');
  });

  it.each(withInput.map((op) => [op.name, op]))(
    '%s with a field that breaks its rule: 400 validation_failed naming it',
    async (_name, op) => {
      const token = tokenOf(op);
      const res = op.pathNames.length
        ? await send(op, { token, path: concretePath(op, 'not-a-uuid') })
        : op.hasBody
          ? await send(op, { token, body: { ...(signedBodies[op.name] ?? op.example), notAField: 1 } })
          : await send(op, { token, query: `?${op.queryNames.includes('limit') ? 'limit=0' : 'notAField=1'}` });
      expectCode(res, 400, op, 'validation_failed');
      const field = op.pathNames[0] ?? (op.hasBody || !op.queryNames.includes('limit') ? 'notAField' : 'limit');
      expect(res.body.details.fields).toContain(field);
    },
  );

  describe.each(withBody.map((op) => [op.name, op]))('%s refuses a body it cannot read', (_name, op) => {
    it('415 unsupported_media_type for a form', async () => {
      const res = await request(testApp.http)[op.method](concretePath(op)).type('form').send('a=1');
      expectCode(res, 415, op, 'unsupported_media_type');
    });
    it('400 malformed_json, 400 json_too_deep, 413 payload_too_large', async () => {
      const json = (text: string) => request(testApp.http)[op.method](concretePath(op)).set('Content-Type', 'application/json').send(text);
      expectCode(await json('{"a":'), 400, op, 'malformed_json');
      expectCode(await json(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`), 400, op, 'json_too_deep');
      expectCode(await json(JSON.stringify({ a: 'x'.repeat(1024 * 1024) })), 413, op, 'payload_too_large');
    });
  });

  it.each(withIdOfNothing.map((op) => [op.name, op]))('%s with a well-formed id of nothing: its 404', async (_name, op) => {
    expectCode(await send(op, { token: tokenOf(op) }), 404, op);
  });

  describe('an account that is gone or suspended while its token still works', () => {
    const byName = (name: string) => operations.find((op) => op.name === name)!;
    /** Changes a row without the trigger that tells the token guard (as if the notification had not arrived yet). */
    const unnoticed = (sql: string, id: string) =>
      testApp.dataSource.transaction(async (manager) => {
        await manager.query(`SET LOCAL session_replication_role = replica`);
        await manager.query(sql, [id]);
      });

    it.each([
      ['GET /api/users/me', 'user_not_found'],
      ['PATCH /api/users/me/profile', 'user_not_found'],
      ['POST /api/kyc/applications', 'user_not_found'],
      ['POST /api/investments', 'investor_not_found'],
    ])('%s for an investor that does not exist: 404 %s', async (name, code) => {
      const ghost = await tokenFor(testApp, 'user', randomUUID());
      expectCode(await send(byName(name), { token: ghost }), 404, byName(name), code);
    });

    it.each([
      ['POST /api/kyc/applications', 'account_not_active'],
      ['POST /api/investments', 'investor_not_active'],
    ])('%s for an investor suspended a moment ago: 403 %s', async (name, code) => {
      const suspended = await createUser(testApp);
      await unnoticed(`UPDATE users SET status = 'suspended' WHERE id = $1`, suspended.id);
      expectCode(await send(byName(name), { token: suspended.token }), 403, byName(name), code);
    });

    it('GET /api/admin/me for an admin removed a moment ago: 404 admin_not_found', async () => {
      const removed = await createAdmin(testApp, AdminRole.Analyst);
      const op = byName('GET /api/admin/me');
      // Twice: the first load may overlap the insert's own notification, and is then not kept.
      expectCode(await send(op, { token: removed.token }), 200, op);
      expectCode(await send(op, { token: removed.token }), 200, op);
      await unnoticed(`DELETE FROM admin_users WHERE id = $1`, removed.id);
      expectCode(await send(op, { token: removed.token }), 404, op, 'admin_not_found');
    });

    it.each(['GET /api/users/{id}', 'GET /api/users/{id}/transactions'])(
      '%s by an admin whose role lost users:read: 403 forbidden',
      async (name) => {
        const analyst = await createAdmin(testApp, AdminRole.Analyst);
        const op = byName(name);
        const path = op.path.replace('{id}', investor.id);
        await testApp.dataSource.query(`DELETE FROM admin_permissions WHERE role = 'analyst' AND permission = 'users:read'`);
        try {
          // The grants change is announced to the token guard; wait until it has dropped what it kept.
          let res = await send(op, { token: analyst.token, path });
          for (let i = 0; i < 50 && res.status !== 403; i++) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            res = await send(op, { token: analyst.token, path });
          }
          expectCode(res, 403, op, 'forbidden');
        } finally {
          await testApp.dataSource.query(`INSERT INTO admin_permissions (role, permission) VALUES ('analyst', 'users:read')`);
        }
      },
    );
  });

  describe('while every pooled connection is taken', () => {
    const held: QueryRunner[] = [];
    let moving: Promise<void> | undefined;
    let stop = false;
    beforeAll(async () => {
      for (let i = 0; i < POOL_MAX; i++) {
        const runner = testApp.dataSource.createQueryRunner();
        await runner.connect();
        held.push(runner);
      }
      // Queries keep coming back on a held connection: the pool is busy but moving (a second without any answer
      // would be an outage, 503 database_unavailable).
      moving = (async () => {
        while (!stop) {
          await held[0].query('SELECT 1');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
    });
    afterAll(async () => {
      stop = true;
      await moving;
      await Promise.all(held.map((runner) => runner.release()));
    });

    it.each(withDatabase.map((op) => [op.name, op]))('%s: a quick 503 overloaded with Retry-After', async (_name, op) => {
      const res = await validRequest(op);
      expectCode(res, 503, op, 'overloaded');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('once the database is unreachable', () => {
    beforeAll(async () => {
      await relay.cut();
    });

    it.each(withDatabase.map((op) => [op.name, op]))('%s: 503 database_unavailable with Retry-After', async (_name, op) => {
      const res = await validRequest(op);
      expectCode(res, 503, op, 'database_unavailable');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('GET /api/health: 503 health_check_failed', async () => {
      const res = await request(testApp.http).get('/api/health');
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 503, code: 'health_check_failed' });
    });
  });

  describe('in maintenance (MAINTENANCE_MODE=read_only)', () => {
    let readOnly: TestApp;
    beforeAll(async () => {
      readOnly = await createTestApp({ env: { MAINTENANCE_MODE: 'read_only' } });
    });
    afterAll(async () => {
      await readOnly?.close();
    });

    it.each(withMaintenance.map((op) => [op.name, op]))('%s: 503 maintenance_read_only with Retry-After', async (_name, op) => {
      let req = request(readOnly.http)
        [op.method](`${concretePath(op)}${op.queryExample}`)
        .set('Host', SIGN_IN_HOST);
      if (op.hasBody) req = req.send((signedBodies[op.name] ?? op.example ?? {}) as object);
      const res = await req;
      expectCode(res, 503, op, 'maintenance_read_only');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    });
  });
});
