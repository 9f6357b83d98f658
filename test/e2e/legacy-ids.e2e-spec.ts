import * as path from 'node:path';
import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin, createUser, tokenFor } from '../utils/auth';
import { runNpmScript } from '../utils/npm-script';
import { createTestApp, TestApp } from '../utils/test-app';
import { createTestDatabase, dropTestDatabase, queryDatabase } from '../utils/test-database';

const EXAMPLE = path.resolve(__dirname, '../fixtures/legacy/example');

/**
 * Issue 12 §4: client apps of the old server hold legacy ids. The user, asset and investment detail
 * routes take them as well as the uuid (same answer, same authorisation) and answer with them; no
 * other route does. Data: the example store imported with the real CLI.
 */
describe('legacy ids on the detail routes (imported example store)', () => {
  let url: string;
  let testApp: TestApp;
  const uuidOf = async (table: string, legacyId: string) =>
    (await queryDatabase<{ id: string }>(url, `SELECT id FROM ${table} WHERE legacy_id = $1`, [legacyId]))[0].id;
  const get = (route: string, token: string) => request(testApp.http).get(route).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    url = await createTestDatabase();
    const imported = await runNpmScript('migrate:json', ['--source', EXAMPLE], { DATABASE_URL: url });
    expect(imported.code).toBe(0);
    testApp = await createTestApp({ databaseUrl: url });
  });
  afterAll(async () => {
    await testApp?.close();
    await dropTestDatabase(url);
  });

  describe('GET /api/users/:id', () => {
    it('answers the same for the legacy id as for the uuid, with the legacy id in the body', async () => {
      const id = await uuidOf('users', 'usr_b41a187a');
      const token = await tokenFor(testApp, 'user', id);
      const byLegacy = await get('/api/users/usr_b41a187a', token).expect(200);
      const byUuid = await get(`/api/users/${id}`, token).expect(200);
      expect(byLegacy.body).toEqual(byUuid.body);
      expect(byLegacy.body).toMatchObject({ id, legacyId: 'usr_b41a187a' });
      expect((await get('/api/users/me', token).expect(200)).body).toEqual(byUuid.body);
    });

    it('keeps the authorisation: another investor’s legacy id is 404, an admin needs users:read', async () => {
      const other = await tokenFor(testApp, 'user', await uuidOf('users', 'usr_b864f81d'));
      expect((await get('/api/users/usr_b41a187a', other).expect(404)).body.code).toBe('user_not_found');
      const support = await createAdmin(testApp, AdminRole.Support);
      const seen = await get('/api/users/usr_b41a187a', support.token).expect(200);
      expect(seen.body).toMatchObject({ id: await uuidOf('users', 'usr_b41a187a'), legacyId: 'usr_b41a187a' });
      await testApp.dataSource.query(`DELETE FROM admin_permissions WHERE role = 'analyst' AND permission = 'users:read'`);
      try {
        const analyst = await createAdmin(testApp, AdminRole.Analyst);
        // 403 before the id is looked up: whether a legacy id exists is not told to an admin who may not read users.
        expect((await get('/api/users/usr_b41a187a', analyst.token).expect(403)).body.code).toBe('forbidden');
        expect((await get('/api/users/usr_unknown', analyst.token).expect(403)).body.code).toBe('forbidden');
      } finally {
        await testApp.dataSource.query(
          `INSERT INTO admin_permissions (role, permission, description) VALUES ('analyst', 'users:read', 'Read investor accounts, profiles and holdings')`,
        );
      }
    });

    it('404 for an unknown legacy id, 400 naming id for a malformed one', async () => {
      const support = await createAdmin(testApp, AdminRole.Support);
      expect((await get('/api/users/usr_unknown', support.token).expect(404)).body.code).toBe('user_not_found');
      expect((await get(`/api/users/${'ab'.repeat(32)}`, support.token).expect(404)).body.code).toBe('user_not_found');
      for (const bad of ['opp_896c36', 'usr_', 'usr_a%20b', 'b41a187a', 'usr_a:b', 'USR_b41a187a']) {
        const res = await get(`/api/users/${bad}`, support.token).expect(400);
        expect({ bad, code: res.body.code, fields: res.body.details.fields }).toEqual({ bad, code: 'validation_failed', fields: ['id'] });
        expect(res.body.message).toEqual(['id must be a UUID or a legacy id (usr_…, or a 64-hex phone hash)']);
      }
    });

    it('a user registered here has legacyId null', async () => {
      const user = await createUser(testApp);
      expect((await get(`/api/users/${user.id}`, user.token).expect(200)).body.legacyId).toBeNull();
    });
  });

  describe('GET /api/assets/:id', () => {
    it('answers the same for the legacy id as for the uuid, with the legacy id in the body', async () => {
      const investor = await tokenFor(testApp, 'user', await uuidOf('users', 'usr_b41a187a'));
      const id = await uuidOf('assets', 'opp_896c36');
      const byLegacy = await get('/api/assets/opp_896c36', investor).expect(200);
      expect(byLegacy.body).toEqual((await get(`/api/assets/${id}`, investor).expect(200)).body);
      expect(byLegacy.body).toMatchObject({ id, legacyId: 'opp_896c36', status: 'funded' });
    });

    it('keeps the visibility: a draft is 404 for an investor and shown to an admin with assets:read', async () => {
      const investor = await tokenFor(testApp, 'user', await uuidOf('users', 'usr_b41a187a'));
      expect((await get('/api/assets/opp_a7a165', investor).expect(404)).body.code).toBe('asset_not_found');
      const support = await createAdmin(testApp, AdminRole.Support);
      expect((await get('/api/assets/opp_a7a165', support.token).expect(200)).body).toMatchObject({
        legacyId: 'opp_a7a165',
        status: 'draft',
      });
    });

    it('404 for an unknown legacy id, 400 naming id for a malformed one', async () => {
      const investor = await tokenFor(testApp, 'user', await uuidOf('users', 'usr_b41a187a'));
      expect((await get('/api/assets/opp_unknown', investor).expect(404)).body.code).toBe('asset_not_found');
      for (const bad of ['inv_0dd62973', 'opp_', 'opp_a%2Fb', `${'ab'.repeat(32)}`]) {
        const res = await get(`/api/assets/${bad}`, investor).expect(400);
        expect({ bad, code: res.body.code, fields: res.body.details.fields }).toEqual({ bad, code: 'validation_failed', fields: ['id'] });
      }
    });
  });

  describe('GET /api/investments/:id', () => {
    it('answers the owner the same for the legacy id as for the uuid, with the legacy id in the body', async () => {
      const owner = await tokenFor(testApp, 'user', await uuidOf('users', 'usr_b864f81d'));
      const id = await uuidOf('investments', 'inv_0dd62973');
      const byLegacy = await get('/api/investments/inv_0dd62973', owner).expect(200);
      expect(byLegacy.body).toEqual((await get(`/api/investments/${id}`, owner).expect(200)).body);
      // The JSON-number amount 3275 of the store, exact.
      expect(byLegacy.body).toMatchObject({ id, legacyId: 'inv_0dd62973', amount: '3275.000000', status: 'confirmed' });
    });

    it('another investor’s legacy id is 404, like its uuid', async () => {
      const other = await tokenFor(testApp, 'user', await uuidOf('users', 'usr_b41a187a'));
      expect((await get('/api/investments/inv_0dd62973', other).expect(404)).body.code).toBe('investment_not_found');
      const id = await uuidOf('investments', 'inv_0dd62973');
      expect((await get(`/api/investments/${id}`, other).expect(404)).body.code).toBe('investment_not_found');
    });

    it('404 for an unknown legacy id, 400 naming id for a malformed one', async () => {
      const owner = await tokenFor(testApp, 'user', await uuidOf('users', 'usr_b864f81d'));
      expect((await get('/api/investments/inv_unknown', owner).expect(404)).body.code).toBe('investment_not_found');
      for (const bad of ['usr_b864f81d', 'inv_', 'inv_%00']) {
        const res = await get(`/api/investments/${bad}`, owner).expect(400);
        expect({ bad, code: res.body.code, fields: res.body.details.fields }).toEqual({ bad, code: 'validation_failed', fields: ['id'] });
      }
    });
  });

  it('no other route takes a legacy id: transactions and the admin actions stay uuid-only', async () => {
    const owner = await tokenFor(testApp, 'user', await uuidOf('users', 'usr_b864f81d'));
    const tx = await get('/api/users/usr_b864f81d/transactions', owner).expect(400);
    expect(tx.body).toMatchObject({ code: 'validation_failed', details: { fields: ['id'] } });
    const superadmin = await createAdmin(testApp, AdminRole.Superadmin);
    const cancel = await request(testApp.http)
      .post('/api/admin/investments/inv_0dd62973/cancel')
      .set('Authorization', `Bearer ${superadmin.token}`)
      .send({ reason: 'legacy id' })
      .expect(400);
    expect(cancel.body).toMatchObject({ code: 'validation_failed', details: { fields: ['id'] } });
    expect(cancel.body.message).toEqual(['id must be a UUID']);
  });
});
