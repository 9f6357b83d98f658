import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin, createUser } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

const SHA = 'ab'.repeat(32);
const passport = { type: 'passport', sha256: SHA, storageKey: 'kyc/u1/passport.jpg', mimeType: 'image/jpeg' };
const selfie = { type: 'selfie', sha256: 'CD'.repeat(32), storageKey: 'kyc/u1/selfie.png', mimeType: 'image/png' };

describe('KYC: investor submission and admin review state machine', () => {
  let testApp: TestApp;
  let compliance: Awaited<ReturnType<typeof createAdmin>>;

  beforeAll(async () => {
    testApp = await createTestApp();
    compliance = await createAdmin(testApp, AdminRole.Compliance);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const submit = (token: string, body: object) =>
    request(testApp.http).post('/api/kyc/applications').set('Authorization', `Bearer ${token}`).send(body);
  const act = (id: string, action: string, body: object = {}, token = compliance.token) =>
    request(testApp.http)
      .post(`/api/admin/kyc/${id}/${action}`)
      .set('Authorization', `Bearer ${token}`)
      .set('X-Forwarded-For', '198.51.100.23')
      .send(body);
  const countApplications = async () => (await testApp.dataSource.query(`SELECT count(*)::int AS n FROM kyc_applications`))[0].n as number;

  it('an investor submits with document metadata, sees it, and cannot open a second one while it is pending', async () => {
    const user = await createUser(testApp);
    const res = await submit(user.token, { level: 2, documents: [passport, selfie] }).expect(201);
    expect(res.body).toMatchObject({ userId: user.id, status: 'pending', level: 2, reviewedAt: null });
    expect(res.body.documents).toEqual([
      expect.objectContaining({
        type: 'passport',
        sha256: SHA,
        storageKey: 'kyc/u1/passport.jpg',
        mimeType: 'image/jpeg',
        status: 'pending',
      }),
      expect.objectContaining({ type: 'selfie', sha256: 'cd'.repeat(32), status: 'pending' }),
    ]);
    const mine = await request(testApp.http).get('/api/kyc/applications/me').set('Authorization', `Bearer ${user.token}`).expect(200);
    expect(mine.body.map((a: { id: string }) => a.id)).toEqual([res.body.id]);
    const second = await submit(user.token, { level: 1, documents: [passport] }).expect(409);
    expect(second.body.code).toBe('kyc_application_open');
    const me = await request(testApp.http).get('/api/users/me').set('Authorization', `Bearer ${user.token}`).expect(200);
    expect(me.body.kyc).toMatchObject({ status: 'pending', latestApplicationId: res.body.id, approvedLevel: null });
  });

  it('moves pending → in_review → approved, audited in admin_logs with the change; final states refuse further moves (409)', async () => {
    const user = await createUser(testApp);
    const { body: application } = await submit(user.token, { level: 1, documents: [passport] }).expect(201);

    const reviewing = await act(application.id, 'start-review').expect(200);
    expect(reviewing.body.status).toBe('in_review');
    await act(application.id, 'start-review').expect(409);

    const approved = await act(application.id, 'approve', { note: 'documents match' }).expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', reviewedBy: compliance.email, rejectionReason: null });
    expect(approved.body.documents[0].status).toBe('accepted');
    const [row] = await testApp.dataSource.query(`SELECT reviewer_admin_id, reviewed_at FROM kyc_applications WHERE id = $1`, [
      application.id,
    ]);
    expect(row.reviewer_admin_id).toBe(compliance.id);

    const logs = await testApp.dataSource.query(
      `SELECT action, admin_user_id, admin_email, details, ip FROM admin_logs WHERE target_type = 'kyc_application' AND target_id = $1 ORDER BY "timestamp"`,
      [application.id],
    );
    expect(logs).toEqual([
      expect.objectContaining({
        action: 'kyc.start_review',
        admin_user_id: compliance.id,
        details: expect.objectContaining({ from: 'pending', to: 'in_review' }),
      }),
      {
        action: 'kyc.approve',
        admin_user_id: compliance.id,
        admin_email: compliance.email,
        details: { userId: user.id, level: 1, from: 'in_review', to: 'approved', note: 'documents match' },
        ip: '198.51.100.23',
      },
    ]);

    const conflict = await act(application.id, 'reject', { reason: 'changed my mind' }).expect(409);
    expect(conflict.body.code).toBe('kyc_illegal_transition');
    await act(application.id, 'approve').expect(409);

    // Approved at level 1: the same level again is refused, a higher one may be applied for.
    expect((await submit(user.token, { level: 1, documents: [passport] }).expect(409)).body.code).toBe('kyc_already_approved');
    await submit(user.token, { level: 2, documents: [passport] }).expect(201);
  });

  it('rejects straight from pending only with a reason, which the investor then sees', async () => {
    const user = await createUser(testApp);
    const { body: application } = await submit(user.token, { level: 1, documents: [passport] }).expect(201);
    const before = await testApp.dataSource.query(`SELECT count(*)::int AS n FROM admin_logs`);
    const missing = await act(application.id, 'reject', {}).expect(400);
    expect(JSON.stringify(missing.body.message)).toContain('reason');
    await act(application.id, 'reject', { reason: ['x'] }).expect(400);
    const after = await testApp.dataSource.query(`SELECT count(*)::int AS n FROM admin_logs`);
    expect(after[0].n).toBe(before[0].n);

    const rejected = await act(application.id, 'reject', { reason: 'Passport photo unreadable' }).expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: 'Passport photo unreadable' });
    expect(rejected.body.documents[0].status).toBe('rejected');
    const mine = await request(testApp.http).get('/api/kyc/applications/me').set('Authorization', `Bearer ${user.token}`).expect(200);
    expect(mine.body[0]).toMatchObject({ status: 'rejected', rejectionReason: 'Passport photo unreadable' });
    // A rejected investor may try again.
    await submit(user.token, { level: 1, documents: [passport] }).expect(201);
  });

  it('lets exactly one of two concurrent decisions win', async () => {
    const user = await createUser(testApp);
    const { body: application } = await submit(user.token, { level: 1, documents: [passport] }).expect(201);
    const [a, b] = await Promise.all([act(application.id, 'approve'), act(application.id, 'reject', { reason: 'duplicate account' })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const logs = await testApp.dataSource.query(`SELECT action FROM admin_logs WHERE target_id = $1`, [application.id]);
    expect(logs).toHaveLength(1);
  });

  it('lists the review queue by status, oldest first, with keyset pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const user = await createUser(testApp);
      ids.push((await submit(user.token, { level: 1, documents: [passport] }).expect(201)).body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string; status: string; documents: unknown[] }[]; nextCursor: string | null } } = await request(
        testApp.http,
      )
        .get(`/api/admin/kyc?status=pending&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set('Authorization', `Bearer ${compliance.token}`)
        .expect(200);
      expect(res.body.items.every((a) => a.status === 'pending' && a.documents.length >= 1)).toBe(true);
      seen.push(...res.body.items.map((a) => a.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.slice(-3)).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
    await request(testApp.http).get(`/api/admin/kyc?status=done`).set('Authorization', `Bearer ${compliance.token}`).expect(400);
    await request(testApp.http).get(`/api/admin/kyc/${ids[0]}`).set('Authorization', `Bearer ${compliance.token}`).expect(200);
    await request(testApp.http)
      .get(`/api/admin/kyc/00000000-0000-4000-8000-000000000000`)
      .set('Authorization', `Bearer ${compliance.token}`)
      .expect(404);
    await act('not-a-uuid', 'approve').expect(400);
  });

  it.each([
    [{ level: 4, documents: [passport] }, 'level'],
    [{ level: '1', documents: [passport] }, 'level'],
    [{ level: 1, documents: [] }, 'documents'],
    [{ level: 1, documents: 'passport' }, 'documents'],
    [{ level: 1, documents: ['passport'] }, 'documents'],
    [{ level: 1, documents: Array(11).fill(passport) }, 'documents'],
    [{ level: 1, documents: [{ ...passport, sha256: 'abc' }] }, 'documents.0.sha256'],
    [{ level: 1, documents: [{ ...passport, sha256: 'zz'.repeat(32) }] }, 'documents.0.sha256'],
    [{ level: 1, documents: [{ ...passport, type: 'utility_bill' }] }, 'documents.0.type'],
    [{ level: 1, documents: [{ ...passport, mimeType: 'text/html' }] }, 'documents.0.mimeType'],
    [{ level: 1, documents: [{ ...passport, storageKey: '../../etc/passwd' }] }, 'documents.0.storageKey'],
    [{ level: 1, documents: [{ ...passport, storageKey: 'k'.repeat(513) }] }, 'documents.0.storageKey'],
    [{ level: 1, documents: [{ ...passport, status: 'accepted' }] }, 'documents.0.status'],
    [{ level: 1, documents: [passport], status: 'approved' }, 'status'],
  ])('rejects submission %# with 400 naming %s and writes nothing', async (body, field) => {
    const user = await createUser(testApp);
    const before = await countApplications();
    const res = await submit(user.token, body).expect(400);
    expect(JSON.stringify(res.body.message)).toContain(field);
    expect(await countApplications()).toBe(before);
  });

  it('refuses a submission from a suspended account and writes nothing', async () => {
    const user = await createUser(testApp);
    const before = await countApplications();
    await testApp.dataSource.query(`UPDATE users SET status = 'suspended' WHERE id = $1`, [user.id]);
    // The guard refuses the token (401) once the status notification arrived; a request that beats
    // it still meets the service's own check (403 account_not_active).
    const res = await submit(user.token, { level: 1, documents: [passport] });
    if (res.status === 403) expect(res.body.code).toBe('account_not_active');
    else expect(res.body).toMatchObject({ statusCode: 401, message: 'The account is suspended or closed' });
    expect(await countApplications()).toBe(before);
  });

  it('keeps admins out of the investor routes and anonymous callers out of all', async () => {
    await submit(compliance.token, { level: 1, documents: [passport] }).expect(403);
    await request(testApp.http).get('/api/kyc/applications/me').expect(401);
    await request(testApp.http)
      .post('/api/kyc/applications')
      .send({ level: 1, documents: [passport] })
      .expect(401);
  });
});
