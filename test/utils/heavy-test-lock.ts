import { Client } from 'pg';

/** Advisory-lock key every heavy test file shares (faults, replicas, PgBouncer, PITR, browser). */
const HEAVY_TEST_LOCK = 7_311_042;
const WAIT_FOR_LOCK_MS = 15 * 60_000;

/**
 * Runs the calling test file alone among the heavy ones: Jest runs two files at once, and two fault
 * tests that stop servers, start clusters or load the CPU at the same time would time each other
 * out on a 2-core machine. Call it at the top of the file's outermost `describe`; it takes a session
 * advisory lock on the run's shared PostgreSQL in `beforeAll` (waiting as long as it takes) and
 * gives it back in `afterAll`.
 */
export function runAloneAmongHeavyTests(): void {
  let client: Client | undefined;
  beforeAll(async () => {
    const url = process.env.PEND_TEST_SERVER_URL;
    if (!url) throw new Error('PEND_TEST_SERVER_URL is not set: run the tests through `npm test`');
    client = new Client({ connectionString: url, application_name: 'pend-heavy-test-lock' });
    await client.connect();
    await client.query('SELECT pg_advisory_lock($1)', [HEAVY_TEST_LOCK]);
  }, WAIT_FOR_LOCK_MS);
  afterAll(async () => {
    await client?.end().catch(() => undefined);
  });
}
