import request from 'supertest';
import { ERROR_CODES, isErrorCode } from '../../src/common/errors/error-codes';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin, createUser } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

/** Every error body carries a `code` from the one catalogue, Nest's and Fastify's own refusals included. */
describe('Error codes', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { SIWE_NONCE_RATE_PER_MINUTE: '2' } });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  /** The body is the usual shape, its code is catalogued, and the catalogue gives the same status. */
  function expectError(res: request.Response, status: number, code: string) {
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ statusCode: status, code });
    expect(typeof res.body.error).toBe('string');
    expect(res.body.message).toBeDefined();
    expect(isErrorCode(res.body.code)).toBe(true);
    expect(ERROR_CODES[res.body.code as keyof typeof ERROR_CODES].status).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  }

  it('400 validation_failed names each bad field in the message and in details.fields', async () => {
    const res = await request(testApp.http).post('/api/users').send({ phone: 'not a phone', extra: 1 });
    expectError(res, 400, 'validation_failed');
    expect(res.body.details.fields).toEqual(expect.arrayContaining(['phone', 'extra']));
    expect(res.body.message).toEqual(
      expect.arrayContaining([expect.stringMatching(/^phone /), expect.stringMatching(/^property extra|^extra/)]),
    );

    const user = await createUser(testApp);
    const badId = await request(testApp.http).get('/api/investments/not-a-uuid').set('Authorization', `Bearer ${user.token}`);
    expectError(badId, 400, 'validation_failed');
    expect(badId.body.details.fields).toEqual(['id']);
  });

  it('get /api/users/not-a-uuid: neither a UUID nor a legacy user id is 400 validation_failed naming id', async () => {
    const admin = await createAdmin(testApp, AdminRole.Superadmin);
    const res = await request(testApp.http).get('/api/users/not-a-uuid').set('Authorization', `Bearer ${admin.token}`);
    expectError(res, 400, 'validation_failed');
    expect(res.body.details.fields).toEqual(['id']);
    expect(res.body.message).toEqual(['id must be a UUID or a legacy id (usr_…, or a 64-hex phone hash)']);
  });

  it.each([
    ['get', '/api/users/not-a-uuid/transactions'],
    ['get', '/api/admin/kyc/not-a-uuid'],
    ['post', '/api/admin/kyc/not-a-uuid/start-review'],
    ['patch', '/api/admin/users/not-a-uuid/status'],
    ['patch', '/api/admin/admins/not-a-uuid'],
  ] as const)('%s %s: a path id that is not a UUID is 400 validation_failed naming id', async (method, path) => {
    const admin = await createAdmin(testApp, AdminRole.Superadmin);
    const res = await request(testApp.http)[method](path).set('Authorization', `Bearer ${admin.token}`);
    expectError(res, 400, 'validation_failed');
    expect(res.body.details.fields).toEqual(['id']);
    expect(res.body.message).toEqual(['id must be a UUID']);
  });

  it('401, 403 and the 404 of an unknown route carry their codes, and the path is not echoed', async () => {
    expectError(await request(testApp.http).get('/api/users/me'), 401, 'unauthorized');
    expectError(await request(testApp.http).get('/api/users/me').set('Authorization', 'Bearer nope'), 401, 'unauthorized');
    const user = await createUser(testApp);
    expectError(await request(testApp.http).get('/api/admin/users').set('Authorization', `Bearer ${user.token}`), 403, 'forbidden');
    const unknown = await request(testApp.http).get('/api/no-such-route-<script>');
    expectError(unknown, 404, 'route_not_found');
    expect(unknown.text).not.toContain('no-such-route');
    expectError(await request(testApp.http).delete('/api/users/me'), 404, 'route_not_found');
  });

  it('413, 415 and a malformed body carry their codes', async () => {
    const post = () => request(testApp.http).post('/api/users');
    expectError(await post().type('form').send('phone=1'), 415, 'unsupported_media_type');
    expectError(await post().set('Content-Type', 'application/json').send('{"phone":'), 400, 'malformed_json');
    expectError(
      await post()
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ phone: 'x'.repeat(1024 * 1024) })),
      413,
      'payload_too_large',
    );
  });

  it('429 carries Retry-After', async () => {
    const address = '0x000000000000000000000000000000000000dEaD';
    const nonce = () => request(testApp.http).post('/api/auth/nonce').send({ address });
    await nonce().expect(201);
    await nonce().expect(201);
    const limited = await nonce();
    expectError(limited, 429, 'too_many_attempts');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('a module error keeps its code and tells the client the details it can act on', async () => {
    const user = await createUser(testApp);
    const res = await request(testApp.http)
      .get('/api/investments/00000000-0000-4000-8000-000000000000')
      .set('Authorization', `Bearer ${user.token}`);
    expectError(res, 404, 'investment_not_found');
  });
});
