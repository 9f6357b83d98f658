import { createUser } from '../utils/auth';
import { capturingLogger, FaultCluster, startFaultCluster } from '../utils/fault-cluster';
import { sleep } from '../utils/processes';
import { checkInvestmentBooks, invest, Outcome, settleInvestments, timedFetch, unexpectedOutcomes } from '../utils/fault-load';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { insertAsset, setKycStatus } from '../utils/market-fixtures';
import { createTestApp, TestApp } from '../utils/test-app';

const QUERY_TIMEOUT_MS = 1_500;
const CONNECT_TIMEOUT_MS = 1_000;
/** The longest a request may take during an outage: a pool wait, a connect, a query, plus slack for a shared 2-core machine. */
const REQUEST_BOUND_MS = 2 * CONNECT_TIMEOUT_MS + QUERY_TIMEOUT_MS + 2_500;

describe('Faults: the database stalls (SIGSTOP) or is killed while the app serves', () => {
  runAloneAmongHeavyTests();

  let cluster: FaultCluster;
  let testApp: TestApp;
  let baseUrl: string;
  let investor: { id: string; token: string };
  let assetId: string;

  /** Each test invests as an investor of its own, so the books can be checked per test. */
  async function newInvestor() {
    investor = await createUser(testApp);
    await setKycStatus(testApp, investor.id, 'approved');
  }
  const captured = capturingLogger();

  beforeAll(async () => {
    cluster = await startFaultCluster();
    testApp = await createTestApp({
      databaseUrl: cluster.databaseUrl,
      logger: captured.logger,
      env: {
        LOG_LEVEL: 'warn',
        DB_POOL_MAX: '5',
        DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
        DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        DB_STATEMENT_TIMEOUT_MS: '1000',
      },
    });
    await testApp.app.listen(0, '127.0.0.1');
    baseUrl = (await testApp.app.getUrl()).replace('[::1]', '127.0.0.1');
    assetId = await insertAsset(testApp, { targetAmount: '1000000', minInvestment: '10' });
  });

  afterAll(async () => {
    await testApp?.app.close();
    await cluster?.remove();
  });

  /** Sequential workers alternating a read and an investment until `stop()` resolves. */
  async function drive(workers: number, stop: Promise<void>): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    let stopped = false;
    void stop.then(() => (stopped = true));
    await Promise.all(
      Array.from({ length: workers }, async (_, worker) => {
        for (let i = 0; !stopped; i++) {
          outcomes.push(
            (i + worker) % 2 === 0
              ? await timedFetch('read', `${baseUrl}/api/users/me`, { headers: { Authorization: `Bearer ${investor.token}` } })
              : await invest(baseUrl, investor.token, assetId),
          );
          await sleep(50);
        }
      }),
    );
    return outcomes;
  }

  /** Resolves once a read answers 200 again; rejects after `withinMs`. */
  async function recovered(withinMs: number): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < withinMs) {
      const probe = await timedFetch('probe', `${baseUrl}/api/users/me`, { headers: { Authorization: `Bearer ${investor.token}` } });
      if (probe.status === 200) return Date.now() - started;
      await sleep(200);
    }
    throw new Error(`the service did not recover within ${withinMs} ms`);
  }

  async function expectConsistentBooks(outcomes: Outcome[]) {
    const settled = await settleInvestments(baseUrl, investor.token, outcomes, assetId);
    expect(unexpectedOutcomes(settled)).toEqual([]);
    const acknowledged = [...settled, ...outcomes.filter((o) => o.kind === 'invest' && o.status === 201)]
      .filter((o) => o.status === 201)
      .map((o) => ({ id: String(o.body?.id), key: o.idempotencyKey }));
    const unique = [...new Map(acknowledged.map((a) => [a.id, a])).values()];
    const books = await checkInvestmentBooks(cluster.databaseUrl, unique, investor.id);
    expect(books.missing).toEqual([]);
    expect(books.assetsAboveTarget).toBe(0);
    // Every investment in the database was acknowledged, at the latest to the retry with its key:
    // one committed while its answer was lost did not turn into a second one.
    expect(books.investments).toBe(unique.length);
  }

  it('a stalled database gives quick 503 database_unavailable (never a 500 or a hang), logs the outage twice, and recovers by itself', async () => {
    await newInvestor();
    // Warm the pool so that connections are open (and would keep working if only the postmaster stopped).
    const warm: Outcome[] = [];
    for (let i = 0; i < 5; i++) warm.push(await invest(baseUrl, investor.token, assetId));
    expect(warm.map((o) => o.status)).toEqual([201, 201, 201, 201, 201]);
    const logLinesBefore = captured.lines.length;

    const stalledAt = Date.now();
    const stopped = cluster.signalAll('SIGSTOP');
    expect(stopped.length).toBeGreaterThan(3); // the postmaster and its backends and helpers
    let release!: () => void;
    const load = drive(4, new Promise<void>((resolve) => (release = resolve)));
    await sleep(6_000);
    cluster.signalAll('SIGCONT');
    const resumedAt = Date.now();
    const recoveryMs = await recovered(20_000);
    release();
    const outcomes = await load;

    const unavailable = outcomes.filter((o) => o.status === 503);
    const firstUnavailableMs = Math.min(...unavailable.map((o) => o.startedAt + o.ms)) - stalledAt;
    console.log(
      `database stall: ${outcomes.length} requests, ${unavailable.length} × 503, first 503 ${firstUnavailableMs} ms after the stall, ` +
        `slowest ${Math.max(...outcomes.map((o) => o.ms))} ms, recovered ${recoveryMs} ms after SIGCONT`,
    );
    expect(unexpectedOutcomes(outcomes)).toEqual([]);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const o of unavailable) {
      expect(o.body).toMatchObject({ statusCode: 503, code: 'database_unavailable' });
      expect(Number(o.retryAfter)).toBeGreaterThan(0);
    }
    expect(firstUnavailableMs).toBeLessThan(REQUEST_BOUND_MS);
    const during = outcomes.filter((o) => o.startedAt >= stalledAt && o.startedAt < resumedAt);
    expect(Math.max(...during.map((o) => o.ms))).toBeLessThan(REQUEST_BOUND_MS);

    // Logged once when it started and once when it ended, with the count; no stack trace per request.
    await sleep(100);
    const outageLines = captured.lines.slice(logLinesBefore);
    const messages = outageLines.map((l) => String(l.message));
    expect(messages.filter((m) => m.startsWith('Database unavailable'))).toHaveLength(1);
    const ended = messages.filter((m) => m.startsWith('Database available again'));
    expect(ended).toHaveLength(1);
    expect(ended[0]).toContain(`${unavailable.length} request(s)`);
    expect(outageLines.filter((l) => 'stack' in l || JSON.stringify(l).includes('    at '))).toEqual([]);
    expect(outageLines.length).toBeLessThan(10);

    await expectConsistentBooks([...warm, ...outcomes]);
  }, 90_000);

  it('a killed database gives 503s while it is down, and the app reconnects by itself once it is back', async () => {
    await newInvestor();
    const warm = await invest(baseUrl, investor.token, assetId);
    expect(warm.status).toBe(201);
    cluster.kill();
    let release!: () => void;
    const load = drive(3, new Promise<void>((resolve) => (release = resolve)));
    await sleep(3_000);
    await cluster.restart();
    const recoveryMs = await recovered(20_000);
    release();
    const outcomes = await load;
    console.log(
      `database killed: ${outcomes.length} requests, ${outcomes.filter((o) => o.status === 503).length} × 503, recovered ${recoveryMs} ms after the restart`,
    );
    expect(unexpectedOutcomes(outcomes)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(REQUEST_BOUND_MS);
    await expectConsistentBooks([warm, ...outcomes]);
  }, 90_000);
});
