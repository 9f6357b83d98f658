import { capturingLogger, FaultCluster, postmasterPid, startFaultCluster } from '../utils/fault-cluster';
import { createUser } from '../utils/auth';
import { Outcome, timedFetch } from '../utils/fault-load';
import { withDatabase } from '../utils/global-setup';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { childPids, processState, signalEach, sleep } from '../utils/processes';
import { Standby, startStandby } from '../utils/standby';
import { queryDatabase } from '../utils/test-database';
import { createTestApp, TestApp } from '../utils/test-app';

const QUERY_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 1_000;
/**
 * The longest a hot read may take while its replica is frozen: a connect to the replica (or a query on an
 * open connection) bounded client-side, then the primary's quick answer, plus slack for a shared 2-core machine.
 */
const REQUEST_BOUND_MS = CONNECT_TIMEOUT_MS + QUERY_TIMEOUT_MS + 2_000;
/** Longer than the bound plus the router's 5 s leave-out: the replica is tried (and found frozen) a second time during the stall. */
const STALL_MS = 8_000;

/**
 * A read replica that stops answering while the primary is fine: every process of the standby's cluster
 * frozen with SIGSTOP (stopping only its postmaster would leave the open connections working). Hot reads
 * routed to it must fall back to the primary within the client-side bound (the query-timeout
 * sweep on the replica pools, DB_QUERY_TIMEOUT_MS, and its connect timeout): 200, or a quick 503 with
 * Retry-After, never a 500 or a hang; after SIGCONT the replica serves again.
 *
 * Which server answered is visible in the answer itself: the standby's replay is paused before the
 * user's profile is written, so the replica answers without the profile and the primary with it.
 */
