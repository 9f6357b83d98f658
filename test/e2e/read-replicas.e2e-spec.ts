import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin, createUser } from '../utils/auth';
import { FaultCluster, startFaultCluster } from '../utils/fault-cluster';
import { sleep } from '../utils/processes';
import { withDatabase } from '../utils/global-setup';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { insertAsset } from '../utils/market-fixtures';
import { Standby, startStandby } from '../utils/standby';
import { queryDatabase } from '../utils/test-database';
import { createTestApp, TestApp } from '../utils/test-app';

/**
 * DATABASE_REPLICA_URLS against a real streaming standby of the test's own primary (pg_basebackup -R,
 * pg_ctl -w): hot reads go to it, a caller's reads after its own write see that write on any instance
 * (X-Pend-LSN), and with the primary stopped reads keep being served while writes get 503.
 */
describe('Read replicas: a real streaming standby', () => {
  runAloneAmongHeavyTests();

  let cluster: FaultCluster;
  let standby: Standby;
  let standbyUrl: string;
  let appA: TestApp;
  let appB: TestApp;

  const env = () => ({
    // Two instances of one deployment share the token secret.
    JWT_SECRET: 'read-replicas-e2e-shared-secret-0123456789',
    DATABASE_REPLICA_URLS: standbyUrl,
    DB_REPLICA_WAIT_MS: '300',
    DB_CONNECT_TIMEOUT_MS: '1000',
    DB_QUERY_TIMEOUT_MS: '2000',
    DB_POOL_MAX: '5',
  });
  const get = (app: TestApp, url: string, token: string, lsn?: string) => {
    const req = request(app.http).get(url).set('authorization', `Bearer ${token}`);
    return lsn ? req.set('x-pend-lsn', lsn) : req;
  };
  const replay = (action: 'pause' | 'resume') => queryDatabase(standbyUrl, `SELECT pg_wal_replay_${action}()`);

  beforeAll(async () => {
    cluster = await startFaultCluster('pend-replica-pg-');
    standby = await startStandby(cluster.server.url);
    standbyUrl = withDatabase(standby.url, 'pend');
    appA = await createTestApp({ databaseUrl: cluster.databaseUrl, env: env() });
    appB = await createTestApp({ databaseUrl: cluster.databaseUrl, env: { ...env(), DB_MIGRATIONS_RUN: 'false' } });
  }, 120_000);

  afterAll(async () => {
    await appA?.app.close();
    await appB?.app.close();
    await standby?.stop();
    await cluster?.remove();
  });

  it('is a real standby: read-only, in recovery, streaming from the primary', async () => {
    const [state] = await queryDatabase<{ recovery: boolean; readOnly: string }>(
      standbyUrl,
      `SELECT pg_is_in_recovery() AS recovery, current_setting('transaction_read_only') AS "readOnly"`,
    );
    expect(state).toEqual({ recovery: true, readOnly: 'on' });
    const senders = await queryDatabase<{ state: string }>(cluster.databaseUrl, `SELECT state FROM pg_stat_replication`);
    expect(senders.map((s) => s.state)).toEqual(['streaming']);
  });

  it('serves the hot reads from the replica (what the replica has not replayed is not seen), over its own connections', async () => {
    const user = await createUser(appA);
    const admin = await createAdmin(appA, AdminRole.Analyst);
    await standby.caughtUp(cluster.databaseUrl);
    await replay('pause');
    try {
      await insertAsset(appA, { name: 'Paused replay tower' });
      const reads = await Promise.all([
        get(appA, '/api/assets?q=paused%20replay', user.token),
        get(appA, `/api/users/${user.id}`, user.token),
        get(appA, `/api/users/${user.id}/transactions?limit=5`, user.token),
        get(appA, '/api/assets/analytics', admin.token),
        get(appA, '/api/admin/dashboard-stats', admin.token),
      ]);
      expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      // The primary has the asset; the replica (replay paused) does not: the search was answered by the replica.
      expect(reads[0].body.items).toEqual([]);
      const onReplica = await queryDatabase<{ n: number }>(
        standbyUrl,
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pend-backend-replica' AND datname = 'pend'`,
      );
      expect(onReplica[0].n).toBeGreaterThan(0);
    } finally {
      await replay('resume');
    }
    await standby.caughtUp(cluster.databaseUrl);
    const after = await get(appA, '/api/assets?q=paused%20replay', (await createUser(appA)).token).expect(200);
    expect(after.body.items.map((a: { name: string }) => a.name)).toEqual(['Paused replay tower']);
  });

  it('read-your-writes across instances: a write on A returns X-Pend-LSN; B, sent it, never answers from behind it', async () => {
    const user = await createUser(appA);
    await standby.caughtUp(cluster.databaseUrl);
    await replay('pause');
    try {
      const write = await request(appA.http)
        .patch('/api/users/me/profile')
        .set('authorization', `Bearer ${user.token}`)
        .send({ firstName: 'Replica' })
        .expect(200);
      const lsn = write.headers['x-pend-lsn'];
      expect(lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      // Without the position, B's replica (paused) answers from before the write…
      const stale = await get(appB, `/api/users/${user.id}`, user.token).expect(200);
      expect(stale.body.profile?.firstName ?? null).toBeNull();
      // …with it, B waits at most DB_REPLICA_WAIT_MS for the replica, then asks the primary.
      const started = Date.now();
      const fresh = await get(appB, `/api/users/${user.id}`, user.token, lsn).expect(200);
      expect(fresh.body.profile.firstName).toBe('Replica');
      expect(Date.now() - started).toBeLessThan(3_000);
      // A malformed position is never trusted: the primary answers.
      const odd = await get(appB, `/api/users/${user.id}`, user.token, 'not-an-lsn').expect(200);
      expect(odd.body.profile.firstName).toBe('Replica');
    } finally {
      await replay('resume');
    }
    // Replay running: the replica has it, and answers the caller that sends the position.
    const write = await request(appB.http)
      .patch('/api/users/me/profile')
      .set('authorization', `Bearer ${user.token}`)
      .send({ firstName: 'Streamed' })
      .expect(200);
    const read = await get(appA, `/api/users/${user.id}`, user.token, write.headers['x-pend-lsn']).expect(200);
    expect(read.body.profile.firstName).toBe('Streamed');
  });

  it('with the primary stopped: reads keep answering 200 from the replica, writes (sign-in included) answer 503 maintenance_read_only, health is degraded; all recovers after restart', async () => {
    const user = await createUser(appA);
    const admin = await createAdmin(appA, AdminRole.Analyst);
    await insertAsset(appA, { name: 'Outage tower' });
    await get(appA, '/api/users/me', user.token).expect(200);
    await get(appA, '/api/admin/dashboard-stats', admin.token).expect(200);
    await standby.caughtUp(cluster.databaseUrl);

    cluster.kill();
    await sleep(500);
    try {
      for (let round = 0; round < 3; round++) {
        const reads = await Promise.all([
          get(appA, '/api/users/me', user.token),
          get(appB, `/api/users/${user.id}`, user.token),
          get(appA, `/api/users/${user.id}/transactions?limit=5`, user.token),
          get(appB, '/api/assets?q=outage', user.token),
          get(appA, '/api/assets/analytics', admin.token),
          get(appB, '/api/admin/dashboard-stats', admin.token),
        ]);
        expect(reads.map((r) => [r.request.url.replace(/^.*\/api/, ''), r.status])).toEqual(
          reads.map((r) => [r.request.url.replace(/^.*\/api/, ''), 200]),
        );
        expect(reads[3].body.items.map((a: { name: string }) => a.name)).toEqual(['Outage tower']);
      }
      const started = Date.now();
      const write = await request(appA.http)
        .patch('/api/users/me/profile')
        .set('authorization', `Bearer ${user.token}`)
        .send({ firstName: 'Lost' });
      expect(write.status).toBe(503);
      expect(write.body).toMatchObject({ statusCode: 503, code: 'maintenance_read_only' });
      expect(Number(write.headers['retry-after'])).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(5_000);
      // Sign-in writes a nonce: refused the same way.
      const signIn = await request(appB.http).post('/api/auth/nonce').send({ address: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F' });
      expect(signIn.status).toBe(503);
      expect(signIn.body).toMatchObject({ statusCode: 503, code: 'maintenance_read_only' });
      expect(Number(signIn.headers['retry-after'])).toBeGreaterThan(0);

      const health = await request(appA.http).get('/api/health').expect(200);
      expect(health.body).toMatchObject({
        status: 'degraded',
        error: { database: { status: 'down' } },
        info: { database_replicas: { status: 'up' } },
      });
    } finally {
      await cluster.restart();
    }
    // Writes recover by themselves once the primary is back; the refused one left nothing behind.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (
        await request(appA.http).patch('/api/users/me/profile').set('authorization', `Bearer ${user.token}`).send({ lastName: 'Back' })
      ).status;
      if (status !== 200) await sleep(200);
    }
    expect(status).toBe(200);
    const [profile] = await queryDatabase<{ first_name: string | null; last_name: string }>(
      cluster.databaseUrl,
      `SELECT first_name, last_name FROM user_profiles WHERE user_id = $1`,
      [user.id],
    );
    expect(profile).toEqual({ first_name: null, last_name: 'Back' });
    await standby.caughtUp(cluster.databaseUrl, 30_000);
    expect((await request(appA.http).get('/api/health').expect(200)).body.status).toBe('ok');
  }, 120_000);
});
