import * as bcrypt from 'bcrypt';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createUser } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';
import { SIGN_IN_HOST, signedChallenge } from './auth.helpers';

describe('Auth: wallet sign-in (SIWE) and admin password login', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const wallet = () => request(testApp.http).post('/api/auth/wallet').set('Host', SIGN_IN_HOST);
  const claimsOf = (token: string) => testApp.app.get(JwtService).verify<{ sub: string; kind: string; exp: number }>(token);

  describe('POST /api/auth/nonce', () => {
    it('issues a one-time nonce and an EIP-4361 message for the checksummed address', async () => {
      const account = privateKeyToAccount(generatePrivateKey());
      const res = await request(testApp.http)
        .post('/api/auth/nonce')
        .set('Host', SIGN_IN_HOST)
        .send({ address: account.address.toLowerCase() })
        .expect(201);
      expect(res.body.nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(res.body.message.startsWith(`${SIGN_IN_HOST} wants you`)).toBe(true);
      expect(res.body.message).toContain(`URI: http://${SIGN_IN_HOST}\n`);
      expect(res.body.message).toContain(`wants you to sign in with your Ethereum account:\n${account.address}\n`);
      expect(res.body.message).toContain(`Nonce: ${res.body.nonce}`);
      expect(res.body.message).toContain('Chain ID: 137');
      expect(res.body.message).toMatch(/Expiration Time: \d{4}-/);
      const [row] = await testApp.dataSource.query(`SELECT address, used_at, expires_at FROM auth_nonces WHERE nonce = $1`, [
        res.body.nonce,
      ]);
      expect(row.address).toBe(account.address);
      expect(row.used_at).toBeNull();
      expect(new Date(row.expires_at).getTime()).toBeGreaterThan(Date.now());
    });

    it.each([
      [{ address: '0x123' }, 'address'],
      [{ address: '0x71C7656EC7ab88b098defB751B7401B5f6d8976f' }, 'address'], // broken checksum
      [{ address: ['0x71C7656EC7ab88b098defB751B7401B5f6d8976F'] }, 'address'],
      [{ address: 'x'.repeat(100_000) }, 'address'],
      [{}, 'address'],
      [{ address: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F', admin: true }, 'admin'],
    ])('rejects %j with 400 naming %s and stores nothing', async (body, field) => {
      const before = await testApp.dataSource.query(`SELECT count(*)::int AS n FROM auth_nonces`);
      const res = await request(testApp.http).post('/api/auth/nonce').send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
      const after = await testApp.dataSource.query(`SELECT count(*)::int AS n FROM auth_nonces`);
      expect(after[0].n).toBe(before[0].n);
    });
  });

  describe('POST /api/auth/wallet', () => {
    it('signs a registered investor in with a viem-signed message, once', async () => {
      const user = await createUser(testApp);
      const { message, signature, nonce } = await signedChallenge(testApp, user.account);
      const res = await wallet().send({ message, signature }).expect(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, userId: user.id });
      const claims = claimsOf(res.body.accessToken);
      expect(claims).toMatchObject({ sub: user.id, kind: 'user' });
      expect(claims.exp - Date.now() / 1000).toBeLessThanOrEqual(900);
      const [nonceRow] = await testApp.dataSource.query(`SELECT used_at FROM auth_nonces WHERE nonce = $1`, [nonce]);
      expect(nonceRow.used_at).not.toBeNull();
      const [userRow] = await testApp.dataSource.query(`SELECT last_login_at FROM users WHERE id = $1`, [user.id]);
      expect(userRow.last_login_at).not.toBeNull();

      // The same message again is a replay.
      const replay = await wallet().send({ message, signature }).expect(401);
      expect(replay.body.code).toBe('invalid_sign_in');
    });

    it('lets exactly one of two concurrent uses of a nonce through', async () => {
      const user = await createUser(testApp);
      const { message, signature } = await signedChallenge(testApp, user.account);
      const results = await Promise.all([1, 2, 3].map(() => wallet().send({ message, signature })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
    });

    it('refuses a signature from another wallet, a tampered message and an expired nonce', async () => {
      const user = await createUser(testApp);
      const intruder = privateKeyToAccount(generatePrivateKey());
      const { message, signature, nonce } = await signedChallenge(testApp, user.account);

      const forged = await intruder.signMessage({ message });
      expect((await wallet().send({ message, signature: forged }).expect(401)).body.code).toBe('invalid_sign_in');
      const tampered = message.replace(/^[^ ]+ wants/, 'evil.example wants');
      await wallet()
        .send({ message: tampered, signature: await user.account.signMessage({ message: tampered }) })
        .expect(401);
      const otherChain = message.replace('Chain ID: 137', 'Chain ID: 1');
      await wallet()
        .send({ message: otherChain, signature: await user.account.signMessage({ message: otherChain }) })
        .expect(401);

      await testApp.dataSource.query(`UPDATE auth_nonces SET expires_at = now() - interval '1 second' WHERE nonce = $1`, [nonce]);
      await wallet().send({ message, signature }).expect(401);
    });

    it('answers 404 wallet_not_registered for a valid signature from an unknown wallet and leaves the nonce usable', async () => {
      const stranger = privateKeyToAccount(generatePrivateKey());
      const { message, signature, nonce } = await signedChallenge(testApp, stranger);
      const res = await wallet().send({ message, signature }).expect(404);
      expect(res.body.code).toBe('wallet_not_registered');
      const [row] = await testApp.dataSource.query(`SELECT used_at FROM auth_nonces WHERE nonce = $1`, [nonce]);
      expect(row.used_at).toBeNull();
    });

    it('refuses a suspended investor with 403', async () => {
      const user = await createUser(testApp);
      await testApp.dataSource.query(`UPDATE users SET status = 'suspended' WHERE id = $1`, [user.id]);
      const { message, signature } = await signedChallenge(testApp, user.account);
      expect((await wallet().send({ message, signature }).expect(403)).body.code).toBe('account_not_active');
    });

    it.each([
      [{ message: 'hello', signature: '0x1234' }, 'signature'],
      [{ message: 'not a siwe message', signature: `0x${'ab'.repeat(65)}` }, null],
      [{ message: ['a'], signature: `0x${'ab'.repeat(65)}` }, 'message'],
      [{ message: 'x'.repeat(50_000), signature: `0x${'ab'.repeat(65)}` }, 'message'],
      [{ signature: `0x${'ab'.repeat(65)}` }, 'message'],
    ])('rejects malformed input %# without a 500', async (body, field) => {
      const res = await wallet().send(body);
      if (field) {
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.message)).toContain(field);
      } else {
        expect(res.status).toBe(401);
      }
    });
  });

  describe('POST /api/auth/admin/login', () => {
    const password = 'correct horse battery staple';

    async function insertAdmin(email: string, hash: string | null, active = true, role = AdminRole.Compliance) {
      const [row] = await testApp.dataSource.query(
        `INSERT INTO admin_users (email, role, password_hash, active) VALUES ($1, $2, $3, $4) RETURNING id`,
        [email, role, hash, active],
      );
      return row.id as string;
    }

    it('accepts a legacy $2b$ bcrypt hash, resets counters and the token names the admin', async () => {
      const legacyHash = bcrypt.hashSync(password, 10);
      expect(legacyHash.startsWith('$2b$10$')).toBe(true);
      const id = await insertAdmin('legacy@pend.test', legacyHash);
      await testApp.dataSource.query(`UPDATE admin_users SET failed_login_count = 3 WHERE id = $1`, [id]);
      const res = await request(testApp.http).post('/api/auth/admin/login').send({ email: 'Legacy@Pend.test', password }).expect(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', adminId: id, role: 'compliance' });
      expect(claimsOf(res.body.accessToken)).toMatchObject({ sub: id, kind: 'admin' });
      const [row] = await testApp.dataSource.query(`SELECT failed_login_count, last_login_at FROM admin_users WHERE id = $1`, [id]);
      expect(row.failed_login_count).toBe(0);
      expect(row.last_login_at).not.toBeNull();
    });

    it('accepts $2a$ and $2y$ hashes (the same algorithm under other prefixes)', async () => {
      const hash = bcrypt.hashSync(password, 4);
      await insertAdmin('prefix-a@pend.test', hash.replace(/^\$2b\$/, '$2a$'));
      await insertAdmin('prefix-y@pend.test', hash.replace(/^\$2b\$/, '$2y$'));
      await request(testApp.http).post('/api/auth/admin/login').send({ email: 'prefix-a@pend.test', password }).expect(200);
      await request(testApp.http).post('/api/auth/admin/login').send({ email: 'prefix-y@pend.test', password }).expect(200);
    });

    it('answers the same 401 for an unknown email, a wrong password, no password hash and a disabled admin', async () => {
      const hash = bcrypt.hashSync(password, 4);
      await insertAdmin('known@pend.test', hash);
      await insertAdmin('nohash@pend.test', null);
      await insertAdmin('disabled@pend.test', hash, false);
      const attempts = [
        { email: 'nobody@pend.test', password },
        { email: 'known@pend.test', password: 'wrong password' },
        { email: 'nohash@pend.test', password },
        { email: 'disabled@pend.test', password },
      ];
      const bodies = [];
      for (const body of attempts) {
        const res = await request(testApp.http).post('/api/auth/admin/login').set('X-Forwarded-For', '198.51.100.7').send(body).expect(401);
        bodies.push(res.body);
      }
      expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
      expect(bodies[0]).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Invalid email or password',
        code: 'invalid_credentials',
      });
    });

    it('answers 429 after 5 failures for one email from one address, even with the right password; other addresses still get in', async () => {
      const hash = bcrypt.hashSync(password, 4);
      await insertAdmin('target@pend.test', hash);
      const from = (ip: string) => request(testApp.http).post('/api/auth/admin/login').set('X-Forwarded-For', ip);
      for (let i = 0; i < 5; i++)
        await from('203.0.113.5')
          .send({ email: 'target@pend.test', password: `guess ${i}` })
          .expect(401);
      const blocked = await from('203.0.113.5').send({ email: 'target@pend.test', password }).expect(429);
      expect(blocked.body.code).toBe('too_many_attempts');
      await from('203.0.113.6').send({ email: 'target@pend.test', password }).expect(200);
    });

    it('shares the failure limit between instances: guesses spread over two apps are blocked together, and no email is stored', async () => {
      const hash = bcrypt.hashSync(password, 4);
      await insertAdmin('spread@pend.test', hash);
      const second = await createTestApp({ databaseUrl: testApp.databaseUrl });
      try {
        const from = (app: TestApp) => request(app.http).post('/api/auth/admin/login').set('X-Forwarded-For', '203.0.113.77');
        // 3 wrong guesses on one instance, 2 on the other: the 5th failure blocks the pair on both.
        for (let i = 0; i < 5; i++)
          await from(i < 3 ? testApp : second)
            .send({ email: 'spread@pend.test', password: `guess ${i}` })
            .expect(401);
        expect((await from(testApp).send({ email: 'spread@pend.test', password }).expect(429)).body.code).toBe('too_many_attempts');
        expect((await from(second).send({ email: 'spread@pend.test', password }).expect(429)).body.code).toBe('too_many_attempts');
        const keys: { key: string }[] = await testApp.dataSource.query(`SELECT key FROM rate_limit_windows`);
        expect(keys.length).toBeGreaterThan(0);
        expect(JSON.stringify(keys)).not.toContain('spread');
      } finally {
        await second.close();
      }
    });

    it('never locks the account: 10 failures from 10 addresses leave the admin able to sign in from their own', async () => {
      const hash = bcrypt.hashSync(password, 4);
      const id = await insertAdmin('spray@pend.test', hash);
      for (let i = 0; i < 10; i++) {
        await request(testApp.http)
          .post('/api/auth/admin/login')
          .set('X-Forwarded-For', `192.0.2.${i + 1}`)
          .send({ email: 'spray@pend.test', password: `guess ${i}` })
          .expect(401);
      }
      const [row] = await testApp.dataSource.query(`SELECT failed_login_count FROM admin_users WHERE id = $1`, [id]);
      expect(row.failed_login_count).toBe(10);
      await request(testApp.http)
        .post('/api/auth/admin/login')
        .set('X-Forwarded-For', '192.0.2.99')
        .send({ email: 'spray@pend.test', password })
        .expect(200);
    });

    it('throttles one (account, address) with growing delays, each 429 carrying Retry-After', async () => {
      const hash = bcrypt.hashSync(password, 4);
      await insertAdmin('backoff@pend.test', hash);
      const attempt = () =>
        request(testApp.http)
          .post('/api/auth/admin/login')
          .set('X-Forwarded-For', '203.0.113.90')
          .send({ email: 'backoff@pend.test', password: 'nope' });
      const waits: number[] = [];
      for (let i = 0; i < 8; i++) {
        expect((await attempt()).status).toBe(401);
        const refused = await attempt();
        if (refused.status === 429) {
          waits.push(Number(refused.headers['retry-after']));
          // Let the delay run out without waiting for it.
          await testApp.dataSource.query(`UPDATE rate_limit_windows SET blocked_until = now() WHERE blocked_until > now()`);
        } else expect(refused.status).toBe(401);
      }
      // 4 free failures, then 2 s, 4 s, 8 s, … (the free ones were used up by the pairs above).
      expect(waits.length).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1]);
      expect(waits[0]).toBeLessThanOrEqual(4);
    });

    it('takes the client address from the socket unless TRUST_PROXY names the proxy: a forged X-Forwarded-For changes nothing', async () => {
      const direct = await createTestApp({ databaseUrl: testApp.databaseUrl, env: { TRUST_PROXY: '' } });
      try {
        await insertAdmin('forged@pend.test', bcrypt.hashSync(password, 4));
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) {
          const res = await request(direct.http)
            .post('/api/auth/admin/login')
            .set('X-Forwarded-For', `198.18.0.${i + 1}`)
            .send({ email: 'forged@pend.test', password: `guess ${i}` });
          statuses.push(res.status);
        }
        // Every guess counted against the one real address: the fifth failure throttles the sixth.
        expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      } finally {
        await direct.close();
      }
    });

    it.each([
      [{ email: 'not-an-email', password }, 'email'],
      [{ email: 'a@pend.test' }, 'password'],
      [{ email: 'a@pend.test', password: 'x'.repeat(10_000) }, 'password'],
      [{ email: ['a@pend.test'], password }, 'email'],
      [{ email: 'a@pend.test', password, role: 'superadmin' }, 'role'],
    ])('rejects %# with 400 naming the field', async (body, field) => {
      const res = await request(testApp.http).post('/api/auth/admin/login').set('X-Forwarded-For', '198.51.100.200').send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    });
  });

  it('uses SIWE_DOMAIN and SIWE_URI when configured, whatever the Host header says', async () => {
    const configured = await createTestApp({
      env: {
        SIWE_DOMAIN: 'invest.pend.example',
        SIWE_URI: 'https://invest.pend.example/login',
        SIWE_CHAIN_ID: '1',
        SIWE_NONCE_RATE_PER_MINUTE: '3',
      },
    });
    try {
      const user = await createUser(configured);
      const nonce = await request(configured.http)
        .post('/api/auth/nonce')
        .set('Host', 'evil.example')
        .send({ address: user.account.address })
        .expect(201);
      expect(nonce.body.message.startsWith('invest.pend.example wants you')).toBe(true);
      expect(nonce.body.message).toContain('URI: https://invest.pend.example/login\n');
      expect(nonce.body.message).toContain('Chain ID: 1\n');
      const signature = await user.account.signMessage({ message: nonce.body.message });
      await request(configured.http)
        .post('/api/auth/wallet')
        .set('Host', 'other.example')
        .send({ message: nonce.body.message, signature })
        .expect(200);

      // SIWE_NONCE_RATE_PER_MINUTE=3 per client address, counted in PostgreSQL: one more here and one on a
      // second instance, then 429 on both; another address is unaffected.
      const second = await createTestApp({ databaseUrl: configured.databaseUrl, env: { SIWE_NONCE_RATE_PER_MINUTE: '3' } });
      try {
        const ask = (app: TestApp, ip: string) =>
          request(app.http).post('/api/auth/nonce').set('X-Forwarded-For', ip).send({ address: user.account.address });
        await ask(configured, '127.0.0.1').expect(201);
        await ask(second, '127.0.0.1').expect(201);
        expect((await ask(configured, '127.0.0.1').expect(429)).body.code).toBe('too_many_attempts');
        expect((await ask(second, '127.0.0.1').expect(429)).body.code).toBe('too_many_attempts');
        await ask(second, '198.51.100.99').expect(201);
      } finally {
        await second.close();
      }
    } finally {
      await configured.close();
    }
  });

  it('documents the accounts routes and their DTOs in OpenAPI (/api/docs-json)', async () => {
    const res = await request(testApp.http).get('/api/docs-json').expect(200);
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/api/auth/nonce',
      '/api/auth/wallet',
      '/api/auth/admin/login',
      '/api/users',
      '/api/users/me',
      '/api/users/me/profile',
      '/api/users/{id}',
      '/api/users/{id}/transactions',
      '/api/kyc/applications',
      '/api/kyc/applications/me',
      '/api/admin/kyc',
      '/api/admin/kyc/{id}/approve',
      '/api/admin/kyc/{id}/reject',
      '/api/admin/users',
      '/api/admin/users/{id}/status',
      '/api/admin/logs',
      '/api/admin/me',
      '/api/admin/admins',
      '/api/admin/admins/{id}',
    ]) {
      expect(paths).toContain(path);
    }
    const schemas = res.body.components.schemas;
    expect(schemas.RegisterUserDto.required).toEqual(expect.arrayContaining(['phone', 'address', 'message', 'signature']));
    expect(Object.keys(schemas.KycDocumentInputDto.properties)).toEqual(
      expect.arrayContaining(['type', 'sha256', 'storageKey', 'mimeType']),
    );
    expect(schemas.UserDetailDto.properties.holdings).toBeDefined();
  });
});
