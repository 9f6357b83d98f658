import { randomUUID } from 'node:crypto';
import { FORCED_CHILDREN_SQL } from '../../src/migration/import/fingerprint-queries';
import { MAPPING_RULES } from '../../src/migration/import/mapping-rules';
import { createTestDatabase, dropTestDatabase, queryDatabase } from '../utils/test-database';

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows of `table` the executed plan visited (returned or filtered out, over all loops of every scan of it). */
function rowsVisited(node: PlanNode, table: string): number {
  const own =
    node['Relation Name'] === table
      ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * node['Actual Loops']
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsVisited(child, table), 0);
}

/**
 * The delta sync's query for the children of re-written parents, over a few thousand fingerprints: the
 * rows it visits must grow with the table, not with the table times the records (a 1 %-changed
 * re-run at 1M users stalled in a per-child scan of the run's written parents). At this size the
 * planner hashes that subplan, so the old form passes here too: this pins the result and the bound.
 */
describe('delta sync fingerprints: queries stay linear in the number of records', () => {
  const USERS = 3000;
  const WRITTEN = 30; // users written again by "this run"
  let url: string;
  const thisRun = randomUUID();
  const earlierRun = randomUUID();

  beforeAll(async () => {
    url = await createTestDatabase();
    // USERS users, one investment each (parents: its user and one of 3 assets), one KYC application per 10 users.
    await queryDatabase(
      url,
      `INSERT INTO import_fingerprints (kind, legacy_id, fingerprint, rules_version, parents, run_id)
       SELECT 'users', 'usr_' || i, i, $1::int, NULL::text[], CASE WHEN i <= $4::int THEN $5::uuid ELSE $6::uuid END FROM generate_series(1, $3::int) i
       UNION ALL
       SELECT 'assets', 'opp_' || i, 1000000 + i, 1, NULL::text[], $6::uuid FROM generate_series(1, 3) i
       UNION ALL
       SELECT 'investments', 'inv_' || i, 2000000 + i, $2::int, ARRAY['assets:opp_' || (i % 3 + 1), 'users:usr_' || i], $6::uuid
       FROM generate_series(1, $3::int) i
       UNION ALL
       SELECT 'kyc_applications', 'kyc_' || i, 3000000 + i, 1, ARRAY['users:usr_' || i], $6::uuid FROM generate_series(10, $3::int, 10) i`,
      [MAPPING_RULES.users, MAPPING_RULES.investments, USERS, WRITTEN, thisRun, earlierRun],
    );
    await queryDatabase(url, 'ANALYZE import_fingerprints');
  });
  afterAll(async () => {
    await dropTestDatabase(url);
  });

  it('the children of the parents written in this run are found (each once), visiting each fingerprint row a few times at most', async () => {
    const params = ['investments', MAPPING_RULES.investments, thisRun, ['users', 'assets']];
    const rows = await queryDatabase<{ f: string }>(url, FORCED_CHILDREN_SQL, params);
    expect(rows.map((r) => Number(r.f)).sort((a, b) => a - b)).toEqual(Array.from({ length: WRITTEN }, (_, i) => 2000001 + i));

    const kyc = await queryDatabase<{ f: string }>(url, FORCED_CHILDREN_SQL, ['kyc_applications', 1, thisRun, ['users', 'assets']]);
    expect(kyc.map((r) => Number(r.f)).sort((a, b) => a - b)).toEqual([3000010, 3000020, 3000030]);

    const [{ 'QUERY PLAN': plan }] = await queryDatabase<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      url,
      `EXPLAIN (ANALYZE, FORMAT JSON) ${FORCED_CHILDREN_SQL}`,
      params,
    );
    const total = 2 * USERS + 3 + USERS / 10;
    // Linear: the written parents read once, the children once. A per-child scan visits ~USERS × total.
    expect(rowsVisited(plan[0].Plan, 'import_fingerprints')).toBeLessThanOrEqual(3 * total);
  });
});
