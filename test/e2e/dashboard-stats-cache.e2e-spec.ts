import { Client } from 'pg';
import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { wantsFreshAnswer } from '../../src/system/monitoring/admin-monitoring.controller';
import { createAdmin, createUser, tokenFor } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

const MAX_AGE_MS = 6_000;
const CONCURRENT = 25;

/**
 * GET /api/admin/dashboard-stats scans every user and investment. It is computed at most once at a
 * time (concurrent requests share the computation in flight) and reused for DASHBOARD_STATS_MAX_AGE_MS;
 * generatedAt says when its numbers were read. The computations are counted by PostgreSQL itself
 * (pg_stat_statements calls of the dashboard statement in this test's database), not by the app.
 */
describe('Admin dashboard: single-flight, reused for DASHBOARD_STATS_MAX_AGE_MS', () => {
  let testApp: TestApp;
  let db: Client;
  let analyst: { id: string; token: string };

  const dashboard = (app = testApp, token = analyst.token) =>
    request(app.http).get('/api/admin/dashboard-stats').set('Authorization', `Bearer ${token}`).expect(200);

  /** How many times PostgreSQL has run the dashboard statement in this database. */
  const computations = async () => {
    const { rows } = await db.query<{ calls: string | null }>(
      `SELECT sum(calls)::text AS calls FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE $1`,
      // The statement's own text (its string constants are stored as $n).
      ['%LEFT JOIN latest_kyc_applications k ON k.status = s GROUP BY s%'],
    );
    return Number(rows[0].calls ?? 0);
  };

  /** Backends of this database waiting for a lock (the held dashboard computation). */
  const lockWaiters = async () =>
    Number(
      (
        await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
      ).rows[0].n,
    );

  async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    testApp = await createTestApp({ env: { DASHBOARD_STATS_MAX_AGE_MS: String(MAX_AGE_MS) } });
    analyst = await createAdmin(testApp, AdminRole.Analyst);
    db = new Client({ connectionString: testApp.databaseUrl });
    await db.connect();
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  });

  afterAll(async () => {
    await db?.end();
    await testApp?.close();
  });

  it(`answers ${CONCURRENT} concurrent requests from one computation, then reuses it until the max age, then reads anew`, async () => {
    expect(testApp.config.monitoring.dashboardStatsMaxAgeMs).toBe(MAX_AGE_MS);
    const before = await computations();
    const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => dashboard()));
    expect((await computations()) - before).toBe(1);
    const first = answers[0].body;
    expect(new Set(answers.map((a) => a.body.generatedAt))).toEqual(new Set([first.generatedAt]));
    expect(first.generatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.now() - Date.parse(first.generatedAt))).toBeLessThan(MAX_AGE_MS);

    // A user added now is not in the answers until the computation is MAX_AGE_MS old.
    await createUser(testApp);
    const reused = (await dashboard()).body;
    expect(reused).toEqual(first);
    expect((await computations()) - before).toBe(1);

    const age = Date.now() - Date.parse(first.generatedAt);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, MAX_AGE_MS - age) + 50));
    const fresh = (await dashboard()).body;
    expect(fresh.users.total).toBe(first.users.total + 1);
    expect(Date.parse(fresh.generatedAt)).toBeGreaterThanOrEqual(Date.parse(first.generatedAt) + MAX_AGE_MS);
    expect((await computations()) - before).toBe(2);
  });

  it('Cache-Control: no-cache reads numbers after the request arrived (a change just made shows), still sharing one computation at a time', async () => {
    const fresh = () => dashboard().set('Cache-Control', 'no-cache');
    const first = (await fresh()).body;
    await createUser(testApp);
    // Without it, the result of a moment ago is reused: the new user is not counted yet.
    expect((await dashboard()).body).toEqual(first);

    // A computation held up (users locked), and nine more requests arriving while it runs: they wait for it and then
    // share one new computation, read after they arrived. Two in all, never one per request.
    const before = await computations();
    await db.query('BEGIN');
    let held: Promise<request.Response>;
    let later: Promise<request.Response>[];
    try {
      await db.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      // supertest sends a request when it is awaited (then): start them now.
      held = fresh().then((answer) => answer);
      await waitFor(async () => (await lockWaiters()) === 1);
      later = Array.from({ length: 9 }, () => fresh().then((answer) => answer));
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await db.query('COMMIT');
    }
    const answers = await Promise.all([held, ...later]);
    expect(answers.map((a) => a.body.users.total)).toEqual(Array(10).fill(first.users.total + 1));
    expect((await computations()) - before).toBe(2);
    expect(new Set(answers.slice(1).map((a) => a.body.generatedAt)).size).toBe(1);
    expect(Date.parse(answers[1].body.generatedAt)).toBeGreaterThan(Date.parse(answers[0].body.generatedAt));
    // The fresh result is kept for the requests that do not ask.
    const newest = Math.max(...answers.map((a) => Date.parse(a.body.generatedAt)));
    expect(Date.parse((await dashboard()).body.generatedAt)).toBe(newest);
  });

  it.each([
    ['no-cache', true],
    ['max-age=0', true],
    ['public, No-Cache', true],
    ['max-age="0"', true],
    ['max-age=60', false],
    ['no-store', false],
    ['no-cache-please', false],
    [undefined, false],
  ])('Cache-Control %p asks for fresh numbers: %p', (header, expected) => {
    expect(wantsFreshAnswer(header)).toBe(expected);
  });

  it('with DASHBOARD_STATS_MAX_AGE_MS=0 (the tests’ default) reads anew on every request', async () => {
    const instant = await createTestApp({ databaseUrl: testApp.databaseUrl, env: { DASHBOARD_STATS_MAX_AGE_MS: '0' } });
    try {
      const token = await tokenFor(instant, 'admin', analyst.id);
      const first = (await dashboard(instant, token)).body;
      await createUser(testApp);
      const second = (await dashboard(instant, token)).body;
      expect(second.users.total).toBe(first.users.total + 1);
      expect(Date.parse(second.generatedAt)).toBeGreaterThanOrEqual(Date.parse(first.generatedAt));
    } finally {
      await instant.close();
    }
  });

  it('documents generatedAt in the OpenAPI schema of the answer', async () => {
    const doc = (await request(testApp.http).get('/api/docs-json').expect(200)).body;
    const schema = doc.components.schemas.DashboardStatsDto;
    expect(schema.required).toContain('generatedAt');
    expect(schema.properties.generatedAt).toMatchObject({ type: 'string', format: 'date-time' });
    expect(schema.properties.generatedAt.description).toMatch(/DASHBOARD_STATS_MAX_AGE_MS/);
  });
});
