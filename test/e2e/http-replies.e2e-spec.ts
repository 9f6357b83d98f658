import request from 'supertest';
import { createUser } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

/** JSON answers go out through JsonReplyExpressAdapter's shortcut: the same bytes and headers res.json sends. */
describe('HTTP replies: JSON answers', () => {
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
    const missing = await request(testApp.http).get('/api/users/00000000-0000-4000-8000-000000000000').set('Authorization', `Bearer ${user.token}`).expect(404);
    expect(missing.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(missing.body).toMatchObject({ statusCode: 404 });
    const docs = await request(testApp.http).get('/api/docs-json').expect(200);
    expect(docs.body.openapi).toBeDefined();
  });
});
