import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { privateKeyToAccount, generatePrivateKey } from 'viem/accounts';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin, createUser } from '../utils/auth';
import { agreement, insertAsset, setKycStatus } from '../utils/market-fixtures';
import { createTestDatabase, dropTestDatabase, queryDatabase } from '../utils/test-database';
import { createTestApp, TestApp } from '../utils/test-app';

/**
 * Two API instances of one deployment on one database (what CLUSTER_WORKERS or a load balancer gives):
 * what must hold across instances is kept in PostgreSQL, never in one process's memory.
 */
describe('Two instances on one database', () => {
  let databaseUrl: string;
  let a: TestApp;
  let b: TestApp;
  const env = { JWT_SECRET: 'two-instances-e2e-shared-secret-0123456789', SIWE_NONCE_RATE_PER_MINUTE: '6' };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    a = await createTestApp({ databaseUrl, env });
    b = await createTestApp({ databaseUrl, env: { ...env, DB_MIGRATIONS_RUN: 'false' } });
  });

  afterAll(async () => {
    await a?.app.close();
    await b?.app.close();
    await dropTestDatabase(databaseUrl);
  });

  it('rate limits count across instances: sign-in nonces per client, alternating A and B', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const address = privateKeyToAccount(generatePrivateKey()).address;
      const res = await request((i % 2 === 0 ? a : b).http)
        .post('/api/auth/nonce')
        .set('X-Forwarded-For', '198.51.100.77')
        .send({ address });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 429, 429, 429, 429]);
  });

  it('token revocation: an investor suspended through A is refused by B at once', async () => {
    const user = await createUser(a);
    const admin = await createAdmin(a, AdminRole.Superadmin);
    const me = () => request(b.http).get('/api/users/me').set('authorization', `Bearer ${user.token}`);
    await me().expect(200);
    await request(a.http)
      .patch(`/api/admin/users/${user.id}/status`)
      .set('authorization', `Bearer ${admin.token}`)
      .send({ status: 'suspended', reason: 'two-instance revocation check' })
      .expect(200);
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 401; attempt++) {
      status = (await me()).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(401);
  });

  it('idempotency: one Idempotency-Key sent to A and B at once makes one investment, both answers name it', async () => {
    const user = await createUser(a);
    await setKycStatus(a, user.id);
    const assetId = await insertAsset(a, { targetAmount: '100000', minInvestment: '10' });
    const key = randomUUID();
    const body = { assetId, amount: '25', agreement: agreement() };
    const send = (app: TestApp) =>
      request(app.http).post('/api/investments').set('authorization', `Bearer ${user.token}`).set('Idempotency-Key', key).send(body);
    const answers = await Promise.all([send(a), send(b), send(a), send(b)]);
    const ids = new Set(answers.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(answers.map((r) => r.status).filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect(ids.size).toBe(1);
    const rows = await queryDatabase<{ n: number }>(databaseUrl, `SELECT count(*)::int AS n FROM investments WHERE user_id = $1`, [
      user.id,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('the investment target holds: concurrent investments through A and B never commit past it', async () => {
    const assetId = await insertAsset(a, { targetAmount: '100', minInvestment: '10' });
    const investors = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const user = await createUser(a);
        await setKycStatus(a, user.id);
        return user;
      }),
    );
    const attempts = investors.flatMap((user, u) =>
      Array.from({ length: 3 }, (_, i) =>
        request(((u + i) % 2 === 0 ? a : b).http)
          .post('/api/investments')
          .set('authorization', `Bearer ${user.token}`)
          .set('Idempotency-Key', randomUUID())
          .send({ assetId, amount: '10', agreement: agreement() }),
      ),
    );
    const answers = await Promise.all(attempts);
    const accepted = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.body.code).filter((code) => code !== 'asset_oversubscribed')).toEqual([]);
    expect(accepted).toHaveLength(10);
    const [{ committed }] = await queryDatabase<{ committed: string }>(
      databaseUrl,
      `SELECT coalesce(sum(amount), 0)::numeric(24,6)::text AS committed FROM investments WHERE asset_id = $1 AND status IN ('pending', 'confirmed')`,
      [assetId],
    );
    expect(committed).toBe('100.000000');
  });
});