describe('Faults: a read replica stalls (every process SIGSTOPped) under hot reads', () => {
  runAloneAmongHeavyTests();

  let cluster: FaultCluster;
  let standby: Standby;
  let standbyUrl: string;
  let testApp: TestApp;
  let baseUrl: string;
  let user: { id: string; token: string };
  const captured = capturingLogger();

  const standbyPids = () => {
    const postmaster = postmasterPid(standby.dataDir);
    return postmaster ? [postmaster, ...childPids(postmaster)] : [];
  };
  const signalStandby = (signal: NodeJS.Signals) => signalEach(standbyPids(), signal);

  /** The user lookup (a hot read: the replica serves it when it can); which server answered, by the profile. */
  async function lookup(kind = 'read'): Promise<Outcome & { from?: 'replica' | 'primary' }> {
    const outcome = await timedFetch(
      kind,
      `${baseUrl}/api/users/${user.id}`,
      { headers: { Authorization: `Bearer ${user.token}` } },
      20_000,
    );
    if (outcome.status !== 200) return outcome;
    const profile = outcome.body?.profile as { firstName?: string } | null | undefined;
    return { ...outcome, from: profile?.firstName === 'Primary' ? 'primary' : 'replica' };
  }

  beforeAll(async () => {
    cluster = await startFaultCluster('pend-replica-stall-pg-');
    standby = await startStandby(cluster.server.url);
    standbyUrl = withDatabase(standby.url, 'pend');
    testApp = await createTestApp({
      databaseUrl: cluster.databaseUrl,
      logger: captured.logger,
      env: {
        LOG_LEVEL: 'warn',
        DATABASE_REPLICA_URLS: standbyUrl,
        DB_POOL_MAX: '5',
        DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
        DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      },
    });
    await testApp.app.listen(0, '127.0.0.1');
    baseUrl = (await testApp.app.getUrl()).replace('[::1]', '127.0.0.1');
    user = await createUser(testApp);
    // The replica has the user but, replay paused, never the profile written next: its answers have no profile.
    await standby.caughtUp(cluster.databaseUrl);
    await queryDatabase(standbyUrl, 'SELECT pg_wal_replay_pause()');
    const write = await fetch(`${baseUrl}/api/users/me/profile`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ firstName: 'Primary' }),
    });
    expect(write.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    if (standby) signalStandby('SIGCONT');
    await testApp?.app.close();
    await standby?.stop();
    await cluster?.remove();
  });

  it('hot reads fall back to the primary within the bound (200, or a quick 503 with Retry-After; never a 500 or a hang), and the replica serves again after SIGCONT', async () => {
    // Before: the replica answers, over connections the replica pool keeps open (frozen with it below).
    const before = await Promise.all(Array.from({ length: 5 }, () => lookup()));
    expect(before.map((o) => [o.status, o.from])).toEqual(Array(5).fill([200, 'replica']));

    /** Sequential workers reading until `stopped` is set. */
    const outcomes: (Outcome & { from?: string })[] = [];
    let stopped = false;
    const drive = (workers: number) =>
      Promise.all(
        Array.from({ length: workers }, async () => {
          while (!stopped) {
            outcomes.push(await lookup());
            await sleep(50);
          }
        }),
      );

    const logLinesBefore = captured.lines.length;
    const stalledAt = Date.now();
    const frozen = signalStandby('SIGSTOP');
    expect(frozen.length).toBeGreaterThan(3); // the postmaster, its startup, walreceiver and helper processes, its backends
    const load = drive(4);
    await sleep(200);
    expect(frozen.map((pid) => processState(pid) ?? 'T').filter((state) => state !== 'T')).toEqual([]);
    await sleep(STALL_MS - 200);
    signalStandby('SIGCONT');
    const resumedAt = Date.now();

    // The replica serves again once its leave-out has passed.
    let replicaBackMs: number | undefined;
    while (Date.now() - resumedAt < 15_000) {
      const probe = await lookup('probe');
      outcomes.push(probe);
      if (probe.from === 'replica') {
        replicaBackMs = Date.now() - resumedAt;
        break;
      }
      await sleep(100);
    }
    stopped = true;
    await load;

    const during = outcomes.filter((o) => o.startedAt >= stalledAt && o.startedAt < resumedAt);
    const fromPrimary = outcomes.filter((o) => o.from === 'primary');
    const firstPrimaryMs = fromPrimary.length > 0 ? Math.min(...fromPrimary.map((o) => o.startedAt + o.ms)) - stalledAt : undefined;
    const unavailable = outcomes.filter((o) => o.status === 503);
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    console.log(
      `replica stall: ${outcomes.length} reads (${during.length} during the ${STALL_MS} ms stall), ${fromPrimary.length} answered by the primary, ` +
        `${unavailable.length} × 503; first answer by the primary ${firstPrimaryMs} ms after the stall; slowest ${slowest} ms ` +
        `(bound ${REQUEST_BOUND_MS}); the replica served again ${replicaBackMs} ms after SIGCONT`,
    );

    // Only 200, or 503 database_unavailable with Retry-After: no 500, no dropped connection.
    const unexpected = outcomes.filter(
      (o) => o.status !== 200 && !(o.status === 503 && o.body?.code === 'database_unavailable' && Number(o.retryAfter) > 0),
    );
    expect(unexpected.map((o) => ({ status: o.status, ms: o.ms, body: o.body, error: o.error }))).toEqual([]);
    // None waited for the frozen replica beyond the client-side bound.
    expect(outcomes.filter((o) => o.ms >= REQUEST_BOUND_MS).map((o) => o.ms)).toEqual([]);
    // The primary took over during the stall (the first reads waited at most the bound for the replica).
    expect(during.filter((o) => o.from === 'primary').length).toBeGreaterThan(0);
    expect(firstPrimaryMs).toBeLessThan(REQUEST_BOUND_MS);
    expect(replicaBackMs).toBeDefined();
    // Logged once per time the replica was found frozen (at the stall, and again when its leave-out ran out
    // during it), never a line or a stack trace per request.
    await sleep(100);
    const logged = captured.lines.slice(logLinesBefore);
    expect(logged.filter((l) => String(l.message).startsWith('Read replica unavailable')).length).toBeGreaterThanOrEqual(2);
    expect(logged.filter((l) => 'stack' in l || JSON.stringify(l).includes('    at '))).toEqual([]);
    expect(logged.length).toBeLessThan(6);
  }, 45_000);

  it('more reads at once than the replica pool holds: the ones left waiting for a replica connection are answered by the primary too, not 503 overloaded', async () => {
    // The replica serves again (the test above resumed it): its pool holds DB_POOL_MAX open connections.
    const waitFrom = Date.now();
    while ((await lookup('probe')).from !== 'replica' && Date.now() - waitFrom < 15_000) await sleep(100);
    expect((await lookup('probe')).from).toBe('replica');
    await Promise.all(Array.from({ length: 5 }, () => lookup()));

    const burst = 3 * 5; // three times DB_POOL_MAX: five reads hold the frozen connections, ten wait for one
    const frozen = signalStandby('SIGSTOP');
    expect(frozen.length).toBeGreaterThan(3);
    try {
      const outcomes = await Promise.all(Array.from({ length: burst }, () => lookup()));
      console.log(
        `replica stall, burst of ${burst}: ${outcomes.map((o) => `${o.status}${o.from ? `/${o.from}` : ''} ${o.ms} ms`).join(', ')}`,
      );
      expect(outcomes.map((o) => [o.status, o.from, o.body?.code])).toEqual(Array(burst).fill([200, 'primary', undefined]));
      expect(outcomes.filter((o) => o.ms >= REQUEST_BOUND_MS).map((o) => o.ms)).toEqual([]);
    } finally {
      signalStandby('SIGCONT');
    }
  }, 30_000);
});
