import { SchedulerRegistry } from '@nestjs/schedule';
import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { AssetsRepository } from '../../src/assets/assets.repository';
import { assetAnalyticsSql } from '../../src/assets/assets.sql';
import { createAdmin, createUser } from '../utils/auth';
import { agreement, insertAsset, setKycStatus } from '../utils/market-fixtures';
import { createTestApp, TestApp } from '../utils/test-app';

interface Figures {
  raisedAmount: string;
  investors: number;
  investments: number;
}

/**
 * GET /api/assets/analytics reads a rollup kept by triggers and folds: after every kind of write
 * (the API's confirm/refund/cancel, bulk SQL like the importer's, deletes, a category move) and
 * under concurrent confirms it must equal the aggregate computed from the investments themselves,
 * once the fold job has run (a read never folds: it may be served by a replica).
 */
describe('Analytics rollup: exact against the investments after every kind of write', () => {
  let testApp: TestApp;
  let admin: { id: string; token: string };
  let assets: string[];
  let investors: Awaited<ReturnType<typeof createUser>>[];

  beforeAll(async () => {
    testApp = await createTestApp();
    admin = await createAdmin(testApp, AdminRole.Superadmin);
    await testApp.dataSource.query(`DELETE FROM investments`);
    await testApp.dataSource.query(`DELETE FROM assets`);
    assets = [
      await insertAsset(testApp, { name: 'V1', category: 'venture', targetAmount: '1000000' }),
      await insertAsset(testApp, { name: 'V2', category: 'venture', targetAmount: '1000000' }),
      await insertAsset(testApp, { name: 'R1', category: 'real_estate', targetAmount: '1000000' }),
    ];
    investors = [];
    for (let i = 0; i < 6; i++) {
      const user = await createUser(testApp);
      await setKycStatus(testApp, user.id, 'approved');
      // No single-investment limit: amounts up to the targets.
      await testApp.dataSource.query(`UPDATE users SET tier_id = (SELECT id FROM user_tiers WHERE name = 'platinum') WHERE id = $1`, [
        user.id,
      ]);
      investors.push(user);
    }
  });

  afterAll(async () => {
    await testApp?.close();
  });

  /** The same figures straight from investments: sums and distinct counts of confirmed rows. */
  async function truth() {
    const q = (sql: string) => testApp.dataSource.query(sql);
    const perAsset: ({ id: string } & Figures)[] = await q(
      `SELECT a.id, COALESCE(sum(i.amount), 0)::numeric(24,6)::text AS "raisedAmount", count(DISTINCT i.user_id)::int AS investors, count(i.id)::int AS investments
         FROM assets a LEFT JOIN investments i ON i.asset_id = a.id AND i.status = 'confirmed' GROUP BY a.id`,
    );
    const perCategory: ({ category: string } & Figures)[] = await q(
      `SELECT a.category::text AS category, COALESCE(sum(i.amount), 0)::numeric(24,6)::text AS "raisedAmount",
              count(DISTINCT i.user_id)::int AS investors, count(i.id)::int AS investments
         FROM assets a LEFT JOIN investments i ON i.asset_id = a.id AND i.status = 'confirmed' GROUP BY a.category`,
    );
    const [platform]: Figures[] = await q(
      `SELECT COALESCE(sum(amount), 0)::numeric(24,6)::text AS "raisedAmount", count(DISTINCT user_id)::int AS investors, count(*)::int AS investments
         FROM investments WHERE status = 'confirmed'`,
    );
    return { perAsset, perCategory, platform };
  }

  const pick = ({ raisedAmount, investors, investments }: Figures) => ({ raisedAmount, investors, investments });

  /** What the once-a-minute fold job runs (InvestmentRollupJob): reads never fold. */
  const runFoldJob = () => testApp.app.get(AssetsRepository).foldPendingInvestmentRollup();

  async function expectExact() {
    await runFoldJob();
    const res = await request(testApp.http).get('/api/assets/analytics').set('Authorization', `Bearer ${admin.token}`).expect(200);
    const expected = await truth();
    for (const row of expected.perAsset) {
      expect(pick(res.body.assets.find((a: { id: string }) => a.id === row.id))).toEqual(pick(row));
    }
    for (const row of expected.perCategory) {
      expect(pick(res.body.categories.find((c: { category: string }) => c.category === row.category))).toEqual(pick(row));
    }
    expect(pick(res.body.platform)).toEqual(pick(expected.platform));
    return res.body;
  }

  const invest = async (investor: { token: string }, assetId: string, amount: string): Promise<string> =>
    (
      await request(testApp.http)
        .post('/api/investments')
        .set('Authorization', `Bearer ${investor.token}`)
        .send({ assetId, amount, agreement: agreement() })
        .expect(201)
    ).body.id;
  const act = (id: string, action: 'confirm' | 'cancel' | 'refund') =>
    request(testApp.http).post(`/api/admin/investments/${id}/${action}`).set('Authorization', `Bearer ${admin.token}`).send({}).expect(200);

  it('follows confirm, cancel and refund through the API, one fold job run per check', async () => {
    const [v1, v2, r1] = assets;
    const [alice, bob, carol] = investors;
    const a1 = await invest(alice, v1, '100.123456');
    const a2 = await invest(alice, v2, '50');
    const b1 = await invest(bob, v1, '20');
    const c1 = await invest(carol, r1, '999999.999999');
    // Pending investments count nowhere.
    let body = await expectExact();
    expect(body.platform).toMatchObject({ investors: 0, investments: 0, raisedAmount: '0.000000' });

    await act(a1, 'confirm');
    await act(a2, 'confirm');
    await act(b1, 'confirm');
    await act(c1, 'confirm');
    body = await expectExact();
    // Alice holds two venture assets: once in the category, once on the platform.
    expect(body.categories.find((c: { category: string }) => c.category === 'venture')).toMatchObject({
      investors: 2,
      investments: 3,
      raisedAmount: '170.123456',
    });
    expect(body.platform).toMatchObject({ investors: 3, investments: 4, raisedAmount: '1000170.123455' });

    await act(a1, 'refund');
    body = await expectExact();
    expect(body.categories.find((c: { category: string }) => c.category === 'venture')).toMatchObject({ investors: 2, investments: 2 });
    await act(a2, 'refund');
    body = await expectExact();
    expect(body.categories.find((c: { category: string }) => c.category === 'venture')).toMatchObject({ investors: 1, investments: 1 });
    expect(body.platform).toMatchObject({ investors: 2 });

    await act(await invest(bob, v2, '10'), 'cancel');
    await expectExact();
  });

  it('follows bulk SQL writes (as the importer makes them), deletes and an asset moving category', async () => {
    const [v1, v2, r1] = assets;
    const ids = investors.map((i) => i.id);
    // Several statements before one read: the fold adds them up in one go.
    await testApp.dataSource.query(
      `INSERT INTO investments (user_id, asset_id, amount, status)
       SELECT u, a, (g * 1.5)::numeric, CASE WHEN g % 3 = 0 THEN 'pending' ELSE 'confirmed' END::investment_status
         FROM unnest($1::uuid[]) u, unnest($2::uuid[]) a, generate_series(1, 4) g`,
      [ids, [v1, v2, r1]],
    );
    await testApp.dataSource.query(
      `UPDATE investments SET status = 'confirmed' WHERE status = 'pending' AND amount = 4.5 AND user_id = $1`,
      [ids[4]],
    );
    await testApp.dataSource.query(`UPDATE investments SET amount = amount + 0.000001 WHERE status = 'confirmed' AND user_id = $1`, [
      ids[3],
    ]);
    await expectExact();

    await testApp.dataSource.query(`DELETE FROM investments WHERE user_id = $1`, [ids[5]]);
    await expectExact();

    // R1 becomes venture: every venture investor of R1 must be counted once in venture.
    await request(testApp.http)
      .patch(`/api/admin/assets/${r1}`)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ category: 'venture' })
      .expect(200);
    const body = await expectExact();
    expect(body.categories.map((c: { category: string }) => c.category)).toEqual(['venture']);
    const [{ n }] = await testApp.dataSource.query(`SELECT count(DISTINCT user_id)::int AS n FROM investments WHERE status = 'confirmed'`);
    expect(body.categories[0].investors).toBe(n);
  });

  it('stays exact under concurrent confirms and reads, without deadlocks', async () => {
    const pending: string[] = [];
    // R1 is fully subscribed by now: V1 and V2.
    for (let i = 0; i < 24; i++) pending.push(await invest(investors[i % 5], assets[i % 2], `${10 + i}`));
    const results = await Promise.all([
      ...pending.map((id) =>
        request(testApp.http).post(`/api/admin/investments/${id}/confirm`).set('Authorization', `Bearer ${admin.token}`).send({}),
      ),
      ...Array.from({ length: 6 }, () => request(testApp.http).get('/api/assets/analytics').set('Authorization', `Bearer ${admin.token}`)),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    await expectExact();
  });

  it('a read never folds: analytics show the rollup as last folded until the fold job runs', async () => {
    const fresh = await insertAsset(testApp, { name: 'Fresh', category: 'venture', targetAmount: '1000000' });
    await runFoldJob();
    const read = async () =>
      (await request(testApp.http).get('/api/assets/analytics').set('Authorization', `Bearer ${admin.token}`).expect(200)).body.platform;
    const before = await read();
    const id = await invest(investors[1], fresh, '70');
    await act(id, 'confirm');
    const queued = async () => (await testApp.dataSource.query(`SELECT count(*)::int AS n FROM investment_rollup_queue`))[0].n as number;
    expect(await queued()).toBeGreaterThan(0);
    expect(await read()).toEqual(before);
    expect(await queued()).toBeGreaterThan(0);
    await runFoldJob();
    expect(await queued()).toBe(0);
    expect((await read()).investments).toBe(before.investments + 1);
    await expectExact();
  });

  it('a scheduled fold (every minute) empties the queue without a read', async () => {
    expect(testApp.app.get(SchedulerRegistry).getCronJob('investment-rollup-fold')).toBeDefined();
    await testApp.dataSource.query(`INSERT INTO investments (user_id, asset_id, amount, status) VALUES ($1, $2, '7.5', 'confirmed')`, [
      investors[0].id,
      assets[0],
    ]);
    const queued = async () => (await testApp.dataSource.query(`SELECT count(*)::int AS n FROM investment_rollup_queue`))[0].n as number;
    expect(await queued()).toBeGreaterThan(0);
    expect(await testApp.app.get(AssetsRepository).foldPendingInvestmentRollup()).toBeGreaterThan(0);
    expect(await queued()).toBe(0);
    expect(await testApp.app.get(AssetsRepository).foldPendingInvestmentRollup()).toBe(0);
    await expectExact();
  });

  it('reads the rollup, never the investments table', async () => {
    const [{ 'QUERY PLAN': plan }] = await testApp.dataSource.query(`EXPLAIN (FORMAT JSON) ${assetAnalyticsSql().text}`);
    const text = JSON.stringify(plan);
    expect(text).toContain('"Relation Name":"investment_rollup_assets"');
    expect(text).not.toContain('"Relation Name":"investments"');
  });
});
