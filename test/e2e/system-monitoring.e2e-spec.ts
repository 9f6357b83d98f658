import Decimal from 'decimal.js';
import { Client } from 'pg';
import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { SystemJobsService } from '../../src/system/jobs/system-jobs.service';
import { SlowQueryRecorder } from '../../src/system/monitoring/slow-query.recorder';
import { ApiUsageBuffer } from '../../src/system/usage/api-usage.buffer';
import { createAdmin, createUser } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, attempts = 40): Promise<T> {
  let value = await probe();
  for (let i = 0; i < attempts && !ok(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
}

describe('Admin monitoring endpoints, /metrics, api_usage_logs and system_metrics', () => {
  let testApp: TestApp;
  let analyst: { id: string; token: string };
  let support: { token: string };
  const get = (path: string, token = analyst.token) => request(testApp.http).get(path).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    // A low slow-query threshold so pg_sleep(0.3) counts; a flush interval longer than the tests so flushes are explicit.
    testApp = await createTestApp({ env: { DB_SLOW_QUERY_MS: '200', API_USAGE_FLUSH_MS: '60000', API_USAGE_BATCH_SIZE: '1000' } });
    analyst = await createAdmin(testApp, AdminRole.Analyst);
    support = await createAdmin(testApp, AdminRole.Support);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('guards every endpoint: 401 without a token, 403 without the permission', async () => {
    for (const path of [
      '/api/admin/database-health',
      '/api/admin/database-activity',
      '/api/admin/performance-metrics',
      '/api/admin/dashboard-stats',
    ]) {
      await request(testApp.http).get(path).expect(401);
      const denied = await get(path, support.token).expect(403);
      expect(denied.body.message).toMatch(/system:read|analytics:read/);
    }
    const user = await createUser(testApp);
    await get('/api/admin/database-health', user.token).expect(403);
  });

  it('is documented in OpenAPI with a response schema per endpoint', async () => {
    const doc = (await request(testApp.http).get('/api/docs-json').expect(200)).body;
    for (const [route, schema] of [
      ['/api/admin/database-health', 'DatabaseHealthDto'],
      ['/api/admin/database-activity', 'DatabaseActivityDto'],
      ['/api/admin/performance-metrics', 'PerformanceMetricsDto'],
      ['/api/admin/dashboard-stats', 'DashboardStatsDto'],
    ]) {
      expect(doc.paths[route].get.responses['200'].content['application/json'].schema.$ref).toBe(`#/components/schemas/${schema}`);
      expect(doc.paths[route].get.security).toEqual([{ admin: [] }]);
    }
    expect(Object.keys(doc.components.schemas.DatabaseHealthDto.properties)).toEqual(
      expect.arrayContaining(['status', 'connections', 'performance', 'uptime', 'databaseSize', 'lastBackup']),
    );
    expect(doc.paths['/metrics']).toBeUndefined();
  });

  it('database-health reads pg_stat_* and the pool, and counts a pg_sleep slower than DB_SLOW_QUERY_MS', async () => {
    const before = (await get('/api/admin/database-health').expect(200)).body;
    expect(before).toMatchObject({
      status: expect.stringMatching(/healthy|degraded/),
      connections: { active: expect.any(Number), idle: expect.any(Number), total: expect.any(Number), max: expect.any(Number) },
      performance: { slowQueries: expect.any(Number), slowQueryThresholdMs: 200 },
      uptime: expect.any(Number),
      databaseSize: { bytes: expect.any(Number), pretty: expect.any(String) },
      lastBackup: null,
    });
    expect(before.connections.max).toBeGreaterThanOrEqual(before.connections.total);
    expect(before.connections.total).toBeGreaterThanOrEqual(1);
    expect(before.connections.pool.max).toBe(testApp.config.database.poolMax);
    expect(before.performance.cacheHitRatio).toBeGreaterThan(0);
    expect(before.performance.cacheHitRatio).toBeLessThanOrEqual(1);
    expect(before.performance.avgQueryTime).toBeGreaterThan(0);
    expect(before.databaseSize.bytes).toBeGreaterThan(1_000_000);

    await testApp.dataSource.query('SELECT pg_sleep(0.3)');
    await testApp.app.get(SlowQueryRecorder).settled();
    const after = (await get('/api/admin/database-health').expect(200)).body;
    expect(after.performance.slowQueries).toBe(before.performance.slowQueries + 1);
    const [log] = await testApp.dataSource.query(
      `SELECT message, details FROM system_logs WHERE category = 'slow_query' ORDER BY id DESC LIMIT 1`,
    );
    expect(log.details.query).toContain('pg_sleep');
    expect(log.details.durationMs).toBeGreaterThanOrEqual(300);
    expect((await request(testApp.metricsUrl).get('/metrics').expect(200)).text).toMatch(/^pend_db_slow_queries_total [1-9]/m);
  });

  it('database-activity shows a running query, the lock that blocks it, and the longest transaction', async () => {
    const holder = new Client({ connectionString: testApp.databaseUrl, application_name: 'ops-test-holder' });
    const waiter = new Client({ connectionString: testApp.databaseUrl, application_name: 'ops-test-waiter' });
    await holder.connect();
    await waiter.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE user_tiers IN ACCESS EXCLUSIVE MODE');
      const [{ pid: holderPid }] = (await holder.query('SELECT pg_backend_pid() AS pid')).rows;
      const [{ pid: waiterPid }] = (await waiter.query('SELECT pg_backend_pid() AS pid')).rows;
      const issuedAt = Date.now();
      const blocked = waiter.query('SELECT count(*) FROM user_tiers');
      // Let the blocked query wait a known while, so its reported duration has a floor.
      await new Promise((r) => setTimeout(r, 300));

      const body = await until(
        async () => (await get('/api/admin/database-activity').expect(200)).body,
        (b) => b.blockingLocks.some((l: { blockedPid: number }) => l.blockedPid === waiterPid),
      );
      const lock = body.blockingLocks.find((l: { blockedPid: number }) => l.blockedPid === waiterPid);
      expect(lock).toMatchObject({
        blockedQuery: 'SELECT count(*) FROM user_tiers',
        blockingPids: [holderPid],
        waitingForLock: expect.stringContaining('user_tiers'),
      });
      expect(lock.blocking[0]).toMatchObject({ pid: holderPid, state: 'idle in transaction' });
      const current = body.currentQueries.find((q: { pid: number }) => q.pid === waiterPid);
      expect(current).toMatchObject({ state: 'active', waitEventType: 'Lock', application: 'ops-test-waiter' });
      expect(current.durationMs).toBeGreaterThanOrEqual(250);
      expect(current.durationMs).toBeLessThanOrEqual(Date.now() - issuedAt + 50);
      const transaction = body.longestTransactions.find((t: { pid: number }) => t.pid === holderPid);
      expect(transaction.transactionMs).toBeGreaterThan(0);

      await holder.query('ROLLBACK');
      await blocked;
      const released = (await get('/api/admin/database-activity').expect(200)).body;
      expect(released.blockingLocks.some((l: { blockedPid: number }) => l.blockedPid === waiterPid)).toBe(false);
    } finally {
      await holder.end();
      await waiter.end();
    }
  });

  it('writes api_usage_logs off the request path: requests answer while the table is locked, rows land after', async () => {
    const buffer = testApp.app.get(ApiUsageBuffer);
    await buffer.flush();
    await get('/api/admin/database-health').expect(200);
    expect(buffer.pending).toBe(1);
    const locker = new Client({ connectionString: testApp.databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE api_usage_logs IN ACCESS EXCLUSIVE MODE');
      let flushed = false;
      // This flush cannot finish while the lock is held; the requests below must not wait for it.
      const flushing = buffer.flush().then(() => (flushed = true));
      for (let i = 0; i < 2; i++) await get('/api/admin/database-health').expect(200);
      await request(testApp.http).get('/api/does-not-exist').expect(404);
      expect(flushed).toBe(false);
      expect(buffer.pending).toBe(3);
      await locker.query('COMMIT');
      await flushing;
      await buffer.flush();
      expect(buffer.pending).toBe(0);
    } finally {
      await locker.end();
    }
    const rows = await testApp.dataSource.query(
      `SELECT method, route, status_code, duration_ms, user_id, admin_user_id, ip FROM api_usage_logs WHERE route = '/api/admin/database-health' AND admin_user_id = $1`,
      [analyst.id],
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows[0]).toMatchObject({ method: 'GET', status_code: 200, user_id: null, admin_user_id: analyst.id });
    expect(rows[0].duration_ms).toBeGreaterThan(0);
    expect(rows[0].ip).toMatch(/127\.0\.0\.1|::1/);
    const [unmatched] = await testApp.dataSource.query(
      `SELECT route, status_code FROM api_usage_logs WHERE status_code = 404 ORDER BY id DESC LIMIT 1`,
    );
    expect(unmatched).toEqual({ route: '(unmatched)', status_code: 404 });
  });

  it("logs the client address by the one rule (@ClientIp): a TRUST_PROXY proxy's X-Forwarded-For, null for a proxy's `unknown`", async () => {
    const buffer = testApp.app.get(ApiUsageBuffer);
    const caller = await createAdmin(testApp, AdminRole.Analyst);
    // The test app trusts loopback as its proxy (test/utils/test-app.ts), as the audit log and the login limits do.
    for (const forwarded of ['198.51.100.23', 'unknown', '2001:db8::7']) {
      await get('/api/admin/database-activity', caller.token).set('X-Forwarded-For', forwarded).expect(200);
    }
    await buffer.flush();
    const rows: { ip: string | null }[] = await testApp.dataSource.query(
      `SELECT ip FROM api_usage_logs WHERE admin_user_id = $1 AND route = '/api/admin/database-activity' ORDER BY id`,
      [caller.id],
    );
    expect(rows.map((r) => r.ip)).toEqual(['198.51.100.23', null, '2001:db8::7']);
  });

  it('performance-metrics gives per-route percentiles over the last hour, the error rate and the slowest statements', async () => {
    for (let i = 0; i < 5; i++) await request(testApp.http).get('/api/health/live').expect(200);
    const body = (await get('/api/admin/performance-metrics').expect(200)).body;
    expect(body.windowMinutes).toBe(60);
    const live = body.routes.find((r: { route: string }) => r.route === '/api/health/live');
    expect(live).toMatchObject({ method: 'GET', serverErrors: 0, errorRate: 0 });
    expect(live.count).toBeGreaterThanOrEqual(5);
    expect(live.p50).toBeGreaterThan(0);
    expect(live.p95).toBeGreaterThanOrEqual(live.p50);
    expect(live.p99).toBeGreaterThanOrEqual(live.p95);
    expect(body.requests).toBeGreaterThanOrEqual(live.count);
    expect(body.clientErrorRate).toBeGreaterThan(0); // the 401/403/404s above
    // Nothing this suite sent answered 5xx, so no route counts a server error and the rate is exactly 0.
    expect(body.routes.filter((r: { serverErrors: number }) => r.serverErrors !== 0)).toEqual([]);
    expect(body.errorRate).toBe(0);
    expect(body.slowestQueries.source).toBe('pg_stat_statements'); // the test server preloads it
    expect(body.slowestQueries.queries.length).toBeGreaterThan(0);
    expect(body.slowestQueries.queries[0]).toMatchObject({
      query: expect.any(String),
      calls: expect.any(Number),
      meanMs: expect.any(Number),
    });

    for (let i = 0; i < 3; i++) await request(testApp.http).get('/api/health/live').expect(200);
    const again = (await get('/api/admin/performance-metrics').expect(200)).body;
    expect(again.routes.find((r: { route: string }) => r.route === '/api/health/live').count).toBe(live.count + 3);
  });

  it('dashboard-stats moves when users, KYC applications, assets and investments are added; money stays exact', async () => {
    const before = (await get('/api/admin/dashboard-stats').expect(200)).body;
    expect(Object.keys(before.assetsByStatus).sort()).toEqual(['cancelled', 'closed', 'draft', 'funded', 'open']);
    expect(Object.keys(before.amountRaised.byCategory).sort()).toEqual(['commodities', 'private_credit', 'real_estate', 'venture']);
    expect(before.amountRaised.total).toMatch(/^\d+\.\d{6}$/);

    const user = await createUser(testApp);
    await testApp.dataSource.query(`INSERT INTO kyc_applications (user_id, status) VALUES ($1, 'pending')`, [user.id]);
    const [asset] = await testApp.dataSource.query(
      `INSERT INTO assets (name, category, status, target_amount) VALUES ('Ops test building', 'real_estate', 'open', '1000000') RETURNING id`,
    );
    for (const [amount, status] of [
      ['1234.567891', 'confirmed'],
      ['0.000009', 'confirmed'],
      ['500', 'pending'],
    ]) {
      await testApp.dataSource.query(`INSERT INTO investments (user_id, asset_id, amount, status) VALUES ($1, $2, $3, $4)`, [
        user.id,
        asset.id,
        amount,
        status,
      ]);
    }

    const after = (await get('/api/admin/dashboard-stats').expect(200)).body;
    expect(after.users.total).toBe(before.users.total + 1);
    expect(after.users.new24h).toBe(before.users.new24h + 1);
    expect(after.users.new7d).toBe(before.users.new7d + 1);
    expect(after.usersByTier.basic).toBe((before.usersByTier.basic ?? 0) + 1);
    expect(after.usersByKycStatus.pending).toBe(before.usersByKycStatus.pending + 1);
    expect(after.pendingKycReviews).toBe(before.pendingKycReviews + 1);
    expect(after.assetsByStatus.open).toBe(before.assetsByStatus.open + 1);
    expect(after.amountRaised.total).toBe(new Decimal(before.amountRaised.total).plus('1234.567900').toFixed(6));
    expect(after.amountRaised.byCategory.real_estate).toBe(
      new Decimal(before.amountRaised.byCategory.real_estate).plus('1234.5679').toFixed(6),
    );
    expect(after.amountRaised.byCategory.venture).toBe(before.amountRaised.byCategory.venture);
    expect(after.investments.count24h).toBe(before.investments.count24h + 3);
    expect(after.investments.amount24h).toBe(new Decimal(before.investments.amount24h).plus('1734.5679').toFixed(6));
  });

  it('/metrics exposes the named series on a per-app registry, without a token', async () => {
    await request(testApp.http).get('/api/health/live').expect(200);
    const [run] = await testApp.dataSource.query(
      `INSERT INTO import_runs (source, status, finished_at, report) VALUES ('ops-test', 'completed', now(), $1) RETURNING id`,
      [{ tables: { users: { read: 10, inserted: 7, updated: 1, unchanged: 0, quarantined: 2 } } }],
    );
    await testApp.dataSource.query(
      `INSERT INTO import_quarantine (run_id, source_file, location, reason) VALUES ($1, 'users.json', '$[3]', 'bad phone')`,
      [run.id],
    );
    const text = (
      await request(testApp.metricsUrl)
        .get('/metrics')
        .expect(200)
        .expect('Content-Type', /text\/plain/)
    ).text;
    expect(text).toMatch(
      /^pend_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/health\/live",status_code="200"\} \d+/m,
    );
    // Buckets at the seed's latency thresholds (25, 45, 75, 150, 200 ms), so alerts and dashboards read them exactly.
    for (const le of ['0.025', '0.045', '0.075', '0.15', '0.2']) {
      expect(text).toContain(
        `pend_http_request_duration_seconds_bucket{le="${le}",method="GET",route="/api/health/live",status_code="200"}`,
      );
    }
    expect(text).toMatch(/^pend_db_pool_connections\{state="in_use"\} \d+/m);
    expect(text).toMatch(/^pend_db_pool_connections\{state="idle"\} \d+/m);
    expect(text).toMatch(/^pend_db_pool_connections\{state="waiting"\} \d+/m);
    expect(text).toMatch(/^pend_import_rows\{kind="quarantined"\} 1$/m);
    expect(text).toMatch(/^pend_import_rows\{kind="runs_completed"\} 1$/m);
    expect(text).toMatch(/^pend_import_last_run_rows\{table="users",result="inserted"\} 7$/m);
    expect(text).toMatch(/^pend_import_last_run_rows\{table="users",result="quarantined"\} 2$/m);
    expect(text).toMatch(/^pend_api_usage_log_rows_total\{result="written"\} [1-9]/m);
    expect(text).toMatch(/^pend_process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^pend_nodejs_heap_size_used_bytes /m);
    expect(text).toMatch(/^# TYPE pend_backup_last_success_timestamp_seconds gauge/m);
  });

  it('samples system_metrics (pool, size, rows per table, request rate) and applies the retention', async () => {
    const written = await testApp.app.get(SystemJobsService).sample();
    const names = (await testApp.dataSource.query(`SELECT DISTINCT name FROM system_metrics`)).map((r: { name: string }) => r.name).sort();
    expect(names).toEqual([
      'availability',
      'db_pool_idle',
      'db_pool_in_use',
      'db_pool_waiting',
      'db_size_bytes',
      'http_requests_per_minute',
      'table_rows_estimate',
    ]);
    const [{ n }] = await testApp.dataSource.query(`SELECT count(*)::int AS n FROM system_metrics`);
    expect(n).toBe(written);
    const [users] = await testApp.dataSource.query(
      `SELECT labels FROM system_metrics WHERE name = 'table_rows_estimate' AND labels->>'table' = 'users'`,
    );
    expect(users.labels).toEqual({ table: 'users' });

    await testApp.dataSource.query(
      `INSERT INTO api_usage_logs (method, route, status_code, duration_ms, created_at) VALUES ('GET', '/api/old', 200, 1, now() - interval '91 days')`,
    );
    await testApp.dataSource.query(`INSERT INTO system_metrics (name, value, recorded_at) VALUES ('old', 1, now() - interval '31 days')`);
    const removed = await testApp.app.get(SystemJobsService).applyRetention();
    expect(removed).toEqual({ apiUsageLogs: 1, systemMetrics: 1 });
    expect(await testApp.dataSource.query(`SELECT 1 FROM api_usage_logs WHERE route = '/api/old'`)).toEqual([]);
    const [{ kept }] = await testApp.dataSource.query(`SELECT count(*)::int AS kept FROM system_metrics`);
    expect(kept).toBe(written);
  });
});
