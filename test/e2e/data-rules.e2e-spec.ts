import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin, createUser } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

/** Data rules the API and the database both hold; trigger functions that do not depend on the caller's search_path. */
describe('Data rules and trigger functions', () => {
  let testApp: TestApp;
  let superadmin: { id: string; token: string };

  beforeAll(async () => {
    testApp = await createTestApp();
    superadmin = await createAdmin(testApp, AdminRole.Superadmin);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const asset = { name: 'Rule Tower', category: 'real_estate', targetAmount: '1000', minInvestment: '100', expectedApy: '5' };
  const assets = async () => Number((await testApp.dataSource.query(`SELECT count(*) AS n FROM assets`))[0].n);

  it('refuses an asset whose minInvestment exceeds targetAmount (create and update), naming the field, writing nothing', async () => {
    const before = await assets();
    const created = await request(testApp.http)
      .post('/api/admin/assets')
      .set('Authorization', `Bearer ${superadmin.token}`)
      .send({ ...asset, minInvestment: '1000.000001' })
      .expect(400);
    expect(created.body).toMatchObject({ code: 'invalid_asset_field', details: { field: 'minInvestment' } });
    expect(created.body.message).toMatch(/^minInvestment/);
    expect(await assets()).toBe(before);

    const ok = await request(testApp.http)
      .post('/api/admin/assets')
      .set('Authorization', `Bearer ${superadmin.token}`)
      .send(asset)
      .expect(201);
    const lowered = await request(testApp.http)
      .patch(`/api/admin/assets/${ok.body.id}`)
      .set('Authorization', `Bearer ${superadmin.token}`)
      .send({ targetAmount: '99' })
      .expect(400);
    expect(lowered.body.details).toEqual({ field: 'minInvestment' });
    const [row] = await testApp.dataSource.query(`SELECT target_amount FROM assets WHERE id = $1`, [ok.body.id]);
    expect(row.target_amount).toBe('1000.000000');
  });

  it('holds the rule in the database too: a validated CHECK constraint', async () => {
    const [check] = await testApp.dataSource.query(
      `SELECT convalidated FROM pg_constraint WHERE conname = 'chk_assets_min_within_target' AND conrelid = 'assets'::regclass`,
    );
    expect(check.convalidated).toBe(true);
    await expect(
      testApp.dataSource.query(
        `INSERT INTO assets (name, category, target_amount, min_investment, expected_apy, created_by) VALUES ('x', 'real_estate', 10, 11, 1, 'test')`,
      ),
    ).rejects.toThrow(/chk_assets_min_within_target/);
  });

  it('refuses a lone UTF-16 surrogate in a string with a 400 naming the field, instead of storing U+FFFD', async () => {
    const before = await assets();
    const body = JSON.stringify({ ...asset, name: 'Rule Tower' }).replace('Rule Tower', 'Rule \\ud800 Tower');
    const res = await request(testApp.http)
      .post('/api/admin/assets')
      .set('Authorization', `Bearer ${superadmin.token}`)
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', details: { fields: ['name'] } });
    expect(await assets()).toBe(before);
    // A proper pair (an emoji written as two escapes) is fine.
    const pair = JSON.stringify({ ...asset, name: 'Rule Tower' }).replace('Rule Tower', 'Rule \\ud83d\\ude80 Tower');
    const ok = await request(testApp.http)
      .post('/api/admin/assets')
      .set('Authorization', `Bearer ${superadmin.token}`)
      .set('Content-Type', 'application/json')
      .send(pair)
      .expect(201);
    expect(ok.body.name).toBe('Rule 🚀 Tower');
    const nested = await request(testApp.http)
      .post('/api/users')
      .set('Content-Type', 'application/json')
      .send('{"phone":"+14155550123","profile":{"names":["ok","\\udc00"]}}')
      .expect(400);
    expect(nested.body.details.fields).toEqual(['profile.names.1']);
  });

  it('runs every trigger function with a fixed search_path, so writes under search_path = "" (a data-only restore) work', async () => {
    const unset: { proname: string }[] = await testApp.dataSource.query(
      `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
        WHERE n.nspname = 'public' AND d.objid IS NULL
          AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) c WHERE c LIKE 'search_path=%')`,
    );
    expect(unset.map((f) => f.proname)).toEqual([]);

    const user = await createUser(testApp);
    const queryRunner = testApp.dataSource.createQueryRunner();
    await queryRunner.connect();
    try {
      await queryRunner.startTransaction();
      await queryRunner.query(`SET LOCAL search_path = ''`);
      const [a] = await queryRunner.query(
        `INSERT INTO public.assets (name, category, target_amount, min_investment, expected_apy, created_by, status)
         VALUES ('Restored', 'real_estate', 1000, 1, 1, 'restore', 'open') RETURNING id`,
      );
      // Each fires a trigger function that names tables without a schema.
      await queryRunner.query(`INSERT INTO public.investments (user_id, asset_id, amount, status) VALUES ($1, $2, 10, 'confirmed')`, [
        user.id,
        a.id,
      ]);
      await queryRunner.query(`UPDATE public.investments SET amount = 20 WHERE asset_id = $1`, [a.id]);
      await queryRunner.query(`UPDATE public.assets SET category = 'venture' WHERE id = $1`, [a.id]);
      await queryRunner.query(`UPDATE public.users SET status = 'suspended' WHERE id = $1`, [user.id]);
      await queryRunner.query(`DELETE FROM public.investments WHERE asset_id = $1`, [a.id]);
      await queryRunner.query(`SELECT public.fold_investment_rollup()`);
      await queryRunner.rollbackTransaction();
    } finally {
      await queryRunner.release();
    }
  });
});
