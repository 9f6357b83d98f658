import { AssetsRepository } from '../../src/assets/assets.repository';
import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { permits, ROLE_PERMISSIONS } from '../../src/auth/guards/permissions';
import { createAdmin, createUser } from '../utils/auth';
import { agreement, countRows, insertAsset, setKycStatus } from '../utils/market-fixtures';
import { createTestApp, TestApp } from '../utils/test-app';

type Investor = Awaited<ReturnType<typeof createUser>>;

describe('Investments API', () => {
  let testApp: TestApp;
  let superadmin: { id: string; token: string };

  beforeAll(async () => {
    testApp = await createTestApp();
    superadmin = await createAdmin(testApp, AdminRole.Superadmin);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  async function approvedInvestor(): Promise<Investor> {
    const user = await createUser(testApp);
    await setKycStatus(testApp, user.id, 'approved');
    return user;
  }

  const invest = (user: { token: string }, body: object | object[], key?: string) => {
    const req = request(testApp.http).post('/api/investments').set('Authorization', `Bearer ${user.token}`);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };

  describe('POST /api/investments', () => {
    it('writes a pending investment, its pending transaction and its agreement in one go', async () => {
      const assetId = await insertAsset(testApp, { targetAmount: '1000' });
      const user = await approvedInvestor();
      const acceptance = agreement('2024-07');
      const res = await invest(user, { assetId, amount: '250.125', agreement: acceptance }).expect(201);
      expect(res.body).toMatchObject({
        userId: user.id,
        assetId,
        amount: '250.125000',
        status: 'pending',
        agreement: { version: '2024-07', signature: acceptance.signature, acceptedAt: expect.any(String) },
      });
      const [tx] = await testApp.dataSource.query(
        `SELECT type, status, amount, currency, asset_id, user_id FROM transactions WHERE investment_id = $1`,
        [res.body.id],
      );
      expect(tx).toEqual({
        type: 'investment',
        status: 'pending',
        amount: '250.125000',
        currency: 'USDC',
        asset_id: assetId,
        user_id: user.id,
      });
      const [ag] = await testApp.dataSource.query(
        `SELECT version, host(ip_address) AS ip, signature FROM investment_agreements WHERE investment_id = $1`,
        [res.body.id],
      );
      expect(ag).toEqual({ version: '2024-07', ip: expect.stringMatching(/127\.0\.0\.1|::1/), signature: acceptance.signature });
    });

    it.each([
      ['the address the trusted proxy named', '203.0.113.9', '203.0.113.9'],
      // Squid's `forwarded_for unknown` (and RFC 7239's for=unknown) name no address: the column is NULL, not the word.
      ['NULL when the proxy says unknown', 'unknown', null],
      ['NULL when the proxy sends something that is no address', 'not-an-address', null],
    ])('records in the agreement %s', async (_what, forwardedFor, stored) => {
      const assetId = await insertAsset(testApp, { targetAmount: '1000' });
      const user = await approvedInvestor();
      const res = await invest(user, { assetId, amount: '10', agreement: agreement() }).set('X-Forwarded-For', forwardedFor).expect(201);
      const [ag] = await testApp.dataSource.query(`SELECT host(ip_address) AS ip FROM investment_agreements WHERE investment_id = $1`, [
        res.body.id,
      ]);
      expect(ag).toEqual({ ip: stored });
    });

    it.each([
      ['amount', { amount: '1e2' }],
      ['amount', { amount: '-5' }],
      ['amount', { amount: '0' }],
      ['amount', { amount: '10.1234567' }],
      ['amount', { amount: '+10' }],
      ['amount', { amount: 100 }],
      ['amount', { amount: '0x10' }],
      ['assetId', { assetId: 'abc' }],
      ['agreement', { agreement: undefined }],
      ['agreement.signature', { agreement: { version: '1', signature: 'nothex' } }],
      ['agreement.version', { agreement: { version: '', signature: '0xab' } }],
      ['agreement.extra', { agreement: { version: '1', signature: '0xab', extra: 1 } }],
      ['property userId', { userId: '7d0c9a1e-7a57-4f55-9a57-2f2b8f3f0d11' }],
    ])('400 naming %s, nothing written', async (field, patch) => {
      const assetId = await insertAsset(testApp);
      const user = await approvedInvestor();
      const res = await invest(user, { assetId, amount: '100', agreement: agreement(), ...patch }).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
      expect(await countRows(testApp, 'investments', 'user_id = $1', [user.id])).toBe(0);
    });

    it('400 for a body that is an array, not an object', async () => {
      const user = await approvedInvestor();
      await invest(user, [{ assetId: await insertAsset(testApp), amount: '100', agreement: agreement() }]).expect(400);
      expect(await countRows(testApp, 'investments', 'user_id = $1', [user.id])).toBe(0);
    });

    it('400 for a malformed Idempotency-Key', async () => {
      const user = await approvedInvestor();
      const res = await invest(
        user,
        { assetId: await insertAsset(testApp), amount: '100', agreement: agreement() },
        'x'.repeat(256),
      ).expect(400);
      expect(JSON.stringify(res.body.message)).toContain('Idempotency-Key');
    });

    it('enforces KYC, asset state and window, min/max and the tier limit', async () => {
      const open = await insertAsset(testApp, { targetAmount: '100000', minInvestment: '50', maxInvestment: '5000' });
      const body = (amount: string, assetId = open) => ({ assetId, amount, agreement: agreement() });

      const pending = await createUser(testApp);
      await setKycStatus(testApp, pending.id, 'approved');
      await setKycStatus(testApp, pending.id, 'rejected'); // the latest application counts
      expect((await invest(pending, body('100')).expect(403)).body.code).toBe('kyc_not_approved');
      const noKyc = await createUser(testApp);
      expect((await invest(noKyc, body('100')).expect(403)).body.code).toBe('kyc_not_approved');

      const user = await approvedInvestor();
      expect((await invest(user, body('49.999999')).expect(422)).body.code).toBe('amount_below_minimum');
      // basic tier: maxSingleInvestment 1000
      expect((await invest(user, body('1000.000001')).expect(422)).body.code).toBe('tier_limit_exceeded');
      await testApp.dataSource.query(`UPDATE users SET tier_id = (SELECT id FROM user_tiers WHERE name = 'gold') WHERE id = $1`, [user.id]);
      expect((await invest(user, body('5000.01')).expect(422)).body.code).toBe('amount_above_maximum');
      await invest(user, body('5000')).expect(201);

      const draft = await insertAsset(testApp, { status: 'draft' });
      expect((await invest(user, body('100', draft)).expect(404)).body.code).toBe('asset_not_found');
      await invest(user, body('100', '7d0c9a1e-7a57-4f55-9a57-2f2b8f3f0d11')).expect(404);
      const funded = await insertAsset(testApp, { status: 'funded' });
      expect((await invest(user, body('100', funded)).expect(409)).body.code).toBe('asset_not_open');
      const later = await insertAsset(testApp, { opensAt: new Date(Date.now() + 86_400_000) });
      expect((await invest(user, body('100', later)).expect(409)).body.code).toBe('asset_not_open_yet');
      const past = await insertAsset(testApp, {
        opensAt: new Date(Date.now() - 2 * 86_400_000),
        closesAt: new Date(Date.now() - 86_400_000),
      });
      expect((await invest(user, body('100', past)).expect(409)).body.code).toBe('asset_closed');

      const small = await insertAsset(testApp, { targetAmount: '150' });
      await invest(user, body('100', small)).expect(201);
      const over = await invest(user, body('50.000001', small)).expect(409);
      expect(over.body).toMatchObject({ code: 'asset_oversubscribed', message: expect.stringContaining('50.000000') });

      const admin = await createAdmin(testApp, AdminRole.Superadmin);
      await invest(admin, body('100')).expect(403);
      await request(testApp.http).post('/api/investments').send(body('100')).expect(401);
    });

    it('50 parallel investors against room for 10: exactly 10 succeed, the target is never exceeded', async () => {
      const assetId = await insertAsset(testApp, { targetAmount: '1000', minInvestment: '1' });
      const investors = await Promise.all(Array.from({ length: 50 }, () => approvedInvestor()));
      const responses = await Promise.all(investors.map((user) => invest(user, { assetId, amount: '100', agreement: agreement() })));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(10);
      expect(statuses.filter((s) => s === 409)).toHaveLength(40);
      const refused = responses.find((r) => r.status === 409)!;
      expect(refused.body).toMatchObject({ code: 'asset_oversubscribed', message: 'Only 0.000000 USDC of the target remains' });
      const [sum] = await testApp.dataSource.query(
        `SELECT sum(amount)::text AS total, count(*)::int AS n FROM investments WHERE asset_id = $1 AND status IN ('pending', 'confirmed')`,
        [assetId],
      );
      expect(sum).toEqual({ total: '1000.000000', n: 10 });
      expect(await countRows(testApp, 'transactions', 'asset_id = $1', [assetId])).toBe(10);
      expect(
        await countRows(testApp, 'investment_agreements ag JOIN investments i ON i.id = ag.investment_id', 'i.asset_id = $1', [assetId]),
      ).toBe(10);
    });
  });

  describe('Idempotency-Key', () => {
    it('same key + same body replays the first answer and writes once; another body is 422', async () => {
      const assetId = await insertAsset(testApp, { targetAmount: '1000' });
      const user = await approvedInvestor();
      const body = { assetId, amount: '100', agreement: agreement() };
      const first = await invest(user, body, 'order-1').expect(201);
      // Same body with keys in another order is the same request.
      const again = await invest(user, { agreement: body.agreement, amount: '100', assetId }, 'order-1').expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await countRows(testApp, 'investments', 'user_id = $1', [user.id])).toBe(1);

      const other = await invest(user, { ...body, amount: '200' }, 'order-1').expect(422);
      expect(other.body.code).toBe('idempotency_key_reused');
      expect(await countRows(testApp, 'investments', 'user_id = $1', [user.id])).toBe(1);

      // Keys belong to their owner: another investor may use the same string.
      const someoneElse = await approvedInvestor();
      await invest(someoneElse, body, 'order-1').expect(201);
    });

    it('concurrent requests with one key create one investment and all get the same answer', async () => {
      const assetId = await insertAsset(testApp, { targetAmount: '1000' });
      const user = await approvedInvestor();
      const body = { assetId, amount: '10', agreement: agreement() };
      const responses = await Promise.all(Array.from({ length: 8 }, () => invest(user, body, 'burst')));
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      expect(await countRows(testApp, 'investments', 'user_id = $1', [user.id])).toBe(1);
      expect(await countRows(testApp, 'idempotency_keys', 'owner_id = $1', [user.id])).toBe(1);
    });

    it('a refusal is the key’s answer (Stripe’s rule): the same key and body get it again, even once room opens; a new key may succeed', async () => {
      const assetId = await insertAsset(testApp, { targetAmount: '100' });
      const [first, user] = [await approvedInvestor(), await approvedInvestor()];
      const taken = (await invest(first, { assetId, amount: '80', agreement: agreement() }).expect(201)).body;
      const body = { assetId, amount: '50', agreement: agreement() };

      const refused = await invest(user, body, 'order-409').expect(409);
      expect(refused.body).toMatchObject({ statusCode: 409, code: 'asset_oversubscribed' });
      expect(refused.headers['idempotent-replayed']).toBeUndefined();
      const [stored] = await testApp.dataSource.query(`SELECT response_status, response_body FROM idempotency_keys WHERE owner_id = $1`, [
        user.id,
      ]);
      expect(stored).toEqual({ response_status: 409, response_body: refused.body });

      // Room opens: the retry with the same key still replays the refusal, byte for byte, and writes nothing.
      await request(testApp.http)
        .post(`/api/admin/investments/${taken.id}/cancel`)
        .set('Authorization', `Bearer ${superadmin.token}`)
        .send({})
        .expect(200);
      const replay = await invest(user, body, 'order-409').expect(409);
      expect(replay.body).toEqual(refused.body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(await countRows(testApp, 'investments', 'user_id = $1', [user.id])).toBe(0);
      // The same key with another body is still a misuse of the key.
      expect((await invest(user, { ...body, amount: '40' }, 'order-409').expect(422)).body.code).toBe('idempotency_key_reused');

      await invest(user, body, 'order-409-again').expect(201);
      expect(await countRows(testApp, 'investments', 'user_id = $1', [user.id])).toBe(1);
    });

    it('a malformed request (400) never reaches the rules and leaves its key unused', async () => {
      const assetId = await insertAsset(testApp, { targetAmount: '1000' });
      const user = await approvedInvestor();
      await invest(user, { assetId, amount: '-5', agreement: agreement() }, 'typo').expect(400);
      expect(await countRows(testApp, 'idempotency_keys', 'owner_id = $1', [user.id])).toBe(0);
      await invest(user, { assetId, amount: '50', agreement: agreement() }, 'typo').expect(201);
    });
  });

  describe('GET /api/investments/me and /:id', () => {
    it('lists only the caller’s investments; another investor’s id is 404', async () => {
      const assetId = await insertAsset(testApp, { name: 'Mine' });
      const [alice, bob] = [await approvedInvestor(), await approvedInvestor()];
      const a1 = (await invest(alice, { assetId, amount: '10', agreement: agreement() }).expect(201)).body;
      const a2 = (await invest(alice, { assetId, amount: '20', agreement: agreement() }).expect(201)).body;
      const b1 = (await invest(bob, { assetId, amount: '30', agreement: agreement() }).expect(201)).body;

      const mine = await request(testApp.http).get('/api/investments/me').set('Authorization', `Bearer ${alice.token}`).expect(200);
      expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([a2.id, a1.id]);
      expect(mine.body.items[0]).toMatchObject({ assetName: 'Mine', currency: 'USDC', amount: '20.000000' });

      await request(testApp.http).get(`/api/investments/${a1.id}`).set('Authorization', `Bearer ${alice.token}`).expect(200);
      const probe = await request(testApp.http).get(`/api/investments/${b1.id}`).set('Authorization', `Bearer ${alice.token}`).expect(404);
      expect(probe.body.code).toBe('investment_not_found');
      await request(testApp.http).get('/api/investments/me?limit=500').set('Authorization', `Bearer ${alice.token}`).expect(400);
    });

    it('pages /me with the common keyset cursor and reports the total', async () => {
      const assetId = await insertAsset(testApp, { name: 'Paged' });
      const alice = await approvedInvestor();
      const ids: string[] = [];
      for (const amount of ['10', '20', '30'])
        ids.unshift((await invest(alice, { assetId, amount, agreement: agreement() }).expect(201)).body.id);
      const page = (query: string) =>
        request(testApp.http).get(`/api/investments/me${query}`).set('Authorization', `Bearer ${alice.token}`);

      const first = (await page('?limit=2').expect(200)).body;
      expect(first).toMatchObject({ total: 3, limit: 2 });
      expect(first.items.map((i: { id: string }) => i.id)).toEqual(ids.slice(0, 2));
      expect(first.items[0]).not.toHaveProperty('cursorAt');
      const second = (await page(`?limit=2&cursor=${first.nextCursor}`).expect(200)).body;
      expect(second.items.map((i: { id: string }) => i.id)).toEqual(ids.slice(2));
      expect(second).toMatchObject({ total: 3, nextCursor: null });
      expect((await page('').expect(200)).body).toMatchObject({ total: 3, limit: 50, nextCursor: null });

      const bad = await page('?cursor=not-a-cursor').expect(400);
      expect(JSON.stringify(bad.body)).toContain('cursor');
    });
  });

  describe('admin confirm / cancel / refund', () => {
    const act = (token: string, id: string, action: string, body: object = {}) =>
      request(testApp.http).post(`/api/admin/investments/${id}/${action}`).set('Authorization', `Bearer ${token}`).send(body);

    it('moves the investment and its transactions, audits it, refuses illegal moves, and analytics follow', async () => {
      const assetId = await insertAsset(testApp, { targetAmount: '1000', tokenPrice: '2.5' });
      const user = await approvedInvestor();
      const investment = (await invest(user, { assetId, amount: '100', agreement: agreement() }).expect(201)).body;
      // Each check first runs what the once-a-minute fold job runs (a read never folds).
      const analyticsFor = async () => {
        await testApp.app.get(AssetsRepository).foldPendingInvestmentRollup();
        const res = await request(testApp.http).get('/api/assets/analytics').set('Authorization', `Bearer ${superadmin.token}`).expect(200);
        return res.body.assets.find((row: { id: string }) => row.id === assetId);
      };
      expect(await analyticsFor()).toMatchObject({ raisedAmount: '0.000000', investors: 0 });

      const txHash = `0x${'AB'.repeat(32)}`;
      const confirmed = await act(superadmin.token, investment.id, 'confirm', { txHash }).expect(200);
      expect(confirmed.body).toMatchObject({ status: 'confirmed', tokens: '40', txHash: txHash.toLowerCase() });
      expect(await testApp.dataSource.query(`SELECT type, status FROM transactions WHERE investment_id = $1`, [investment.id])).toEqual([
        { type: 'investment', status: 'completed' },
      ]);
      expect(await analyticsFor()).toMatchObject({
        raisedAmount: '100.000000',
        fundedPercent: '10.00',
        investors: 1,
        averageTicket: '100.000000',
      });

      expect((await act(superadmin.token, investment.id, 'confirm').expect(409)).body.code).toBe('illegal_investment_transition');
      await act(superadmin.token, investment.id, 'cancel').expect(409);

      await act(superadmin.token, investment.id, 'refund', { reason: 'asset withdrawn' }).expect(200);
      const rows = await testApp.dataSource.query(`SELECT type, status, amount FROM transactions WHERE investment_id = $1 ORDER BY type`, [
        investment.id,
      ]);
      expect(rows).toEqual([
        { type: 'investment', status: 'completed', amount: '100.000000' },
        { type: 'refund', status: 'completed', amount: '100.000000' },
      ]);
      expect(await analyticsFor()).toMatchObject({ raisedAmount: '0.000000', investors: 0 });
      await act(superadmin.token, investment.id, 'refund').expect(409);

      const second = (await invest(user, { assetId, amount: '50', agreement: agreement() }).expect(201)).body;
      expect((await act(superadmin.token, second.id, 'cancel').expect(200)).body.status).toBe('cancelled');
      expect(await testApp.dataSource.query(`SELECT status FROM transactions WHERE investment_id = $1`, [second.id])).toEqual([
        { status: 'failed' },
      ]);
      await act(superadmin.token, second.id, 'refund').expect(409);

      const audit = await testApp.dataSource.query(
        `SELECT action FROM admin_logs WHERE target_type = 'investment' AND target_id IN ($1, $2) ORDER BY "timestamp"`,
        [investment.id, second.id],
      );
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['investment.confirm', 'investment.refund', 'investment.cancel']);

      await act(superadmin.token, '7d0c9a1e-7a57-4f55-9a57-2f2b8f3f0d11', 'confirm').expect(404);
      expect((await act(superadmin.token, second.id, 'confirm', { txHash: '0x12' }).expect(400)).body.message.join()).toContain('txHash');
    });

    it.each(['confirm', 'cancel', 'refund'])('role matrix for POST /api/admin/investments/:id/%s', async (action) => {
      const assetId = await insertAsset(testApp);
      const user = await approvedInvestor();
      const unknownId = '7d0c9a1e-7a57-4f55-9a57-2f2b8f3f0d11';
      await request(testApp.http).post(`/api/admin/investments/${unknownId}/${action}`).send({}).expect(401);
      await act(user.token, unknownId, action).expect(403);
      for (const role of Object.values(AdminRole)) {
        const admin = await createAdmin(testApp, role);
        const investment = (await invest(user, { assetId, amount: '10', agreement: agreement() }).expect(201)).body;
        if (action === 'refund')
          await testApp.dataSource.query(`UPDATE investments SET status = 'confirmed' WHERE id = $1`, [investment.id]);
        const res = await act(admin.token, investment.id, action);
        const expected = permits(ROLE_PERMISSIONS[role], 'investments:manage') ? 200 : 403;
        expect({ role, status: res.status }).toEqual({ role, status: expected });
      }
    });
  });
});
