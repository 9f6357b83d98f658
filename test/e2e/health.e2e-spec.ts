import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { Client } from 'pg';
import { freePort, PostgresProcess, startPostgresProcess } from '../utils/postgres-process';
import { createTestApp, TestApp } from '../utils/test-app';

describe('GET /api/health (Terminus) against a database that stops and starts', () => {
  let dir: string;
  let port: number;
  let server: PostgresProcess;
  let testApp: TestApp;

  beforeAll(async () => {
    // A server of its own: stopping the shared one would break the other test files.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-health-pg-'));
    fs.chmodSync(dir, 0o755);
    port = await freePort();
    server = await startPostgresProcess(path.join(dir, 'data'), port);
    testApp = await createTestApp({ databaseUrl: server.url, env: { DB_CONNECT_TIMEOUT_MS: '1000' } });
  });

  afterAll(async () => {
    await testApp?.app.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers live without touching the database', async () => {
    const res = await request(testApp.http).get('/api/health/live').expect(200);
    expect(res.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('is 200 in Terminus shape while the database is up', async () => {
    const res = await request(testApp.http).get('/api/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' } },
      error: {},
      details: { database: { status: 'up' } },
    });
  });

  it('is 503 naming the database when it stops, and 200 again once it is back', async () => {
    await server.stop();
    const down = await request(testApp.http).get('/api/health').expect(503);
    expect(down.headers['retry-after']).toBe('5'); // as every 503
    expect(down.body.status).toBe('error');
    expect(down.body.error.database.status).toBe('down');
    expect(down.body.details.database.status).toBe('down');
    expect(JSON.stringify(down.body)).not.toMatch(/at .*\.js:\d+/); // no stack trace

    server = await startPostgresProcess(path.join(dir, 'data'), port);
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
      status = (await request(testApp.http).get('/api/health')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    // The app really talks to the restarted server again.
    const client = new Client({ connectionString: server.url });
    await client.connect();
    await client.end();
  });
});
