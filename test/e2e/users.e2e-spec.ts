import { createHash } from 'node:crypto';
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { UsersRepository } from '../../src/users/users.repository';
import { createAdmin, createUser } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';
import { SIGN_IN_HOST, signedChallenge, walletSignIn } from './auth.helpers';
import { REWRITTEN_BY_LIBPHONENUMBER } from '../../src/common/validation/rewritten-phones';

describe('Users: registration, profile, holdings, transaction history', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const register = () => request(testApp.http).post('/api/users').set('Host', SIGN_IN_HOST);
  const countUsers = async () => (await testApp.dataSource.query(`SELECT count(*)::int AS n FROM users`))[0].n as number;

  async function insertAsset(name: string): Promise<string> {
    const [row] = await testApp.dataSource.query(
      `INSERT INTO assets (name, category, target_amount, token_symbol) VALUES ($1, 'real_estate', '1000000', 'TKN') RETURNING id`,
      [name],
    );
    return row.id;
  }

  async function insertInvestment(userId: string, assetId: string, amount: string, status: string, tokens: string | null = null) {
    await testApp.dataSource.query(`INSERT INTO investments (user_id, asset_id, amount, status, tokens) VALUES ($1, $2, $3, $4, $5)`, [
      userId,
      assetId,
      amount,
      status,
      tokens,
    ]);
  }

  describe('POST /api/users (phone + signed wallet)', () => {
    it('registers a wallet that sign-in did not know, with the same signed message, E.164 phone and its hash', async () => {
      const account = privateKeyToAccount(generatePrivateKey());
      const { message, signature } = await signedChallenge(testApp, account);
      await request(testApp.http).post('/api/auth/wallet').set('Host', SIGN_IN_HOST).send({ message, signature }).expect(404);

      const res = await register()
        .send({ phone: '+1 (415) 555-0123', address: account.address.toLowerCase(), message, signature })
        .expect(201);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', userId: expect.any(String), accessToken: expect.any(String) });
      const [row] = await testApp.dataSource.query(
        `SELECT u.phone_e164, u.phone_hash, u.blockchain_address, t.name AS tier FROM users u JOIN user_tiers t ON t.id = u.tier_id WHERE u.id = $1`,
        [res.body.userId],
      );
      expect(row).toEqual({
        phone_e164: '+14155550123',
        phone_hash: createHash('sha256').update('+14155550123').digest('hex'),
        blockchain_address: account.address,
        tier: 'basic',
      });
      const me = await request(testApp.http).get('/api/users/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
      expect(me.body).toMatchObject({
        id: res.body.userId,
        walletAddress: account.address,
        phone: '+14155550123',
        kyc: { status: 'none' },
      });

      // The message is spent; the wallet now signs in normally.
      await register().send({ phone: '+14155550124', address: account.address, message, signature }).expect(401);
      expect(await walletSignIn(testApp, account)).toEqual(expect.any(String));
    });

    it('answers 409 for a phone or wallet already registered and writes nothing', async () => {
      const existing = await createUser(testApp);
      // createUser's +1 555 numbers are fictional; registration accepts only valid ones.
      await testApp.dataSource.query(`UPDATE users SET phone_e164 = '+14155550166', phone_hash = $2 WHERE id = $1`, [
        existing.id,
        createHash('sha256').update('+14155550166').digest('hex'),
      ]);
      const before = await countUsers();

      const newcomer = privateKeyToAccount(generatePrivateKey());
      const first = await signedChallenge(testApp, newcomer);
      const phoneClash = await register()
        .send({ phone: '+1 415 555 0166', address: newcomer.address, message: first.message, signature: first.signature })
        .expect(409);
      expect(phoneClash.body.code).toBe('phone_taken');

      const again = await signedChallenge(testApp, existing.account);
      const walletClash = await register()
        .send({ phone: '+14155550177', address: existing.account.address, message: again.message, signature: again.signature })
        .expect(409);
      expect(walletClash.body.code).toBe('wallet_taken');
      expect(await countUsers()).toBe(before);
      // The failed attempt did not spend the nonce.
      const [nonce] = await testApp.dataSource.query(`SELECT used_at FROM auth_nonces WHERE nonce = $1`, [first.nonce]);
      expect(nonce.used_at).toBeNull();
    });

    it('refuses an address other than the signer (400 naming address) and a forged signature (401)', async () => {
      const signer = privateKeyToAccount(generatePrivateKey());
      const other = privateKeyToAccount(generatePrivateKey());
      const signed = await signedChallenge(testApp, signer);
      const mismatch = await register()
        .send({ phone: '+14155550199', address: other.address, message: signed.message, signature: signed.signature })
        .expect(400);
      expect(mismatch.body.message).toMatch(/^address/);
      const forged = await other.signMessage({ message: signed.message });
      await register().send({ phone: '+14155550199', address: signer.address, message: signed.message, signature: forged }).expect(401);
    });

    it.each([
      [{ phone: '12345' }, 'phone'],
      [{ phone: '+1555' }, 'phone'],
      [{ phone: ['+14155550123'] }, 'phone'],
      [{ phone: '+1'.padEnd(10_000, '5') }, 'phone'],
      [{ address: '0xnothex' }, 'address'],
      [{ address: 12 }, 'address'],
      [{ signature: 'abc' }, 'signature'],
      [{ tierId: 4 }, 'tierId'],
    ])('rejects %j with 400 naming %s and writes nothing', async (override, field) => {
      const account = privateKeyToAccount(generatePrivateKey());
      const signed = await signedChallenge(testApp, account);
      const before = await countUsers();
      const body = { phone: '+14155550155', address: account.address, message: signed.message, signature: signed.signature, ...override };
      const res = await register().send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
      expect(await countUsers()).toBe(before);
    });
    it.each(REWRITTEN_BY_LIBPHONENUMBER)(
      'answers 400 naming phone for %s, whose digits libphonenumber would read as another number, and stores neither',
      async (written, e164) => {
        const account = privateKeyToAccount(generatePrivateKey());
        const signed = await signedChallenge(testApp, account);
        const before = await countUsers();
        const res = await register().send({
          phone: written,
          address: account.address,
          message: signed.message,
          signature: signed.signature,
        });
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.message)).toMatch(/phone has digits that would be read as another number/);
        expect(await countUsers()).toBe(before);
        const stored = await testApp.dataSource.query(`SELECT 1 FROM users WHERE phone_e164 = $1 OR blockchain_address = $2`, [
          e164,
          account.address,
        ]);
        expect(stored).toEqual([]);
      },
    );

    it('stores exactly the digits written for a number the library reads the same way', async () => {
      const account = privateKeyToAccount(generatePrivateKey());
      const signed = await signedChallenge(testApp, account);
      const res = await register()
        .send({ phone: '55 (11) 98765-4321', address: account.address, message: signed.message, signature: signed.signature })
        .expect(201);
      const [row] = await testApp.dataSource.query(`SELECT phone_e164, phone_hash FROM users WHERE id = $1`, [res.body.userId]);
      expect(row).toEqual({ phone_e164: '+5511987654321', phone_hash: createHash('sha256').update('+5511987654321').digest('hex') });
    });
  });

  describe('GET /api/users/me and /api/users/:id', () => {
    it('returns profile, tier, KYC and holdings summed exactly per asset, in the same number of queries for 1 or 6 assets', async () => {
      const user = await createUser(testApp);
      const a = await insertAsset('Alpha Tower');
      await insertInvestment(user.id, a, '0.1', 'confirmed', '10');
      await insertInvestment(user.id, a, '0.2', 'confirmed', '20');
      await insertInvestment(user.id, a, '5.5', 'pending');
      await insertInvestment(user.id, a, '99', 'cancelled');
      await testApp.dataSource.query(`INSERT INTO kyc_applications (user_id, status, level) VALUES ($1, 'approved', 2)`, [user.id]);
      await testApp.dataSource.query(`INSERT INTO user_profiles (user_id, first_name, country) VALUES ($1, 'Ada', 'GB')`, [user.id]);

      const spy = jest.spyOn(testApp.dataSource, 'query');
      const res = await request(testApp.http).get('/api/users/me').set('Authorization', `Bearer ${user.token}`).expect(200);
      const queriesForOne = spy.mock.calls.length;
      expect(res.body).toMatchObject({
        id: user.id,
        status: 'active',
        profile: { firstName: 'Ada', country: 'GB', lastName: null },
        tier: { name: 'basic', maxSingleInvestment: '1000.000000' },
        kyc: { status: 'approved', approvedLevel: 2 },
        totalInvested: '0.300000',
      });
      expect(res.body.holdings).toEqual([
        {
          assetId: a,
          assetName: 'Alpha Tower',
          tokenSymbol: 'TKN',
          confirmedAmount: '0.300000',
          pendingAmount: '5.500000',
          tokens: '30',
          investmentCount: 3,
        },
      ]);

      for (let i = 0; i < 5; i++) await insertInvestment(user.id, await insertAsset(`Asset ${i}`), '1.000001', 'confirmed', '1');
      spy.mockClear();
      const more = await request(testApp.http).get(`/api/users/${user.id}`).set('Authorization', `Bearer ${user.token}`).expect(200);
      expect(spy.mock.calls.length).toBe(queriesForOne);
      spy.mockRestore();
      expect(more.body.holdings).toHaveLength(6);
      expect(more.body.totalInvested).toBe('5.300005');
      expect(queriesForOne).toBeLessThanOrEqual(2);
    });

    it('hides other investors (404, not 403), lets admins with users:read in, and keeps anonymous callers out', async () => {
      const alice = await createUser(testApp);
      const bob = await createUser(testApp);
      const notFound = await request(testApp.http).get(`/api/users/${bob.id}`).set('Authorization', `Bearer ${alice.token}`).expect(404);
      const missing = await request(testApp.http)
        .get(`/api/users/00000000-0000-4000-8000-000000000000`)
        .set('Authorization', `Bearer ${alice.token}`)
        .expect(404);
      expect(notFound.body).toEqual(missing.body);
      await request(testApp.http).get(`/api/users/${bob.id}/transactions`).set('Authorization', `Bearer ${alice.token}`).expect(404);

      const support = await createAdmin(testApp, AdminRole.Support);
      const seen = await request(testApp.http).get(`/api/users/${bob.id}`).set('Authorization', `Bearer ${support.token}`).expect(200);
      expect(seen.body.id).toBe(bob.id);
      await request(testApp.http).get(`/api/users/me`).set('Authorization', `Bearer ${support.token}`).expect(403);

      await request(testApp.http).get(`/api/users/${bob.id}`).expect(401);
      await request(testApp.http).get(`/api/users/not-a-uuid`).set('Authorization', `Bearer ${alice.token}`).expect(400);
      // Fastify refuses a path parameter over 100 characters before routing it.
      const tooLong = await request(testApp.http)
        .get(`/api/users/${'9'.repeat(5000)}/transactions`)
        .set('Authorization', `Bearer ${alice.token}`)
        .expect(414);
      expect(tooLong.body).toEqual({ statusCode: 414, error: 'URI Too Long', message: 'A path segment is too long', code: 'uri_too_long' });
      const badUrl = await request(testApp.http).get('/api/users/%E0%A4%A').set('Authorization', `Bearer ${alice.token}`).expect(400);
      expect(badUrl.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Malformed URL', code: 'malformed_request' });
    });
  });

  describe('PATCH /api/users/me/profile', () => {
    it('creates the profile on first edit, changes only the fields sent and clears nulls', async () => {
      const user = await createUser(testApp);
      const patch = (body: object) =>
        request(testApp.http).patch('/api/users/me/profile').set('Authorization', `Bearer ${user.token}`).send(body);
      const first = await patch({
        firstName: 'Grace',
        lastName: 'Hopper',
        country: 'US',
        dateOfBirth: '1906-12-09',
        displayName: 'Amazing Grace',
        email: 'Grace@Example.com',
        notifyEmail: true,
      }).expect(200);
      expect(first.body).toMatchObject({
        displayName: 'Amazing Grace',
        email: 'grace@example.com',
        profile: { firstName: 'Grace', lastName: 'Hopper', country: 'US', dateOfBirth: '1906-12-09', notifyEmail: true, notifySms: null },
      });
      const second = await patch({ lastName: null, language: 'en-US' }).expect(200);
      expect(second.body.profile).toMatchObject({ firstName: 'Grace', lastName: null, language: 'en-US' });
    });

    it.each([
      [{ country: 'us' }, 'country'],
      [{ country: 'USA' }, 'country'],
      [{ dateOfBirth: '1990-13-01' }, 'dateOfBirth'],
      [{ email: 'nope' }, 'email'],
      [{ firstName: 'x'.repeat(101) }, 'firstName'],
      [{ firstName: { $ne: 1 } }, 'firstName'],
      [{ notifySms: 'yes' }, 'notifySms'],
      [{ status: 'active' }, 'status'],
      [{ tierId: 4 }, 'tierId'],
    ])('rejects %j with 400 naming %s and changes nothing', async (body, field) => {
      const user = await createUser(testApp);
      const res = await request(testApp.http)
        .patch('/api/users/me/profile')
        .set('Authorization', `Bearer ${user.token}`)
        .send(body)
        .expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
      const rows = await testApp.dataSource.query(`SELECT 1 FROM user_profiles WHERE user_id = $1`, [user.id]);
      expect(rows).toHaveLength(0);
    });

    it('is for investors only', async () => {
      const admin = await createAdmin(testApp, AdminRole.Superadmin);
      await request(testApp.http)
        .patch('/api/users/me/profile')
        .set('Authorization', `Bearer ${admin.token}`)
        .send({ firstName: 'X' })
        .expect(403);
      await request(testApp.http).patch('/api/users/me/profile').send({ firstName: 'X' }).expect(401);
    });
  });

  describe('GET /api/users/:id/transactions', () => {
    let user: Awaited<ReturnType<typeof createUser>>;

    beforeAll(async () => {
      user = await createUser(testApp);
      // 25 rows: pairs share a timestamp (ties broken by id), types and statuses alternate.
      await testApp.dataSource.query(
        `INSERT INTO transactions (user_id, type, amount, status, created_at)
         SELECT $1, (ARRAY['deposit','investment','distribution'])[1 + g % 3]::transaction_type, (g || '.5')::numeric,
                (ARRAY['completed','pending'])[1 + g % 2]::transaction_status,
                timestamptz '2026-01-01T00:00:00Z' + ((g / 2) * interval '1 hour') + interval '0.000123 second'
           FROM generate_series(1, 25) g`,
        [user.id],
      );
    });

    const history = (query: string, token = user.token) =>
      request(testApp.http).get(`/api/users/${user.id}/transactions${query}`).set('Authorization', `Bearer ${token}`);

    it('pages newest first with an opaque cursor, without gaps or repeats across equal timestamps', async () => {
      const all = await testApp.dataSource.query(`SELECT id FROM transactions WHERE user_id = $1 ORDER BY created_at DESC, id DESC`, [
        user.id,
      ]);
      const seen: string[] = [];
      let cursor: string | null = null;
      const sizes: number[] = [];
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await history(
          `?limit=10${cursor ? `&cursor=${cursor}` : ''}`,
        ).expect(200);
        sizes.push(res.body.items.length);
        seen.push(...res.body.items.map((t: { id: string }) => t.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(sizes).toEqual([10, 10, 5]);
      expect(seen).toEqual(all.map((r: { id: string }) => r.id));
      const first = (await history('?limit=1').expect(200)).body.items[0];
      // g = 24 and 25 share the newest timestamp; the id breaks the tie.
      expect(first.id).toBe(all[0].id);
      expect(first.amount).toMatch(/^2[45]\.500000$/);
      expect(first).toMatchObject({ currency: 'USDC', txHash: null, createdAt: '2026-01-01T12:00:00.000Z' });
    });

    it('filters by type, status and date range', async () => {
      const deposits = (await history('?type=deposit&limit=100').expect(200)).body.items;
      expect(deposits.length).toBe(8);
      expect(deposits.every((t: { type: string }) => t.type === 'deposit')).toBe(true);
      const completed = (await history('?status=completed&limit=100').expect(200)).body.items;
      expect(completed.length).toBe(12);
      const ranged = (await history('?from=2026-01-01T03:00:00Z&to=2026-01-01T05:00:00Z&limit=100').expect(200)).body.items;
      // g/2 in {3, 4} → g in 6..9
      expect(ranged.map((t: { amount: string }) => t.amount).sort()).toEqual(['6.500000', '7.500000', '8.500000', '9.500000']);
      const support = await createAdmin(testApp, AdminRole.Support);
      expect((await history('?limit=2', support.token).expect(200)).body.items).toHaveLength(2);
    });

    it.each([
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?limit=abc', 'limit'],
      ['?limit=1&limit=2', 'limit'],
      ['?cursor=garbage', 'cursor'],
      [`?cursor=${Buffer.from('2026-01-01|x').toString('base64url')}`, 'cursor'],
      ['?type=bribe', 'type'],
      ['?status=done', 'status'],
      ['?from=yesterday', 'from'],
      ['?to=2026-02-30T00:00:00Z', 'to'],
      ['?sort=asc', 'sort'],
    ])('rejects %s with 400 naming %s', async (query, field) => {
      const res = await history(query).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    });

    it('is served by idx_transactions_user_created (EXPLAIN on a table of 40k rows)', async () => {
      await testApp.dataSource.query(
        `INSERT INTO users (phone_hash, tier_id)
         SELECT encode(sha256(('explain-' || g)::bytea), 'hex'), NULL FROM generate_series(1, 200) g`,
      );
      await testApp.dataSource.query(
        `INSERT INTO transactions (user_id, type, amount, status, created_at)
         SELECT u.id, 'deposit', 1, 'completed', now() - (g * interval '1 minute')
           FROM (SELECT id FROM users WHERE phone_e164 IS NULL AND blockchain_address IS NULL) u, generate_series(1, 200) g`,
      );
      await testApp.dataSource.query(`ANALYZE transactions`);
      const repository = testApp.app.get(UsersRepository);
      const firstPage = repository.buildTransactionHistoryQuery({ userId: user.id, limit: 21 });
      const nextPage = repository.buildTransactionHistoryQuery({
        userId: user.id,
        limit: 21,
        after: { at: '2026-01-01T05:00:00.000123Z', id: '00000000-0000-4000-8000-000000000000' },
        status: 'completed' as never,
      });
      for (const query of [firstPage, nextPage]) {
        const [{ 'QUERY PLAN': plan }] = await testApp.dataSource.query(`EXPLAIN (FORMAT JSON) ${query.sql}`, query.params);
        const text = JSON.stringify(plan);
        expect(text).toContain('"Index Name":"idx_transactions_user_created"');
        expect(text).not.toContain('"Node Type":"Sort"');
        expect(text).not.toContain('"Node Type":"Seq Scan"');
      }
    });
  });
});
