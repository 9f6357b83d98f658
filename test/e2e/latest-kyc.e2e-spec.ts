import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin, createUser } from '../utils/auth';
import { agreement, insertAsset } from '../utils/market-fixtures';
import { createTestApp, TestApp } from '../utils/test-app';

/**
 * "A user's latest KYC application" has one definition (the latest_kyc_applications view): latest submitted,
 * then latest created, then highest id. The profile, the investment check and the dashboard used to order it
 * three ways (by id in users, by created_at in investments and monitoring), so two applications submitted at the
 * same instant made the profile say "rejected" while the investment went through as "approved".
 */
describe("A user's latest KYC application: one definition for profile, investing and the dashboard", () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('two applications submitted at the same instant: every reader picks the one created last', async () => {
    const analyst = await createAdmin(testApp, AdminRole.Analyst);
    const dashboard = async () =>
      (await request(testApp.http).get('/api/admin/dashboard-stats').set('Authorization', `Bearer ${analyst.token}`).expect(200)).body
        .usersByKycStatus as Record<string, number>;
    const before = await dashboard();

    const user = await createUser(testApp);
    const submitted = '2026-01-01T10:00:00Z';
    // Created later but with the lower id: ordering by id picks the other one, ordering by created_at this one.
    await testApp.dataSource.query(
      `INSERT INTO kyc_applications (id, user_id, status, level, submitted_at, created_at) VALUES
         ('00000000-0000-4000-8000-000000000001', $1, 'approved', 1, $2, '2026-01-01T10:00:02Z'),
         ('ffffffff-ffff-4fff-bfff-ffffffffffff', $1, 'rejected', 1, $2, '2026-01-01T10:00:01Z')`,
      [user.id, submitted],
    );

    const profile = await request(testApp.http).get('/api/users/me').set('Authorization', `Bearer ${user.token}`).expect(200);
    expect(profile.body.kyc).toMatchObject({ status: 'approved', approvedLevel: 1 });

    const assetId = await insertAsset(testApp, { targetAmount: '1000' });
    await request(testApp.http)
      .post('/api/investments')
      .set('Authorization', `Bearer ${user.token}`)
      .send({ assetId, amount: '10', agreement: agreement() })
      .expect(201);

    const after = await dashboard();
    expect(after.approved).toBe(before.approved + 1);
    expect(after.rejected).toBe(before.rejected);
  });
});
