import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { AdminRepository } from '../../src/admin/admin.repository';
import { createAdmin, createUser } from '../utils/auth';
import { outsideContract } from '../utils/contract-observer';
import { countRows } from '../utils/market-fixtures';
import { createTestApp, TestApp } from '../utils/test-app';
import { SIGN_IN_HOST, signedChallenge } from './auth.helpers';
import { REWRITTEN_BY_LIBPHONENUMBER } from '../../src/common/validation/rewritten-phones';

type Caller = AdminRole | 'investor' | 'anonymous';

interface RouteCase {
  name: string;
  /** Roles whose grants allow the route, written out rather than derived from the code under test. */
  allowed: AdminRole[];
  /** Builds a fresh request (write routes get a fresh target each time). */
  send: (token: string | null) => Promise<request.Response>;
  okStatus: number;
}

describe('Admin routes: role × route matrix, user administration, audit trail', () => {
  let testApp: TestApp;
  const tokens = {} as Record<Caller, string | null>;
  const admins = {} as Record<AdminRole, { id: string; email: string; token: string }>;

  beforeAll(async () => {
    testApp = await createTestApp();
    for (const role of Object.values(AdminRole)) {
      admins[role] = await createAdmin(testApp, role);
      tokens[role] = admins[role].token;
    }
    tokens.investor = (await createUser(testApp)).token;
    tokens.anonymous = null;
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const withToken = (req: request.Test, token: string | null) => (token ? req.set('Authorization', `Bearer ${token}`) : req);

  async function pendingApplication(): Promise<string> {
    const user = await createUser(testApp);
    const res = await request(testApp.http)
      .post('/api/kyc/applications')
      .set('Authorization', `Bearer ${user.token}`)
      .send({ level: 1, documents: [{ type: 'passport', sha256: 'ab'.repeat(32), storageKey: 'kyc/p.jpg', mimeType: 'image/jpeg' }] })
      .expect(201);
    return res.body.id;
  }

  const routes: RouteCase[] = [
    {
      name: 'GET /api/admin/kyc',
      allowed: [AdminRole.Superadmin, AdminRole.Compliance, AdminRole.Support],
      okStatus: 200,
      send: (token) => withToken(request(testApp.http).get('/api/admin/kyc?status=pending'), token),
    },
    {
      name: 'GET /api/admin/kyc/:id',
      allowed: [AdminRole.Superadmin, AdminRole.Compliance, AdminRole.Support],
      okStatus: 200,
      send: async (token) => withToken(request(testApp.http).get(`/api/admin/kyc/${await pendingApplication()}`), token),
    },
    {
      name: 'POST /api/admin/kyc/:id/start-review',
      allowed: [AdminRole.Superadmin, AdminRole.Compliance],
      okStatus: 200,
      send: async (token) => withToken(request(testApp.http).post(`/api/admin/kyc/${await pendingApplication()}/start-review`), token),
    },
    {
      name: 'POST /api/admin/kyc/:id/approve',
      allowed: [AdminRole.Superadmin, AdminRole.Compliance],
      okStatus: 200,
      send: async (token) => withToken(request(testApp.http).post(`/api/admin/kyc/${await pendingApplication()}/approve`), token).send({}),
    },
    {
      name: 'POST /api/admin/kyc/:id/reject',
      allowed: [AdminRole.Superadmin, AdminRole.Compliance],
      okStatus: 200,
      send: async (token) =>
        withToken(request(testApp.http).post(`/api/admin/kyc/${await pendingApplication()}/reject`), token).send({
          reason: 'blurred scan',
        }),
    },
    {
      name: 'GET /api/admin/users',
      allowed: [AdminRole.Superadmin, AdminRole.Compliance, AdminRole.Support, AdminRole.Analyst],
      okStatus: 200,
      send: (token) => withToken(request(testApp.http).get('/api/admin/users?limit=5'), token),
    },
    {
      name: 'PATCH /api/admin/users/:id/status',
      allowed: [AdminRole.Superadmin],
      okStatus: 200,
      send: async (token) =>
        withToken(request(testApp.http).patch(`/api/admin/users/${(await createUser(testApp)).id}/status`), token).send({
          status: 'suspended',
          reason: 'matrix test',
        }),
    },
    {
      name: 'GET /api/admin/me',
      allowed: [AdminRole.Superadmin, AdminRole.Compliance, AdminRole.Support, AdminRole.Analyst],
      okStatus: 200,
      send: (token) => withToken(request(testApp.http).get('/api/admin/me'), token),
    },
    {
      name: 'GET /api/admin/admins',
      allowed: [AdminRole.Superadmin],
      okStatus: 200,
      send: (token) => withToken(request(testApp.http).get('/api/admin/admins'), token),
    },
    {
      name: 'POST /api/admin/admins',
      allowed: [AdminRole.Superadmin],
      okStatus: 201,
      send: (token) =>
        withToken(request(testApp.http).post('/api/admin/admins'), token).send({
          email: `matrix-${Math.random().toString(36).slice(2)}@pend.test`,
          role: 'analyst',
          password: 'matrix password 123',
        }),
    },
    {
      name: 'PATCH /api/admin/admins/:id',
      allowed: [AdminRole.Superadmin],
      okStatus: 200,
      send: async (token) =>
        withToken(request(testApp.http).patch(`/api/admin/admins/${(await createAdmin(testApp, AdminRole.Analyst)).id}`), token).send({
          role: 'support',
        }),
    },
    {
      name: 'GET /api/admin/logs',
      allowed: [AdminRole.Superadmin, AdminRole.Compliance],
      okStatus: 200,
      send: (token) => withToken(request(testApp.http).get('/api/admin/logs?limit=5'), token),
    },
  ];

  const callers: Caller[] = [...Object.values(AdminRole), 'investor', 'anonymous'];
  const matrix = routes.flatMap((route) =>
    callers.map((caller) => {
      const expected = caller === 'anonymous' ? 401 : caller === 'investor' ? 403 : route.allowed.includes(caller) ? route.okStatus : 403;
      return [route.name, caller, expected, route] as const;
    }),
  );

  it.each(matrix)('%s as %s → %i', async (_name, caller, expected, route) => {
    const res = await route.send(tokens[caller]);
    expect(res.status).toBe(expected);
  });

  it('a deactivated admin’s token stops working at once (401)', async () => {
    const analyst = await createAdmin(testApp, AdminRole.Analyst);
    await request(testApp.http).get('/api/admin/users').set('Authorization', `Bearer ${analyst.token}`).expect(200);
    // Outside this app's routes (SQL, another instance): the trigger's notification reaches the app within milliseconds.
    await testApp.dataSource.query(`UPDATE admin_users SET active = false WHERE id = $1`, [analyst.id]);
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 401; attempt++) {
      status = (await request(testApp.http).get('/api/admin/users').set('Authorization', `Bearer ${analyst.token}`)).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(401);
  });

  it('a grant revoked in admin_permissions applies at once, though grants are kept between requests', async () => {
    const analyst = await createAdmin(testApp, AdminRole.Analyst);
    const analytics = () => request(testApp.http).get('/api/assets/analytics').set('Authorization', `Bearer ${analyst.token}`);
    await analytics().expect(200);
    await analytics().expect(200);
    await testApp.dataSource.query(`DELETE FROM admin_permissions WHERE role = 'analyst' AND permission = 'analytics:read'`);
    try {
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 403; attempt++) {
        status = (await analytics()).status;
        if (status !== 403) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(status).toBe(403);
    } finally {
      await testApp.dataSource.query(`INSERT INTO admin_permissions (role, permission) VALUES ('analyst', 'analytics:read')`);
    }
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = (await analytics()).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(200);
  });

  describe('user administration', () => {
    it('finds users by wallet and phone and pages through the list', async () => {
      const user = await createUser(testApp);
      const byWallet = await request(testApp.http)
        .get(`/api/admin/users?wallet=${user.account.address.toLowerCase()}`)
        .set('Authorization', `Bearer ${tokens.support}`)
        .expect(200);
      expect(byWallet.body.items).toEqual([expect.objectContaining({ id: user.id, walletAddress: user.account.address, tier: 'basic' })]);
      await testApp.dataSource.query(
        `UPDATE users SET phone_e164 = '+442079460123', phone_hash = encode(sha256('+442079460123'::bytea), 'hex') WHERE id = $1`,
        [user.id],
      );
      const byPhone = await request(testApp.http)
        .get(`/api/admin/users?phone=${encodeURIComponent('+44 20 7946 0123')}`)
        .set('Authorization', `Bearer ${tokens.support}`)
        .expect(200);
      expect(byPhone.body.items.map((u: { id: string }) => u.id)).toEqual([user.id]);

      const total = (await testApp.dataSource.query(`SELECT count(*)::int AS n FROM users`))[0].n;
      const seen = new Set<string>();
      let cursor: string | null = null;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await request(testApp.http)
          .get(`/api/admin/users?limit=7${cursor ? `&cursor=${cursor}` : ''}`)
          .set('Authorization', `Bearer ${tokens.analyst}`)
          .expect(200);
        res.body.items.forEach((u) => seen.add(u.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen.size).toBe(total);

      // A number libphonenumber reads with other digits is refused, not looked up under either reading.
      for (const [written] of REWRITTEN_BY_LIBPHONENUMBER) {
        const res = await request(testApp.http)
          .get(`/api/admin/users?phone=${encodeURIComponent(written)}`)
          .set('Authorization', `Bearer ${tokens.support}`)
          .expect(400);
        expect(JSON.stringify(res.body.message)).toContain('phone');
      }

      for (const query of ['wallet=0x12', 'phone=12345', 'status=frozen', 'limit=-1', 'cursor=%00', 'q=drop']) {
        const res = await request(testApp.http)
          .get(`/api/admin/users?${query}`)
          .set('Authorization', `Bearer ${tokens.support}`)
          .expect(400);
        expect(JSON.stringify(res.body.message)).toContain(query.split('=')[0]);
      }
    });

    it('pages users newest first through idx_users_created, never sorting the users table', async () => {
      const repository = testApp.app.get(AdminRepository);
      const queries = [
        repository.buildUserListQuery({ limit: 21 }),
        repository.buildUserListQuery({
          limit: 21,
          after: { at: '2030-01-01T00:00:00.000001Z', id: '00000000-0000-4000-8000-000000000000' },
        }),
      ];
      await testApp.dataSource.transaction(async (manager) => {
        // A small table would be scanned and sorted whole; this session takes an index whenever one can serve the query.
        await manager.query('SET LOCAL enable_seqscan = off');
        await manager.query('SET LOCAL enable_sort = off');
        for (const query of queries) {
          const [{ 'QUERY PLAN': plan }] = await manager.query(`EXPLAIN (FORMAT JSON) ${query.sql}`, query.params);
          const text = JSON.stringify(plan);
          expect(text).toContain('"Index Name":"idx_users_created"');
          expect(text).not.toContain('"Node Type":"Sort"');
        }
      });
    });

    it('suspends an investor (who then cannot sign in) with the change and its audit entry in one transaction', async () => {
      const user = await createUser(testApp);
      const res = await request(testApp.http)
        .patch(`/api/admin/users/${user.id}/status`)
        .set('Authorization', `Bearer ${tokens.superadmin}`)
        .set('X-Forwarded-For', '203.0.113.77')
        .send({ status: 'suspended', reason: 'chargeback investigation' })
        .expect(200);
      expect(res.body).toMatchObject({ id: user.id, status: 'suspended' });
      const logs = await testApp.dataSource.query(
        `SELECT action, admin_user_id, details, ip FROM admin_logs WHERE target_type = 'user' AND target_id = $1`,
        [user.id],
      );
      expect(logs).toEqual([
        {
          action: 'user.status_change',
          admin_user_id: admins.superadmin.id,
          details: { from: 'active', to: 'suspended', reason: 'chargeback investigation' },
          ip: '203.0.113.77',
        },
      ]);
      const { message, signature } = await signedChallenge(testApp, user.account);
      await request(testApp.http).post('/api/auth/wallet').set('Host', SIGN_IN_HOST).send({ message, signature }).expect(403);
    });

    it('writes neither the change nor the audit entry when the audit insert fails', async () => {
      const user = await createUser(testApp);
      await testApp.dataSource.query(
        `ALTER TABLE admin_logs ADD CONSTRAINT tmp_refuse_status_audit CHECK (action <> 'user.status_change') NOT VALID`,
      );
      try {
        // The check this test added makes the 400 (data_rule_violation); no client meets it, so it is not the contract's.
        await outsideContract(() =>
          request(testApp.http)
            .patch(`/api/admin/users/${user.id}/status`)
            .set('Authorization', `Bearer ${tokens.superadmin}`)
            .send({ status: 'closed', reason: 'should roll back' })
            .expect(400),
        );
      } finally {
        await testApp.dataSource.query(`ALTER TABLE admin_logs DROP CONSTRAINT tmp_refuse_status_audit`);
      }
      const [row] = await testApp.dataSource.query(`SELECT status FROM users WHERE id = $1`, [user.id]);
      expect(row.status).toBe('active');
    });

    it.each([
      [{ status: 'banned', reason: 'x x x' }, 'status'],
      [{ status: 'suspended' }, 'reason'],
      [{ status: 'suspended', reason: 'ok reason', tierId: 1 }, 'tierId'],
    ])('rejects status change %j with 400 naming %s and writes nothing', async (body, field) => {
      const user = await createUser(testApp);
      const res = await request(testApp.http)
        .patch(`/api/admin/users/${user.id}/status`)
        .set('Authorization', `Bearer ${tokens.superadmin}`)
        .send(body)
        .expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
      expect((await testApp.dataSource.query(`SELECT status FROM users WHERE id = $1`, [user.id]))[0].status).toBe('active');
      expect(await testApp.dataSource.query(`SELECT 1 FROM admin_logs WHERE target_id = $1`, [user.id])).toHaveLength(0);
    });

    it('answers 404 for an unknown user and 400 for a malformed id', async () => {
      await request(testApp.http)
        .patch(`/api/admin/users/00000000-0000-4000-8000-000000000000/status`)
        .set('Authorization', `Bearer ${tokens.superadmin}`)
        .send({ status: 'suspended', reason: 'nobody' })
        .expect(404);
      await request(testApp.http)
        .patch(`/api/admin/users/1%20OR%201=1/status`)
        .set('Authorization', `Bearer ${tokens.superadmin}`)
        .send({ status: 'suspended', reason: 'nobody' })
        .expect(400);
    });
  });

  describe('admin accounts', () => {
    const asSuperadmin = (req: request.Test) =>
      req.set('Authorization', `Bearer ${tokens.superadmin}`).set('X-Forwarded-For', '192.0.2.50');

    it('GET /api/admin/me names the admin and the grants the console should offer', async () => {
      const res = await request(testApp.http).get('/api/admin/me').set('Authorization', `Bearer ${tokens.compliance}`).expect(200);
      expect(res.body).toMatchObject({ id: admins.compliance.id, email: admins.compliance.email, role: 'compliance' });
      expect(res.body.permissions.sort()).toEqual(['admin_logs:read', 'investments:read', 'kyc:read', 'kyc:review', 'users:read']);
    });

    it('creates an admin (audited, no hash in the answer) who can then log in; a taken email is 409', async () => {
      const res = await asSuperadmin(request(testApp.http).post('/api/admin/admins'))
        .send({ email: 'New.Reviewer@Pend.test', role: 'compliance', name: 'New Reviewer', password: 'first password 42' })
        .expect(201);
      expect(res.body).toMatchObject({ email: 'new.reviewer@pend.test', role: 'compliance', active: true, name: 'New Reviewer' });
      expect(JSON.stringify(res.body)).not.toMatch(/password|\$2b\$/i);
      const [log] = await testApp.dataSource.query(`SELECT action, admin_user_id, details, ip FROM admin_logs WHERE target_id = $1`, [
        res.body.id,
      ]);
      expect(log).toEqual({
        action: 'admin.create',
        admin_user_id: admins.superadmin.id,
        details: { email: 'new.reviewer@pend.test', role: 'compliance' },
        ip: '192.0.2.50',
      });
      const login = await request(testApp.http)
        .post('/api/auth/admin/login')
        .send({ email: 'new.reviewer@pend.test', password: 'first password 42' })
        .expect(200);
      expect(login.body.adminId).toBe(res.body.id);
      const clash = await asSuperadmin(request(testApp.http).post('/api/admin/admins'))
        .send({ email: 'new.reviewer@pend.test', role: 'analyst', password: 'first password 42' })
        .expect(409);
      expect(clash.body.code).toBe('admin_email_taken');
    });

    it('changes role and active flag (audited); a disabled admin is out at once; nobody can demote or disable themselves', async () => {
      const target = await createAdmin(testApp, AdminRole.Support);
      const changed = await asSuperadmin(request(testApp.http).patch(`/api/admin/admins/${target.id}`))
        .send({ role: 'analyst' })
        .expect(200);
      expect(changed.body.role).toBe('analyst');
      await request(testApp.http).get('/api/admin/kyc').set('Authorization', `Bearer ${target.token}`).expect(403); // analysts lack kyc:read
      await asSuperadmin(request(testApp.http).patch(`/api/admin/admins/${target.id}`))
        .send({ active: false })
        .expect(200);
      await request(testApp.http).get('/api/admin/users').set('Authorization', `Bearer ${target.token}`).expect(401);
      const logs = await testApp.dataSource.query(
        `SELECT details FROM admin_logs WHERE action = 'admin.update' AND target_id = $1 ORDER BY "timestamp"`,
        [target.id],
      );
      expect(logs.map((l: { details: { changes: object } }) => l.details.changes)).toEqual([{ role: 'analyst' }, { active: false }]);

      const self = await asSuperadmin(request(testApp.http).patch(`/api/admin/admins/${admins.superadmin.id}`))
        .send({ active: false })
        .expect(409);
      expect(self.body.code).toBe('admin_self_change');
      await asSuperadmin(request(testApp.http).patch(`/api/admin/admins/${admins.superadmin.id}`))
        .send({ role: 'analyst' })
        .expect(409);
      await asSuperadmin(request(testApp.http).patch(`/api/admin/admins/${admins.superadmin.id}`))
        .send({ name: 'Still Super' })
        .expect(200);
    });

    it('has no lock to clear: accounts are never locked (sign-ins are throttled per address), so `unlock` is an unknown field', async () => {
      const target = await createAdmin(testApp, AdminRole.Support);
      const res = await asSuperadmin(request(testApp.http).patch(`/api/admin/admins/${target.id}`))
        .send({ unlock: true })
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(JSON.stringify(res.body)).toContain('unlock');
      const account = await asSuperadmin(request(testApp.http).patch(`/api/admin/admins/${target.id}`))
        .send({ name: 'Never Locked' })
        .expect(200);
      expect(account.body).not.toHaveProperty('lockedUntil');
    });

    it.each([
      [{ role: null }, 'role'],
      [{ active: null }, 'active'],
    ])(
      'an update with %j is 400 validation_failed naming %s, nothing written (was: 400 data_rule_violation from the NOT NULL column)',
      async (body, field) => {
        const target = await createAdmin(testApp, AdminRole.Support);
        const logsBefore = await countRows(testApp, 'admin_logs', 'target_id = $1', [target.id]);
        const res = await asSuperadmin(request(testApp.http).patch(`/api/admin/admins/${target.id}`))
          .send(body)
          .expect(400);
        expect(res.body.code).toBe('validation_failed');
        expect(JSON.stringify(res.body.details?.fields ?? res.body.message)).toContain(field);
        const [row]: { role: string; active: boolean }[] = await testApp.dataSource.query(
          'SELECT role, active FROM admin_users WHERE id = $1',
          [target.id],
        );
        expect(row).toEqual({ role: 'support', active: true });
        expect(await countRows(testApp, 'admin_logs', 'target_id = $1', [target.id])).toBe(logsBefore);
      },
    );

    it.each([
      [{ email: 'a@pend.test', role: 'analyst', password: 'short' }, 'password'],
      [{ email: 'a@pend.test', role: 'root', password: 'long enough password' }, 'role'],
      [{ email: 'nope', role: 'analyst', password: 'long enough password' }, 'email'],
      [{ email: 'a@pend.test', role: 'analyst', password: 'long enough password', active: false }, 'active'],
    ])('rejects creation %# with 400 naming %s', async (body, field) => {
      const res = await asSuperadmin(request(testApp.http).post('/api/admin/admins')).send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
      expect(await testApp.dataSource.query(`SELECT 1 FROM admin_users WHERE email = 'a@pend.test'`)).toHaveLength(0);
    });
  });

  describe('GET /api/admin/logs', () => {
    it('pages the audit trail newest first and filters by action and target', async () => {
      await testApp.dataSource.query(
        `INSERT INTO admin_logs (admin_user_id, admin_email, action, target_type, target_id, "timestamp")
         SELECT $1, 'x@pend.test', 'test.bulk', 'thing', 't' || g, timestamptz '2020-01-01' + g * interval '1 second' + interval '0.5 microsecond'
           FROM generate_series(1, 30) g`,
        [admins.superadmin.id],
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { targetId: string }[]; nextCursor: string | null } } = await request(testApp.http)
          .get(`/api/admin/logs?action=test.bulk&limit=8${cursor ? `&cursor=${cursor}` : ''}`)
          .set('Authorization', `Bearer ${tokens.compliance}`)
          .expect(200);
        seen.push(...res.body.items.map((l) => l.targetId));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `t${30 - i}`));
      const one = await request(testApp.http)
        .get('/api/admin/logs?targetType=thing&targetId=t7')
        .set('Authorization', `Bearer ${tokens.compliance}`)
        .expect(200);
      expect(one.body.items).toEqual([expect.objectContaining({ action: 'test.bulk', targetId: 't7', adminId: admins.superadmin.id })]);
      await request(testApp.http).get('/api/admin/logs?adminId=nope').set('Authorization', `Bearer ${tokens.compliance}`).expect(400);
      await request(testApp.http).get('/api/admin/logs?limit=1000').set('Authorization', `Bearer ${tokens.compliance}`).expect(400);
    });

    it('is served by idx_admin_logs_timestamp', async () => {
      const repository = testApp.app.get(AdminRepository);
      const queries = [
        repository.buildAdminLogQuery({ limit: 51 }),
        repository.buildAdminLogQuery({
          limit: 51,
          after: { at: '2020-01-01T00:00:10.000001Z', id: '00000000-0000-4000-8000-000000000000' },
        }),
      ];
      await testApp.dataSource.transaction(async (manager) => {
        // A small table would be scanned whole; this session prefers an index when one can serve the query.
        await manager.query('SET LOCAL enable_seqscan = off');
        for (const query of queries) {
          const [{ 'QUERY PLAN': plan }] = await manager.query(`EXPLAIN (FORMAT JSON) ${query.sql}`, query.params);
          expect(JSON.stringify(plan)).toContain('"Index Name":"idx_admin_logs_timestamp"');
        }
      });
    });
  });
});
