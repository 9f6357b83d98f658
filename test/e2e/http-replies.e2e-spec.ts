import request from 'supertest';
import { createUser } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

/** What the HTTP layer (Fastify) answers before and after the handlers: JSON replies, body refusals, the docs. */
describe('HTTP replies', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('sends UTF-8 JSON with its exact length and no ETag; HEAD gets the headers without the body', async () => {
    const user = await createUser(testApp);
    await testApp.dataSource.query(`UPDATE users SET display_name = 'Zoë 🚀' WHERE id = $1`, [user.id]);
    const res = await request(testApp.http).get('/api/users/me').set('Authorization', `Bearer ${user.token}`).expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect(res.headers.etag).toBeUndefined();
    expect(JSON.parse(res.text)).toMatchObject({ id: user.id, displayName: 'Zoë 🚀' });

    const head = await request(testApp.http).head('/api/users/me').set('Authorization', `Bearer ${user.token}`).expect(200);
    expect(head.headers['content-length']).toBe(res.headers['content-length']);
    expect(head.text ?? '').toBe('');
  });

  it('keeps the usual path for errors and for answers with a status of their own', async () => {
    const user = await createUser(testApp);
    const missing = await request(testApp.http)
      .get('/api/users/00000000-0000-4000-8000-000000000000')
      .set('Authorization', `Bearer ${user.token}`)
      .expect(404);
    expect(missing.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(missing.body).toMatchObject({ statusCode: 404 });
    const docs = await request(testApp.http).get('/api/docs-json').expect(200);
    expect(docs.body.openapi).toBeDefined();
  });

  it('takes JSON bodies only: another Content-Type is a 415, a bare value or a prototype key a 400, each in the usual shape', async () => {
    const users = async () => Number((await testApp.dataSource.query(`SELECT count(*) AS n FROM users`))[0].n);
    const before = await users();
    const post = () => request(testApp.http).post('/api/users');

    const form = await post().type('form').send('phone=%2B14155550123').expect(415);
    expect(form.body).toEqual({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: 'Send the body as application/json',
      code: 'unsupported_media_type',
    });
    await post().set('Content-Type', 'text/plain').send('{"phone":"+14155550123"}').expect(415);

    for (const bare of ['null', '"hello"', '12', 'true']) {
      const res = await post().set('Content-Type', 'application/json').send(bare).expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'The JSON body must be an object or an array',
        code: 'malformed_json',
      });
    }
    const poisoned = await post()
      .set('Content-Type', 'application/json')
      .send('{"phone":"+14155550123","__proto__":{"admin":true}}')
      .expect(400);
    expect(poisoned.body.message).toMatch(/__proto__/);
    const empty = await post().set('Content-Type', 'application/json').send('').expect(400);
    // An empty body is no body: the fields it lacks are named.
    expect(empty.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^phone/)]));
    const malformed = await post().set('Content-Type', 'application/json').send('{"phone":').expect(400);
    expect(malformed.body.message).toMatch(/not valid JSON/);
    const huge = await post()
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ phone: 'x'.repeat(1024 * 1024) }))
      .expect(413);
    expect(huge.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'Request body is too large',
      code: 'payload_too_large',
    });
    expect(await users()).toBe(before);
  });

  it('serves the OpenAPI UI and its assets at /api/docs, and says nothing about the server it runs on', async () => {
    const page = await request(testApp.http).get('/api/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('swagger-ui-bundle.js');
    const bundle = await request(testApp.http).get('/api/docs/swagger-ui-bundle.js').expect(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(page.headers['x-powered-by']).toBeUndefined();
    const escape = await request(testApp.http).get('/api/docs/../../package.json');
    expect([403, 404]).toContain(escape.status);
    expect(escape.text).not.toContain('pend-backend');
  });
});
