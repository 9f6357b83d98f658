import { AssetsRepository } from '../../src/assets/assets.repository';
import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin, createUser } from '../utils/auth';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { insertAsset } from '../utils/market-fixtures';
import { PgBouncerProcess, startPgBouncer } from '../utils/pgbouncer';
import { createTestDatabase, dropTestDatabase, queryDatabase } from '../utils/test-database';
import { createTestApp, TestApp } from '../utils/test-app';
import { walletSignIn } from './auth.helpers';

/**
 * The app behind a real PgBouncer (Debian package, pool_mode=transaction): requests go through the
 * pooler with named statements off; session work (migrations, LISTEN, advisory locks, the usage-log
 * writer's startup parameter) goes to DATABASE_DIRECT_URL.
 */
describe('Through PgBouncer in transaction-pooling mode', () => {
  runAloneAmongHeavyTests();
  let directUrl: string;
  let bouncer: PgBouncerProcess;
  let testApp: TestApp;

  const hotReads = (app: TestApp, user: { id: string; token: string }, admin: { token: string }) => [
    request(app.http).get(`/api/users/${user.id}`).set('authorization', `Bearer ${user.token}`),
    request(app.http).get(`/api/users/${user.id}/transactions?limit=5`).set('authorization', `Bearer ${user.token}`),
    request(app.http).get('/api/assets?q=bouncer').set('authorization', `Bearer ${user.token}`),
    request(app.http).get('/api/assets/analytics').set('authorization', `Bearer ${admin.token}`),
    request(app.http).get('/api/admin/dashboard-stats').set('authorization', `Bearer ${admin.token}`),
  ];

  beforeAll(async () => {
    directUrl = await createTestDatabase();
    // Behind the pooler the timeouts cannot be startup parameters: the role carries them (scoped to this database here).
    const name = new URL(directUrl).pathname.slice(1);
    await queryDatabase(directUrl, `ALTER ROLE CURRENT_USER IN DATABASE ${name} SET statement_timeout = '4s'`);
    await queryDatabase(directUrl, `ALTER ROLE CURRENT_USER IN DATABASE ${name} SET lock_timeout = '2s'`);
    // Fewer server connections than the app's pool: statements of one client connection land on several.
    bouncer = await startPgBouncer(directUrl, { poolSize: 4 });
    testApp = await createTestApp({
      databaseUrl: bouncer.url,
      env: { DATABASE_DIRECT_URL: directUrl, DB_PREPARED_STATEMENTS: 'false', API_USAGE_FLUSH_MS: '100' },
    });
  });

  afterAll(async () => {
    await testApp?.close();
    await bouncer?.stop();
    await dropTestDatabase(directUrl);
  });

  it('answers the hot reads, many at once, with every server connection reused across client connections', async () => {
    const user = await createUser(testApp);
    const admin = await createAdmin(testApp, AdminRole.Analyst);
    await insertAsset(testApp, { name: 'Bouncer tower' });
    const answers = await Promise.all(Array.from({ length: 12 }, () => hotReads(testApp, user, admin)).flat());
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(answers[2].body.items[0].name).toBe('Bouncer tower');
    // The requests really went through PgBouncer: it holds the server connections the app's pool used.
    const fromBouncer = await queryDatabase<{ n: number }>(
      directUrl,
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pend-backend' AND client_port IS NOT NULL`,
    );
    expect(fromBouncer[0].n).toBeGreaterThan(0);
    expect(fromBouncer[0].n).toBeLessThanOrEqual(4);
  });

  it('runs with the role timeouts, not startup parameters (which PgBouncer would refuse)', async () => {
    const [{ statement_timeout }] = await testApp.dataSource.query(`SHOW statement_timeout`);
    const [{ lock_timeout }] = await testApp.dataSource.query(`SHOW lock_timeout`);
    expect({ statement_timeout, lock_timeout }).toEqual({ statement_timeout: '4s', lock_timeout: '2s' });
  });

  it('signs in (nonce, rate window, token) and writes, and the usage-log writer flushes on its direct connection', async () => {
    const user = await createUser(testApp);
    const token = await walletSignIn(testApp, user.account);
    await request(testApp.http).get('/api/users/me').set('authorization', `Bearer ${token}`).expect(200);
    let logged = 0;
    for (let i = 0; i < 50 && logged === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      [{ n: logged }] = await queryDatabase<{ n: number }>(
        directUrl,
        `SELECT count(*)::int AS n FROM api_usage_logs WHERE route LIKE '%/users/me%'`,
      );
    }
    expect(logged).toBeGreaterThan(0);
  });

  it('keeps the LISTEN feed on the direct connection: a status changed by SQL elsewhere revokes the token', async () => {
    const user = await createUser(testApp);
    const me = () => request(testApp.http).get('/api/users/me').set('authorization', `Bearer ${user.token}`);
    await me().expect(200);
    const listeners = await queryDatabase<{ n: number }>(
      directUrl,
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pend-backend-account-status'`,
    );
    expect(listeners[0].n).toBe(1);
    await queryDatabase(directUrl, `UPDATE users SET status = 'suspended' WHERE id = $1`, [user.id]);
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 401; attempt++) {
      status = (await me()).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(401);
  });

  it('folds the analytics rollup under its session advisory lock on the direct connection (no lock left behind)', async () => {
    // What the once-a-minute fold job runs (reads never fold); something queued so it really folds.
    await queryDatabase(
      directUrl,
      `UPDATE investments SET amount = amount WHERE id = (SELECT id FROM investments WHERE status = 'confirmed' LIMIT 1)`,
    );
    await testApp.app.get(AssetsRepository).foldInvestmentRollup();
    const held = await queryDatabase<{ n: number }>(
      directUrl,
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(held[0].n).toBe(0);
  });

  it('fails with named prepared statements left on behind the transaction pooler (why DB_PREPARED_STATEMENTS=false)', async () => {
    const named = await createTestApp({
      databaseUrl: bouncer.url,
      env: { DATABASE_DIRECT_URL: directUrl, DB_MIGRATIONS_RUN: 'false' },
      // Misconfigured on purpose: its 500s are the point here, not answers of the contract.
      observeContract: false,
    });
    try {
      const user = await createUser(named);
      const admin = await createAdmin(named, AdminRole.Analyst);
      const statuses: number[] = [];
      for (let round = 0; round < 5 && !statuses.some((s) => s >= 500); round++) {
        const answers = await Promise.all(Array.from({ length: 12 }, () => hotReads(named, user, admin)).flat());
        statuses.push(...answers.map((a) => a.status));
      }
      expect(statuses.some((s) => s >= 500)).toBe(true);
    } finally {
      await named.close();
    }
  });
});
