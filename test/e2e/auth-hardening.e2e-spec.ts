import { JwtService } from '@nestjs/jwt';
import * as jsonwebtoken from 'jsonwebtoken';
import { resolveJwtSecret } from '../../src/auth/jwt-secret';
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createUser } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

/** Sign-in cannot be relayed or stretched, and only tokens this server could have issued are accepted. */
describe('Auth hardening: SIWE origin and exact message, token lifetime', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    // No SIWE_DOMAIN / SIWE_URI: the development default, localhost:<PORT>.
    testApp = await createTestApp({ env: { SIWE_DOMAIN: '', SIWE_URI: '', PORT: '3555' } });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const nonceFor = (address: string) =>
    request(testApp.http)
      .post('/api/auth/nonce')
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .set('X-Forwarded-Proto', 'https')
      .send({ address })
      .expect(201);

  it('writes the message for the configured origin, never for the Host or X-Forwarded-Host a client sends', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const { body } = await nonceFor(account.address);
    expect(body.message.startsWith('localhost:3555 wants you')).toBe(true);
    expect(body.message).toContain('URI: http://localhost:3555\n');
    expect(body.message).not.toContain('evil.example');

    // A phishing site's own message with our nonce, signed by the victim: refused.
    const relayed = body.message
      .replace('localhost:3555 wants you', 'evil.example wants you')
      .replace('URI: http://localhost:3555', 'URI: https://evil.example');
    const res = await request(testApp.http)
      .post('/api/auth/wallet')
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .send({ message: relayed, signature: await account.signMessage({ message: relayed }) })
      .expect(401);
    expect(res.body.code).toBe('invalid_sign_in');
  });

  it('accepts only the exact message issued with the nonce, signed; any edit is refused and leaves the nonce usable', async () => {
    const user = await createUser(testApp);
    const { body } = await nonceFor(user.account.address);
    const issued: string = body.message;
    const inAYear = new Date(Date.now() + 365 * 24 * 3600_000).toISOString();
    const edits = [
      issued.replace(/Expiration Time: .*/, `Expiration Time: ${inAYear}`),
      issued.replace(/Issued At: .*/, `Issued At: ${new Date(Date.now() + 60_000).toISOString()}`),
      issued.replace('Sign in to Pend.', 'Sign in to Pend and approve everything.'),
      `${issued}\nResources:\n- https://evil.example/grant`,
    ];
    for (const message of edits) {
      expect(message).not.toBe(issued);
      const res = await request(testApp.http)
        .post('/api/auth/wallet')
        .send({ message, signature: await user.account.signMessage({ message }) });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'invalid_sign_in' });
    }
    const [row] = await testApp.dataSource.query(`SELECT used_at FROM auth_nonces WHERE nonce = $1`, [body.nonce]);
    expect(row.used_at).toBeNull();
    await request(testApp.http)
      .post('/api/auth/wallet')
      .send({ message: issued, signature: await user.account.signMessage({ message: issued }) })
      .expect(200);
  });

  it('refuses a token without exp, or living longer than JWT_TTL_SECONDS, even when signed with our key', async () => {
    const user = await createUser(testApp);
    const jwt = testApp.app.get(JwtService);
    const me = (token: string) => request(testApp.http).get('/api/users/me').set('Authorization', `Bearer ${token}`);
    await me(user.token).expect(200);
    const noExp = jsonwebtoken.sign({ sub: user.id, kind: 'user' }, resolveJwtSecret(testApp.config), { algorithm: 'HS256' });
    expect(jwt.decode<{ exp?: number }>(noExp).exp).toBeUndefined();
    expect((await me(noExp).expect(401)).body.code).toBe('unauthorized');
    const yearLong = jwt.sign({ sub: user.id, kind: 'user' }, { expiresIn: 365 * 24 * 3600 });
    expect((await me(yearLong).expect(401)).body.code).toBe('unauthorized');
    const futureIat = jwt.sign({ sub: user.id, kind: 'user', iat: Math.floor(Date.now() / 1000) + 3600 }, { expiresIn: 600 });
    await me(futureIat).expect(401);
    const withinTtl = jwt.sign({ sub: user.id, kind: 'user' }, { expiresIn: testApp.config.auth.jwtTtlSeconds });
    await me(withinTtl).expect(200);
  });
});
