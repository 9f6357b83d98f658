import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin, createUser } from '../utils/auth';
import { agreement, countRows, insertAsset, setKycStatus } from '../utils/market-fixtures';
import { createTestApp, TestApp } from '../utils/test-app';

/** MAINTENANCE_MODE=read_only: planned work on the primary; reads are served, every write is a quick 503. */
describe('MAINTENANCE_MODE=read_only', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { MAINTENANCE_MODE: 'read_only', MAINTENANCE_RETRY_AFTER_SECONDS: '120' } });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('refuses every write, sign-in included, with 503 maintenance_read_only and Retry-After, and writes nothing', async () => {
    const user = await createUser(testApp);
    await setKycStatus(testApp, user.id);
    const admin = await createAdmin(testApp, AdminRole.Superadmin);
    const assetId = await insertAsset(testApp, { targetAmount: '1000' });
    const tables = [
      'users',
      'user_profiles',
      'investments',
      'idempotency_keys',
      'auth_nonces',
      'rate_limit_windows',
      'assets',
      'admin_logs',
    ];
    const before = await Promise.all(tables.map((table) => countRows(testApp, table)));
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });

    const writes = [
      request(testApp.http).post('/api/users').send({ phone: '+15550001111', walletAddress: user.account.address }),
      request(testApp.http).post('/api/auth/nonce').send({ address: user.account.address }),
      request(testApp.http).post('/api/auth/admin/login').send({ email: admin.email, password: 'whatever-it-is' }),
      request(testApp.http).patch('/api/users/me/profile').set(auth(user.token)).send({ firstName: 'Ada' }),
      request(testApp.http)
        .post('/api/investments')
        .set(auth(user.token))
        .set('Idempotency-Key', 'maintenance-1')
        .send({ assetId, amount: '100', agreement: agreement() }),
      request(testApp.http).post('/api/assets').set(auth(admin.token)).send({ name: 'New' }),
      request(testApp.http).patch(`/api/assets/${assetId}`).set(auth(admin.token)).send({ status: 'closed' }),
    ];
    for (const res of await Promise.all(writes)) {
      expect({ route: `${res.request.method} ${res.request.url}`, status: res.status, code: res.body.code }).toEqual({
        route: `${res.request.method} ${res.request.url}`,
        status: 503,
        code: 'maintenance_read_only',
      });
      expect(res.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.any(String),
        code: 'maintenance_read_only',
      });
      expect(res.headers['retry-after']).toBe('120');
    }
    expect(await Promise.all(tables.map((table) => countRows(testApp, table)))).toEqual(before);
  });

  it('keeps serving the reads (user detail, history, search, analytics, dashboard)', async () => {
    const user = await createUser(testApp);
    const analyst = await createAdmin(testApp, AdminRole.Superadmin);
    await insertAsset(testApp, { name: 'Maintenance tower' });
    const get = (url: string, token: string) => request(testApp.http).get(url).set('authorization', `Bearer ${token}`);
    const answers = await Promise.all([
      get('/api/users/me', user.token),
      get(`/api/users/${user.id}`, user.token),
      get(`/api/users/${user.id}/transactions?limit=5`, user.token),
      get('/api/assets?q=maintenance', user.token),
      get('/api/assets/analytics', analyst.token),
      get('/api/admin/dashboard-stats', analyst.token),
    ]);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(answers[3].body.items[0].name).toBe('Maintenance tower');
  });

  it('reports health 200 `degraded` (a load balancer keeps routing reads here), naming the maintenance', async () => {
    const res = await request(testApp.http).get('/api/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'degraded',
      info: { database: { status: 'up' }, maintenance: { status: 'up', mode: 'read_only' } },
      error: {},
    });
  });

  it('declares maintenance_read_only on every write route of the OpenAPI document, and on no read', async () => {
    const { body } = await request(testApp.http).get('/api/docs-json').expect(200);
    const declared: string[] = [];
    const missing: string[] = [];
    for (const [path, item] of Object.entries(
      body.paths as Record<string, Record<string, { responses: Record<string, { 'x-codes'?: string[] }> }>>,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        const has = (operation.responses['503']?.['x-codes'] ?? []).includes('maintenance_read_only');
        if (method === 'get') {
          if (has) declared.push(`GET ${path}`);
        } else if (!has) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect({ declared, missing }).toEqual({ declared: [], missing: [] });
  });
});
