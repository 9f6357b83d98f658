/**
 * The recorded children of a kind ($1, rules version $2) with a parent written in this run ($3;
 * parent kinds $4): the run's written parents are read once into a hash, and each child's parents
 * probed against it. (Written as `EXISTS (… IN (SELECT … run_id = $3))` per child, PostgreSQL ran
 * the scan for the parents once per child: at 1M users, 200k investments × a scan of 1.4M
 * fingerprints, and a 1 %-changed re-run stalled here. test/e2e/import-fingerprints-scale checks
 * its result and that the rows it visits stay linear; at that test's size the old form passes too, as
 * PostgreSQL hashes the subplan there.) No imports: the e2e test reads it directly.
 */
export const FORCED_CHILDREN_SQL = `
  WITH written AS MATERIALIZED (
    SELECT c.kind || ':' || c.legacy_id AS key FROM import_fingerprints c WHERE c.run_id = $3 AND c.kind = ANY($4::text[]))
  SELECT DISTINCT f.fingerprint::text AS f
  FROM import_fingerprints f CROSS JOIN LATERAL unnest(f.parents) AS p(key) JOIN written w ON w.key = p.key
  WHERE f.kind = $1 AND f.rules_version = $2 AND f.parents IS NOT NULL`;
