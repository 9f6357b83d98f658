import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin, createUser } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

/** Whatever a client sends to the accounts routes, the answer is a 4xx, never a 500, and nothing is written. */
describe('Accounts routes against hostile input', () => {
  let testApp: TestApp;
  let investor: Awaited<ReturnType<typeof createUser>>;
  let superadmin: Awaited<ReturnType<typeof createAdmin>>;
  let applicationId: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    investor = await createUser(testApp);
    superadmin = await createAdmin(testApp, AdminRole.Superadmin);
    const [row] = await testApp.dataSource.query(`INSERT INTO kyc_applications (user_id, level) VALUES ($1, 1) RETURNING id`, [
      investor.id,
    ]);
    applicationId = row.id;
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const routes = () => [
    { method: 'post' as const, path: '/api/auth/nonce', token: null },
    { method: 'post' as const, path: '/api/auth/wallet', token: null },
    { method: 'post' as const, path: '/api/auth/admin/login', token: null },
    { method: 'post' as const, path: '/api/users', token: null },
    { method: 'patch' as const, path: '/api/users/me/profile', token: investor.token },
    { method: 'post' as const, path: '/api/kyc/applications', token: investor.token },
    { method: 'post' as const, path: `/api/admin/kyc/${applicationId}/reject`, token: superadmin.token },
    { method: 'patch' as const, path: `/api/admin/users/${investor.id}/status`, token: superadmin.token },
  ];

  let deep: unknown = 'x';
  for (let i = 0; i < 2000; i++) deep = { a: deep };
  const nul = 'a\u0000b';
  const bodies: [string, string | object][] = [
    ['an array', '[]'],
    ['null', 'null'],
    ['a bare string', '"hello"'],
    ['a number', '12'],
    ['malformed JSON', '{"email":'],
    ['__proto__ pollution', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'],
    ['a 2000-level nest', JSON.stringify({ address: deep, firstName: deep, level: deep, reason: deep })],
    ['huge numbers', '{"level":1e400,"notifySms":1e400,"status":-0}'],
    [
      'NUL characters',
      { firstName: nul, displayName: nul, reason: `reason ${nul}`, status: 'suspended', email: `${nul}@x.io`, password: nul, message: nul },
    ],
    ['NUL in one string field', { firstName: nul }],
    ['NUL in a reason', { reason: `reason ${nul}`, status: 'suspended' }],
    ['objects for strings', { email: { $gt: '' }, password: { $ne: 1 }, reason: { toString: 1 }, firstName: [] }],
    ['a body over 1 MB', { reason: 'r'.repeat(1_100_000) }],
  ];

  it.each(bodies)('%s → 4xx on every route, nothing written', async (label, body) => {
    const counts = async () =>
      (
        await testApp.dataSource.query(
          `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM user_profiles) + (SELECT count(*) FROM kyc_applications)
              + (SELECT count(*) FROM admin_logs) + (SELECT count(*) FROM auth_nonces) AS n`,
        )
      )[0].n;
    const before = await counts();
    for (const route of routes()) {
      let req = request(testApp.http)[route.method](route.path).set('Content-Type', 'application/json');
      if (route.token) req = req.set('Authorization', `Bearer ${route.token}`);
      const res = await req.send(typeof body === 'string' ? body : JSON.stringify(body));
      // `__proto__` and `constructor` never become properties, so the profile PATCH sees an empty change (200, no write).
      const emptyPatch = label.includes('__proto__') && route.path.endsWith('/profile') && res.status === 200;
      expect({ route: route.path, clientError: (res.status >= 400 && res.status < 500) || emptyPatch }).toEqual({
        route: route.path,
        clientError: true,
      });
      expect(JSON.stringify(res.body)).not.toMatch(/at .+\.(js|ts):\d+|QueryFailedError|SELECT|INSERT/);
    }
    expect(await counts()).toBe(before);
    const [user] = await testApp.dataSource.query(`SELECT status FROM users WHERE id = $1`, [investor.id]);
    expect(user.status).toBe('active');
    expect(await testApp.dataSource.query(`SELECT 1 FROM user_profiles WHERE user_id = $1`, [investor.id])).toHaveLength(0);
  });

  it.each([
    '/api/users/%E0%A4%A',
    '/api/users/..%2F..%2Fetc%2Fpasswd',
    `/api/users/${'f'.repeat(10_000)}`,
    '/api/users/me/transactions',
    `/api/users/INVESTOR/transactions?limit[]=1&cursor[a]=b&from[]=x`,
    `/api/users/INVESTOR/transactions?from=2026-01-01T00:00:00%2B99:00`,
    `/api/users/INVESTOR/transactions?limit=1e400`,
    `/api/users/INVESTOR/transactions?cursor=${Buffer.from('9999-99-99T99:99:99.999999Z|00000000-0000-4000-8000-000000000000').toString('base64url')}`,
    `/api/users/INVESTOR/transactions?type=deposit%00`,
  ])('GET %s → 4xx', async (path) => {
    const res = await request(testApp.http).get(path.replace('INVESTOR', investor.id)).set('Authorization', `Bearer ${investor.token}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
