import { Client } from 'pg';
import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
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
