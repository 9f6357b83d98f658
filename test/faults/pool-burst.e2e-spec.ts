import { createUser } from '../utils/auth';
import { checkInvestmentBooks, invest, Outcome, unexpectedOutcomes } from '../utils/fault-load';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { insertAsset, setKycStatus } from '../utils/market-fixtures';
import { createTestApp, TestApp } from '../utils/test-app';

const BURST = 300;
const POOL_WAIT_MS = 250;

describe('Faults: a burst of investments far bigger than the pool', () => {
  runAloneAmongHeavyTests();

  let testApp: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { DB_POOL_MAX: '2', DB_CONNECT_TIMEOUT_MS: String(POOL_WAIT_MS) } });
    await testApp.app.listen(0, '127.0.0.1');
    baseUrl = (await testApp.app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it(`${BURST} parallel investments on a 2-connection pool: 201, 409 or a quick 503 overloaded; never a 500; target never exceeded`, async () => {
    // Room for 30 of the 300 tickets: both the target check and the shedding are exercised.
    const assetId = await insertAsset(testApp, { targetAmount: '300', minInvestment: '10' });
    const investors: { token: string }[] = [];
    // One by one: the 2-connection pool with its short wait is what the burst is for, not the set-up.
    for (let i = 0; i < 30; i++) {
      const user = await createUser(testApp);
      await setKycStatus(testApp, user.id, 'approved');
      investors.push(user);
    }
    const outcomes: Outcome[] = await Promise.all(
      Array.from({ length: BURST }, (_, i) => invest(baseUrl, investors[i % investors.length].token, assetId, '10')),
    );
    const byStatus = outcomes.reduce<Record<number, number>>((acc, o) => ({ ...acc, [o.status]: (acc[o.status] ?? 0) + 1 }), {});
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    console.log(`pool burst: ${JSON.stringify(byStatus)} (status: count), slowest ${slowest} ms`);

    expect(unexpectedOutcomes(outcomes)).toEqual([]);
    // No hang: every request was answered before the client's 30 s abort (status 0 is in unexpectedOutcomes). The
    // slowest figure is printed, not asserted: it is the (shared, 2-core) machine working through 300 requests at once.
    const shed = outcomes.filter((o) => o.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(shed.filter((o) => o.body?.code !== 'overloaded' || o.retryAfter !== '1').map((o) => [o.body, o.retryAfter])).toEqual([]);
    expect(outcomes.filter((o) => o.status === 409 && o.body?.code !== 'asset_oversubscribed').map((o) => o.body)).toEqual([]);

    const acknowledged = outcomes.filter((o) => o.status === 201).map((o) => ({ id: String(o.body?.id), key: o.idempotencyKey }));
    const books = await checkInvestmentBooks(testApp.databaseUrl, acknowledged);
    expect(books.missing).toEqual([]);
    expect(books.assetsAboveTarget).toBe(0);
    expect(books.investments).toBe(acknowledged.length);
  }, 60_000);
});
