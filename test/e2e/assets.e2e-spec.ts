import { AssetsRepository } from '../../src/assets/assets.repository';
import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { permits, ROLE_PERMISSIONS } from '../../src/auth/guards/permissions';
import { createAdmin, createUser } from '../utils/auth';
import { countRows, insertAsset } from '../utils/market-fixtures';
import { createTestApp, TestApp } from '../utils/test-app';

describe('Assets API', () => {
  let testApp: TestApp;
  let superadmin: { id: string; token: string };
  let analyst: { id: string; token: string };
  let investor: { id: string; token: string };

  const validAsset = {
    name: 'Harbour Lofts',
    category: 'real_estate',
    targetAmount: '250000.50',
    minInvestment: '100',
    maxInvestment: '5000',
    expectedApy: '8.25',
    contractAddress: '0x52908400098527886e0f7030069857d2e4169ee7',
    description: 'Twelve loft apartments by the harbour',
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    superadmin = await createAdmin(testApp, AdminRole.Superadmin);
    analyst = await createAdmin(testApp, AdminRole.Analyst);
    investor = await createUser(testApp);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  describe('POST /api/admin/assets', () => {
    it('creates a draft, money as exact strings, address checksummed, audited in admin_logs', async () => {
      const res = await request(testApp.http)
        .post('/api/admin/assets')
        .set('Authorization', `Bearer ${superadmin.token}`)
        .send(validAsset)
        .expect(201);
      expect(res.body).toMatchObject({
        name: 'Harbour Lofts',
        status: 'draft',
        currency: 'USDC',
        targetAmount: '250000.500000',
        minInvestment: '100.000000',
        maxInvestment: '5000.000000',
        expectedApy: '8.2500',
        contractAddress: '0x52908400098527886E0F7030069857D2E4169EE7',
      });
      const logs = await testApp.dataSource.query(`SELECT action, target_id, ip FROM admin_logs WHERE target_id = $1`, [res.body.id]);
      expect(logs).toEqual([{ action: 'asset.create', target_id: res.body.id, ip: expect.any(String) }]);
    });

    it.each([
      ['targetAmount', { targetAmount: '1e5' }],
      ['targetAmount', { targetAmount: '-5' }],
      ['targetAmount', { targetAmount: '10.1234567' }],
      ['targetAmount', { targetAmount: 1000 }],
      ['targetAmount', { targetAmount: '+10' }],
      ['targetAmount', { targetAmount: '0' }],
      ['minInvestment', { minInvestment: 'ten' }],
      ['expectedApy', { expectedApy: '5.123456' }],
      ['contractAddress', { contractAddress: '0x1234' }],
      ['contractAddress', { contractAddress: '0x52908400098527886E0F7030069857D2E4169Ee7' }], // bad checksum
      ['category', { category: 'art' }],
      ['status', { status: 'funded' }],
      ['opensAt', { opensAt: 'tomorrow' }],
      ['documents.0.url', { documents: [{ title: 'x', url: 'ftp://x', version: '1' }] }],
      ['property surprise', { surprise: true }],
      ['maxInvestment', { minInvestment: '600', maxInvestment: '500' }],
      ['closesAt', { opensAt: '2030-01-02T00:00:00Z', closesAt: '2030-01-01T00:00:00Z' }],
      ['name', { name: 'Nul\u0000byte' }],
    ])('400 naming %s, nothing written', async (field, patch) => {
      const before = await countRows(testApp, 'assets');
      const res = await request(testApp.http)
        .post('/api/admin/assets')
        .set('Authorization', `Bearer ${superadmin.token}`)
        .send({ ...validAsset, ...patch })
        .expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
      expect(await countRows(testApp, 'assets')).toBe(before);
    });
  });

  describe('PATCH /api/admin/assets/:id', () => {
    it('walks draft → open → funded → closed and refuses illegal moves with 409', async () => {
      const id = await insertAsset(testApp, { status: 'draft' });
      const patch = (body: object) =>
        request(testApp.http).patch(`/api/admin/assets/${id}`).set('Authorization', `Bearer ${superadmin.token}`).send(body);
      expect((await patch({ status: 'open', name: 'Renamed' }).expect(200)).body).toMatchObject({ status: 'open', name: 'Renamed' });
      expect((await patch({ status: 'draft' }).expect(409)).body.code).toBe('illegal_asset_transition');
      await patch({ status: 'funded' }).expect(200);
      await patch({ status: 'closed' }).expect(200);
      await patch({ status: 'cancelled' }).expect(409);
      const actions = await testApp.dataSource.query(
        `SELECT details->>'statusTo' AS "to" FROM admin_logs WHERE target_id = $1 ORDER BY "timestamp"`,
        [id],
      );
      expect(actions.map((a: { to: string }) => a.to)).toEqual(['open', 'funded', 'closed']);
    });

    it('refuses a target below what investors already committed (409) and null for required fields (400)', async () => {
      const id = await insertAsset(testApp, { targetAmount: '1000' });
      const user = await createUser(testApp);
      await testApp.dataSource.query(`INSERT INTO investments (user_id, asset_id, amount, status) VALUES ($1, $2, '600', 'pending')`, [
        user.id,
        id,
      ]);
      const patch = (body: object) =>
        request(testApp.http).patch(`/api/admin/assets/${id}`).set('Authorization', `Bearer ${superadmin.token}`).send(body);
      expect((await patch({ targetAmount: '500' }).expect(409)).body.code).toBe('target_below_committed');
      expect((await patch({ name: null }).expect(400)).body.message).toContain('name');
      await patch({ targetAmount: '600' }).expect(200);
    });

    it('404 for an unknown asset, 400 for a malformed id', async () => {
      await request(testApp.http)
        .patch('/api/admin/assets/7d0c9a1e-7a57-4f55-9a57-2f2b8f3f0d11')
        .set('Authorization', `Bearer ${superadmin.token}`)
        .send({ name: 'x' })
        .expect(404);
      const res = await request(testApp.http)
        .patch('/api/admin/assets/nope')
        .set('Authorization', `Bearer ${superadmin.token}`)
        .send({ name: 'x' })
        .expect(400);
      expect(res.body.message).toEqual(['id must be a UUID']);
    });
  });

  describe('GET /api/assets', () => {
    let ids: Record<string, string>;
    beforeAll(async () => {
      await testApp.dataSource.query(`DELETE FROM investments`);
      await testApp.dataSource.query(`DELETE FROM assets`);
      ids = {
        solar: await insertAsset(testApp, {
          name: 'Solar Farm Andalusia',
          category: 'commodities',
          expectedApy: '7.5',
          targetAmount: '5000',
          description: 'Photovoltaic 50%_share',
        }),
        loans: await insertAsset(testApp, { name: 'SME Loans III', category: 'private_credit', expectedApy: '11', targetAmount: '2000' }),
        tower: await insertAsset(testApp, {
          name: 'Office Tower',
          category: 'real_estate',
          expectedApy: '5.25',
          targetAmount: '9000',
          status: 'funded',
        }),
        secret: await insertAsset(testApp, { name: 'Secret Solar Draft', category: 'commodities', expectedApy: '9', status: 'draft' }),
      };
    });
    const list = (token: string, query: string) => request(testApp.http).get(`/api/assets${query}`).set('Authorization', `Bearer ${token}`);

    it('investors never see drafts; admins with assets:read do', async () => {
      const mine = await list(investor.token, '?limit=100').expect(200);
      expect(mine.body.total).toBe(3);
      expect(mine.body.items.map((a: { id: string }) => a.id)).not.toContain(ids.secret);
      expect((await list(investor.token, '?status=draft').expect(200)).body).toMatchObject({ total: 0, items: [] });
      expect((await list(analyst.token, '?status=draft').expect(200)).body.items.map((a: { id: string }) => a.id)).toEqual([ids.secret]);
    });

    it('searches text in name and description, wildcards literal', async () => {
      expect((await list(investor.token, '?q=solar').expect(200)).body.items.map((a: { id: string }) => a.id)).toEqual([ids.solar]);
      expect((await list(investor.token, '?q=50%25_').expect(200)).body.items.map((a: { id: string }) => a.id)).toEqual([ids.solar]);
      expect((await list(investor.token, '?q=_').expect(200)).body.total).toBe(1);
    });

    it('filters by category and APY range and sorts', async () => {
      expect((await list(investor.token, '?category=private_credit').expect(200)).body.items.map((a: { id: string }) => a.id)).toEqual([
        ids.loans,
      ]);
      const ranged = await list(investor.token, '?minApy=5.25&maxApy=7.5&sort=expectedApy&order=asc').expect(200);
      expect(ranged.body.items.map((a: { expectedApy: string }) => a.expectedApy)).toEqual(['5.2500', '7.5000']);
      const byTarget = await list(investor.token, '?sort=targetAmount&order=desc').expect(200);
      expect(byTarget.body.items.map((a: { id: string }) => a.id)).toEqual([ids.tower, ids.solar, ids.loans]);
      const byName = await list(investor.token, '?sort=name&order=asc&limit=2&offset=1').expect(200);
      expect(byName.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
      expect(byName.body.items.map((a: { name: string }) => a.name)).toEqual(['SME Loans III', 'Solar Farm Andalusia']);
    });

    it.each([
      ['limit', '?limit=101'],
      ['limit', '?limit=abc'],
      ['offset', '?offset=-1'],
      ['minApy', '?minApy=1e2'],
      ['sort', '?sort=password'],
      ['category', '?category=art'],
      ['property surprise', '?surprise=1'],
      ['q', '?q=%00'],
      ['limit', '?limit=1&limit=2'],
    ])('400 naming %s', async (field, query) => {
      const res = await list(investor.token, query).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    });

    it('401 without a token', async () => {
      await request(testApp.http).get('/api/assets').expect(401);
    });
  });

  describe('GET /api/assets/:id', () => {
    it('returns raised and committed amounts; a draft is 404 for investors but visible to analysts', async () => {
      const id = await insertAsset(testApp, { targetAmount: '1000' });
      const user = await createUser(testApp);
      await testApp.dataSource.query(
        `INSERT INTO investments (user_id, asset_id, amount, status) VALUES ($1, $2, '100.5', 'confirmed'), ($1, $2, '50', 'pending'), ($1, $2, '70', 'cancelled')`,
        [user.id, id],
      );
      const res = await request(testApp.http).get(`/api/assets/${id}`).set('Authorization', `Bearer ${investor.token}`).expect(200);
      expect(res.body).toMatchObject({ id, raisedAmount: '100.500000', committedAmount: '150.500000', targetAmount: '1000.000000' });

      const draft = await insertAsset(testApp, { status: 'draft' });
      await request(testApp.http).get(`/api/assets/${draft}`).set('Authorization', `Bearer ${investor.token}`).expect(404);
      await request(testApp.http).get(`/api/assets/${draft}`).set('Authorization', `Bearer ${analyst.token}`).expect(200);
      await request(testApp.http).get(`/api/assets/not-a-uuid`).set('Authorization', `Bearer ${investor.token}`).expect(400);
    });
  });

  describe('GET /api/assets/analytics', () => {
    it('aggregates raised, funded %, distinct investors and average ticket per asset, category and platform', async () => {
      await testApp.dataSource.query(`DELETE FROM investments`);
      await testApp.dataSource.query(`DELETE FROM assets`);
      const a = await insertAsset(testApp, { name: 'A', category: 'venture', targetAmount: '1000' });
      const b = await insertAsset(testApp, { name: 'B', category: 'venture', targetAmount: '3000' });
      await insertAsset(testApp, { name: 'C', category: 'real_estate', targetAmount: '500' });
      const [u1, u2] = [await createUser(testApp), await createUser(testApp)];
      await testApp.dataSource.query(
        `INSERT INTO investments (user_id, asset_id, amount, status) VALUES
           ($1, $3, '100', 'confirmed'), ($1, $3, '200', 'confirmed'), ($2, $3, '0.000001', 'confirmed'),
           ($2, $4, '400', 'confirmed'), ($2, $4, '999', 'pending'), ($1, $4, '5', 'refunded')`,
        [u1.id, u2.id, a, b],
      );
      // The once-a-minute fold job brings the rollup up to date (a read never folds).
      await testApp.app.get(AssetsRepository).foldPendingInvestmentRollup();
      const res = await request(testApp.http).get('/api/assets/analytics').set('Authorization', `Bearer ${analyst.token}`).expect(200);
      const assetA = res.body.assets.find((row: { id: string }) => row.id === a);
      expect(assetA).toMatchObject({
        raisedAmount: '300.000001',
        targetAmount: '1000.000000',
        fundedPercent: '30.00',
        investors: 2,
        investments: 3,
        averageTicket: '100.000000',
      });
      const venture = res.body.categories.find((row: { category: string }) => row.category === 'venture');
      expect(venture).toMatchObject({
        assets: 2,
        targetAmount: '4000.000000',
        raisedAmount: '700.000001',
        investors: 2,
        investments: 4,
        fundedPercent: '17.50',
      });
      const realEstate = res.body.categories.find((row: { category: string }) => row.category === 'real_estate');
      expect(realEstate).toMatchObject({ assets: 1, raisedAmount: '0.000000', investors: 0, averageTicket: null });
      expect(res.body.platform).toMatchObject({
        assets: 3,
        targetAmount: '4500.000000',
        raisedAmount: '700.000001',
        investors: 2,
        investments: 4,
      });
      // Category and platform totals carry no asset fields (no nulls standing in for them).
      for (const key of ['id', 'name', 'status', 'currency']) {
        expect(venture).not.toHaveProperty(key);
        expect(res.body.platform).not.toHaveProperty(key);
      }
      expect(res.body.platform).not.toHaveProperty('category');
      expect(assetA).toMatchObject({ id: a, category: 'venture', currency: 'USDC' });
    });
  });

  it('documents the routes in OpenAPI', async () => {
    const res = await request(testApp.http).get('/api/docs-json').expect(200);
    for (const path of [
      '/api/assets',
      '/api/assets/{id}',
      '/api/assets/analytics',
      '/api/admin/assets',
      '/api/admin/assets/{id}',
      '/api/investments',
      '/api/investments/me',
      '/api/admin/investments/{id}/confirm',
      '/api/admin/blockchain/events',
      '/api/blockchain/events',
      '/api/blockchain/interactions',
    ]) {
      expect(Object.keys(res.body.paths)).toContain(path);
    }
    expect(res.body.components.schemas.CreateInvestmentDto.required).toEqual(expect.arrayContaining(['assetId', 'amount', 'agreement']));
  });

  describe('role × admin route matrix', () => {
    const routes: { name: string; permission: string; call: (token?: string) => request.Test; ok: number }[] = [];
    let assetId: string;
    beforeAll(async () => {
      assetId = await insertAsset(testApp, { status: 'draft' });
    });
    const auth = (test: request.Test, token?: string) => (token ? test.set('Authorization', `Bearer ${token}`) : test);
    routes.push(
      {
        name: 'POST /api/admin/assets',
        permission: 'assets:write',
        ok: 201,
        call: (t) => auth(request(testApp.http).post('/api/admin/assets').send({ name: 'M', category: 'venture', targetAmount: '10' }), t),
      },
      {
        name: 'PATCH /api/admin/assets/:id',
        permission: 'assets:write',
        ok: 200,
        call: (t) => auth(request(testApp.http).patch(`/api/admin/assets/${assetId}`).send({ description: 'edited' }), t),
      },
      {
        name: 'GET /api/assets/analytics',
        permission: 'analytics:read',
        ok: 200,
        call: (t) => auth(request(testApp.http).get('/api/assets/analytics'), t),
      },
    );

    it.each(routes.map((r) => [r.name, r] as const))('%s', async (_name, route) => {
      await route.call().expect(401);
      await route.call(investor.token).expect(403);
      for (const role of Object.values(AdminRole)) {
        const admin = await createAdmin(testApp, role);
        const expected = permits(ROLE_PERMISSIONS[role], route.permission) ? route.ok : 403;
        const res = await route.call(admin.token);
        expect({ role, status: res.status }).toEqual({ role, status: expected });
      }
    });
  });
});
