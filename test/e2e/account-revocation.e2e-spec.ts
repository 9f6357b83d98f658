import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin, createUser } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

/** A suspended or closed investor's tokens stop working at once, not at expiry. */
describe('Account revocation: existing access tokens of suspended/closed investors', () => {
  let testApp: TestApp;
  // Shared by the second instance below, so it accepts this one's tokens.
  const env = { JWT_SECRET: 'account-revocation-test-secret-0123456789abcdef' };

  beforeAll(async () => {
    testApp = await createTestApp({ env });
  });

  afterAll(async () => {
    await testApp.close();
  });

  const me = (token: string) => request(testApp.http).get('/api/users/me').set('authorization', `Bearer ${token}`);

  it('refuses the token on the very next request after an admin suspends the account, and accepts it again once reactivated', async () => {
    const user = await createUser(testApp);
    const admin = await createAdmin(testApp, AdminRole.Superadmin);
    await me(user.token).expect(200);

    const change = (status: string) =>
      request(testApp.http)
        .patch(`/api/admin/users/${user.id}/status`)
        .set('authorization', `Bearer ${admin.token}`)
        .send({ status, reason: 'fraud review' });
    await change('suspended').expect(200);
    expect((await me(user.token).expect(401)).body.message).toBe('The account is suspended or closed');
    await request(testApp.http).get(`/api/users/${user.id}/transactions`).set('authorization', `Bearer ${user.token}`).expect(401);

    await change('active').expect(200);
    await me(user.token).expect(200);
  });

  it('refuses the token when the status changes outside this instance (another instance, the importer, SQL)', async () => {
    const user = await createUser(testApp);
    await me(user.token).expect(200);
    // No route of this app is involved: only the trigger's notification can tell it.
    await testApp.dataSource.query(`UPDATE users SET status = 'closed' WHERE id = $1`, [user.id]);
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 401; attempt++) {
      status = (await me(user.token)).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(401);
    expect((await me(user.token)).body.message).toBe('The account is suspended or closed');
  });

  it('checks the database per request while its notification connection is down, and reconnects', async () => {
    const user = await createUser(testApp);
    await me(user.token).expect(200);
    const listeners = `SELECT pid FROM pg_stat_activity WHERE application_name = 'pend-backend-account-status' AND datname = current_database()`;
    await testApp.dataSource.query(`SELECT pg_terminate_backend(pid) FROM (${listeners}) l`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // No notification can arrive now: only the per-request check can see this.
    await testApp.dataSource.query(`UPDATE users SET status = 'suspended' WHERE id = $1`, [user.id]);
    expect((await me(user.token).expect(401)).body.message).toBe('The account is suspended or closed');

    let reconnected = false;
    for (let attempt = 0; attempt < 100 && !reconnected; attempt++) {
      reconnected = (await testApp.dataSource.query(listeners)).length > 0;
      if (!reconnected) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(reconnected).toBe(true);
    await testApp.dataSource.query(`UPDATE users SET status = 'active' WHERE id = $1`, [user.id]);
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = (await me(user.token)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(200);
  });

  it('knows the investors suspended before the app started', async () => {
    const user = await createUser(testApp);
    await testApp.dataSource.query(`UPDATE users SET status = 'suspended' WHERE id = $1`, [user.id]);
    const second = await createTestApp({ databaseUrl: testApp.databaseUrl, env });
    try {
      const refused = await request(second.http).get('/api/users/me').set('authorization', `Bearer ${user.token}`).expect(401);
      expect(refused.body.message).toBe('The account is suspended or closed');
      const other = await createUser(second);
      await request(second.http).get('/api/users/me').set('authorization', `Bearer ${other.token}`).expect(200);
    } finally {
      await second.close();
    }
  });
});
