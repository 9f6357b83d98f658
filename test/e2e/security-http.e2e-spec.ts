import * as net from 'node:net';
import request from 'supertest';
import { createAdmin } from '../utils/auth';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { MAX_JSON_DEPTH } from '../../src/common/http/http-adapter';
import { createTestApp, TestApp } from '../utils/test-app';

/** What the HTTP layer does against hostile clients, before any handler runs. */
describe('HTTP layer against hostile clients', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({
      env: {
        CORS_ORIGINS: 'https://app.pend.example',
        HTTP_HEADERS_TIMEOUT_MS: '1000',
        HTTP_REQUEST_TIMEOUT_MS: '2000',
        HTTP_MAX_HEADER_BYTES: '4096',
      },
    });
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

  it('sends the security headers on API answers and on the docs page, HSTS only over TLS from a trusted proxy', async () => {
    // A JSON answer, a success and a refusal alike: OWASP's REST set, and none of helmet's HTML-only headers.
    for (const res of [
      await request(testApp.http).get('/api/health/live').expect(200),
      await request(testApp.http).get('/api/no-such-route').expect(404),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toBeUndefined();
      for (const htmlOnly of ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-xss-protection']) {
        expect(res.headers[htmlOnly]).toBeUndefined();
      }
    }
    const tls = await request(testApp.http).get('/api/health/live').set('X-Forwarded-Proto', 'https').expect(200);
    expect(tls.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const docs = await request(testApp.http).get('/api/docs').expect(200);
    const csp = docs.headers['content-security-policy'] as string;
    // The page gets helmet's full set, its CSP with frame-ancestors too.
    expect(csp).toContain("frame-ancestors 'none'");
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    expect(docs.headers['referrer-policy']).toBe('no-referrer');
    expect(docs.headers['cross-origin-opener-policy']).toBe('same-origin');
    // Every script and stylesheet the page names is same-origin and served, so the CSP lets it load.
    expect(csp).toContain("script-src 'self'");
    const assets = [...docs.text.matchAll(/(?:src|href)=["']([^"']+\.(?:js|css))["']/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//);
      await request(testApp.http).get(new URL(asset, 'http://x/api/docs/').pathname).expect(200);
    }
    expect(docs.text).not.toMatch(/<script>[^<]/); // no inline script for script-src 'self' to block
  });

  it('answers CORS only for the CORS_ORIGINS allow-list', async () => {
    const allowed = await request(testApp.http)
      .options('/api/assets')
      .set('Origin', 'https://app.pend.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.pend.example');
    const other = await request(testApp.http).get('/api/health/live').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const plain = await createTestApp({ databaseUrl: testApp.databaseUrl });
    try {
      const none = await request(plain.http).get('/api/health/live').set('Origin', 'https://app.pend.example');
      expect(none.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await plain.close();
    }
  });

  it('cuts off a client that sends its headers too slowly, and refuses oversized headers with 431', async () => {
    const server = testApp.app.getHttpServer() as import('node:http').Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const started = Date.now();
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /api/health/live HTTP/1.1\r\nHost: x\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => undefined);
    });
    const held = Date.now() - started;
    expect(held).toBeLessThan(8_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('"code":"request_timeout"');

    const big = await request(testApp.http).get('/api/health/live').set('X-Big', 'x'.repeat(8_000));
    expect(big.status).toBe(431);
  });

  it('serves /metrics on its own port bound to 127.0.0.1, never on the API port', async () => {
    const admin = await createAdmin(testApp, AdminRole.Superadmin);
    const res = await request(testApp.http).get('/metrics').set('Authorization', `Bearer ${admin.token}`).expect(404);
    expect(res.body.code).toBe('route_not_found');
    expect(new URL(testApp.metricsUrl).hostname).toBe('127.0.0.1');
    const scrape = await request(testApp.metricsUrl).get('/metrics').expect(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(scrape.text).toMatch(/^# TYPE pend_http_request_duration_seconds histogram$/m);
  });
});
