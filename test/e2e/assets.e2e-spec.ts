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
      const byName = await list(investor.token, '?sort=name&order=asc&limit=2').expect(200);
      expect(byName.body).toMatchObject({ total: 3, limit: 2, nextCursor: expect.any(String) });
      expect(byName.body.items.map((a: { name: string }) => a.name)).toEqual(['Office Tower', 'SME Loans III']);
      const next = await list(investor.token, `?sort=name&order=asc&limit=2&cursor=${byName.body.nextCursor}`).expect(200);
      expect(next.body).toMatchObject({ total: 3, limit: 2, nextCursor: null });
      expect(next.body.items.map((a: { name: string }) => a.name)).toEqual(['Solar Farm Andalusia']);
    });

    it.each([
      ['limit', '?limit=101'],
      ['limit', '?limit=abc'],
      ['property offset', '?offset=20'],
      ['cursor', '?cursor=garbage'],
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

  describe('GET /api/assets keyset paging', () => {
    type Page = { items: { id: string }[]; total: number; limit: number; nextCursor: string | null };
    const list = (query: string) => request(testApp.http).get(`/api/assets${query}`).set('Authorization', `Bearer ${investor.token}`);
    const cursorOf = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

    /** Follows nextCursor from the first page to the last; `between` runs after each page. */
    async function walk(query: string, between?: () => Promise<unknown>): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 100; pages += 1) {
        const res = await list(`${query}${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        const page = res.body as Page;
        seen.push(...page.items.map((item) => item.id));
        if (page.nextCursor === null) return seen;
        expect(page.items).toHaveLength(page.limit);
        cursor = page.nextCursor;
        await between?.();
      }
      throw new Error('more than 100 pages');
    }

    /** The published catalogue in the same order, straight from the table. */
    const reference = async (orderBy: string, where = 'true') =>
      (
        (await testApp.dataSource.query(`SELECT id FROM assets WHERE status <> 'draft' AND ${where} ORDER BY ${orderBy}`)) as {
          id: string;
        }[]
      ).map((row) => row.id);

    beforeEach(async () => {
      await testApp.dataSource.query(`DELETE FROM investments`);
      await testApp.dataSource.query(`DELETE FROM assets`);
      // One statement: the 24 share created_at (now()). Names, targets and APYs repeat, a third of the APYs are NULL,
      // a few are drafts investors never see.
      await testApp.dataSource.query(
        `INSERT INTO assets (name, category, status, target_amount, expected_apy, description)
         SELECT 'Paged ' || (n % 5), (ARRAY['real_estate', 'venture'])[1 + n % 2]::asset_category,
                CASE WHEN n % 8 = 0 THEN 'draft' ELSE 'open' END::asset_status,
                1000 * (1 + n % 4), CASE WHEN n % 3 = 0 THEN NULL ELSE 5 + n % 4 END, 'paged asset ' || n
         FROM generate_series(1, 24) n`,
      );
      await insertAsset(testApp, { name: 'Paged later', expectedApy: '6' });
    });

    it.each([
      ['the default sort (createdAt desc)', '', 'created_at DESC, id DESC'],
      ['createdAt asc', 'sort=createdAt&order=asc', 'created_at ASC, id ASC'],
      ['name asc', 'sort=name&order=asc', 'name ASC, id ASC'],
      ['name desc', 'sort=name&order=desc', 'name DESC, id DESC'],
      ['targetAmount desc', 'sort=targetAmount&order=desc', 'target_amount DESC, id DESC'],
      ['expectedApy desc', 'sort=expectedApy&order=desc', 'expected_apy DESC NULLS LAST, id DESC'],
      ['expectedApy asc', 'sort=expectedApy&order=asc', 'expected_apy ASC NULLS LAST, id ASC'],
    ])('by %s pages through every asset once, in order, across ties and NULLs', async (_sort, query, orderBy) => {
      const all = await reference(orderBy);
      expect(all).toHaveLength(22);
      const seen = await walk(`?limit=4&${query}`);
      expect(seen).toEqual(all);
    });

    it('keeps filters and search across pages, with the total of all matches on each', async () => {
      const query = '?q=paged&category=venture&minApy=6&sort=expectedApy&order=asc&limit=2';
      const first = (await list(query).expect(200)).body as Page;
      const all = await reference('expected_apy ASC NULLS LAST, id ASC', `category = 'venture' AND expected_apy >= 6`);
      expect(all.length).toBeGreaterThan(2);
      expect(first.total).toBe(all.length);
      expect(await walk(query)).toEqual(all);
    });

    it('newest first, assets added while paging neither repeat nor push rows out of the walk', async () => {
      const all = await reference('created_at DESC, id DESC');
      let added = 0;
      // Each page's request runs alongside two inserts, and two more land before the next page.
      const insertTwo = () => Promise.all([insertAsset(testApp), insertAsset(testApp)]).then(() => (added += 2));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const [res] = await Promise.all([list(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200), insertTwo()]);
        const page = res.body as Page;
        // The first page may or may not see the two inserted alongside it; later pages never do (they are newer).
        seen.push(...page.items.map((item) => item.id).filter((id) => cursor !== null || all.includes(id)));
        cursor = page.nextCursor;
        if (cursor) await insertTwo();
      } while (cursor);
      expect(added).toBeGreaterThanOrEqual(14);
      expect(seen).toEqual(all);
    });

    it('oldest first, assets added while paging come after every earlier one, each once', async () => {
      const before = await reference('created_at ASC, id ASC');
      const added: string[] = [];
      const seen = await walk('?sort=createdAt&order=asc&limit=5', async () => added.push(await insertAsset(testApp)));
      expect(added.length).toBeGreaterThanOrEqual(4);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.slice(0, before.length)).toEqual(before);
      expect(seen.slice(before.length)).toEqual(added.slice(0, seen.length - before.length));
    });

    it.each([
      ['not base64 JSON', 'garbage'],
      ['another sort', 'name.asc'],
      ['a value the column cannot hold', 'targetAmount'],
      ['NULL for a column that has none', 'createdAt'],
      ['an id that is not a uuid', 'id'],
    ])('a cursor with %s is 400 validation_failed naming cursor', async (_what, kind) => {
      const first = (await list('?limit=2').expect(200)).body as Page;
      const [, value, id] = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString()) as [string, string, string];
      const cursors: Record<string, string> = {
        garbage: 'garbage',
        'name.asc': first.nextCursor!, // issued for createdAt.desc, sent with sort=name
        targetAmount: cursorOf(['targetAmount.desc', '1e3; DROP TABLE assets', id]),
        createdAt: cursorOf(['createdAt.desc', null, id]),
        id: cursorOf(['createdAt.desc', value, 'x']),
      };
      const query = kind === 'name.asc' ? '?sort=name&order=asc' : kind === 'targetAmount' ? '?sort=targetAmount' : '?';
      const res = await list(`${query}&cursor=${cursors[kind]}`).expect(400);
      expect(res.body).toMatchObject({ code: 'validation_failed', details: { fields: ['cursor'] } });
      expect(JSON.stringify(res.body.message)).toContain('cursor');
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
