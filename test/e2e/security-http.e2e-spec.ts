import request from 'supertest';
import { MAX_JSON_DEPTH } from '../../src/common/http/http-adapter';
import { createTestApp, TestApp } from '../utils/test-app';

/** What the HTTP layer does against hostile clients, before any handler runs. */
describe('HTTP layer against hostile clients', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  describe('JSON nesting depth', () => {
    const nested = (levels: number, open: string, close: string, leaf = '1') => `${open.repeat(levels)}${leaf}${close.repeat(levels)}`;

    it.each([
      ['/api/auth/nonce', `{"address":${nested(3000, '{"a":', '}')}}`],
      ['/api/auth/nonce', nested(3000, '[', ']')],
      ['/api/users', `{"phone":"+14155550123","x":${nested(MAX_JSON_DEPTH, '[', ']')}}`],
    ])('%s with a body nested too deep → 400 json_too_deep naming the limit, unauthenticated', async (path, body) => {
      const res = await request(testApp.http).post(path).set('Content-Type', 'application/json').send(body).expect(400);
      expect(res.body).toMatchObject({ code: 'json_too_deep', details: { maxDepth: MAX_JSON_DEPTH } });
      expect(res.body.message).toContain(String(MAX_JSON_DEPTH));
    });

    it('lets a body at the limit through to validation, and does not count brackets inside strings', async () => {
      const atLimit = await request(testApp.http)
        .post('/api/auth/nonce')
        .set('Content-Type', 'application/json')
        .send(nested(MAX_JSON_DEPTH, '[', ']'))
        .expect(400);
      expect(atLimit.body.code).toBe('validation_failed');
      const brackets = await request(testApp.http)
        .post('/api/auth/nonce')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ address: '['.repeat(5000) + '\\"{'.repeat(100) }))
        .expect(400);
      expect(brackets.body.code).toBe('validation_failed');
    });
  });
});
