import { createHash, Hash } from 'node:crypto';
import { ImportUnit, walk } from './import-unit';
import { FingerprintKind, MAPPING_RULES } from './mapping-rules';
import { SqlClient } from './sql-client';
import { FORCED_CHILDREN_SQL } from './fingerprint-queries';
import { mergesRepeats } from './table-specs';

/**
 * Delta sync: a fingerprint of every imported record (52 bits of the SHA-1 of its context and
 * exact bytes, with its kind's mapping-rules version) is kept in `import_fingerprints`. A later run
 * reads the files again (they are rewritten in place) but skips, unparsed and unwritten, every
 * record whose fingerprint it finds there under the current rules. Records that were quarantined
 * (or hold a quarantined record) are kept with version -1 and never skipped; a record whose parent
 * (the opportunity an investment is in, the user it or a KYC application belongs to) was written
 * again in this run is not skipped either. Records recorded before that a run neither skips nor
 * writes are gone from the store: reported and marked (`gone_since`), never deleted.
 */

const TWO_32 = 2 ** 32;

/** 52 bits of a SHA-1 digest: a safe JavaScript integer, fits PostgreSQL bigint. */
function digestNumber(hash: Hash): number {
  const digest = hash.digest();
  return (digest.readUInt32BE(0) & 0xfffff) * TWO_32 + digest.readUInt32BE(4);
}

/** The fingerprint of a record read whole: what its bytes mean depends on (`context`), then its bytes. */
export function fingerprintOf(context: string, bytes: Buffer | string): number {
  return digestNumber(createHash('sha1').update(context).update('\u0000').update(bytes));
}

/** The fingerprint of a record read in pieces (an opportunity, field by field). */
export class FingerprintBuilder {
  private readonly hash = createHash('sha1');

  add(name: string, bytes: string): this {
    this.hash.update(name).update('\u0000').update(bytes).update('\u0001');
    return this;
  }

  value(): number {
    return digestNumber(this.hash);
  }
}

/**
 * The fingerprints recorded for some kinds under the current rules, sorted in a typed array (off
 * the JavaScript heap: 9 bytes a record, 9 MB for a million users), with which of them this run read.
 */
export class FingerprintIndex {
  private readonly seen: Uint8Array;

  constructor(
    private readonly hashes: Float64Array,
    /** Recorded, but a parent was written again in this run: read again. */
    private readonly forced: ReadonlySet<number> = new Set(),
  ) {
    this.seen = new Uint8Array(hashes.length);
  }

  static empty(): FingerprintIndex {
    return new FingerprintIndex(new Float64Array(0));
  }

  get size(): number {
    return this.hashes.length;
  }

  /** True when the record can be skipped. Either way a recorded fingerprint is marked read. */
  unchanged(hash: number): boolean {
    const hashes = this.hashes;
    let low = 0;
    let high = hashes.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = hashes[middle];
      if (value < hash) low = middle + 1;
      else if (value > hash) high = middle - 1;
      else {
        this.seen[middle] = 1;
        return !this.forced.has(hash);
      }
    }
    return false;
  }

  /** Recorded fingerprints no record of this run had. */
  unseen(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.hashes.length; i++) if (this.seen[i] === 0) out.push(this.hashes[i]);
    return out;
  }
}

/** What the parent of a record is, for the kinds that have one (see the module comment). */
function parentsOf(root: ImportUnit): string[] | null {
  const row = root.row;
  if (!row) return null;
  if (root.table === 'investments') return [`assets:${row.asset_legacy_id}`, `users:${row.user_legacy_id}`];
  if (root.table === 'kyc_applications') return [`users:${row.user_legacy_id}`];
  return null;
}

const KINDS_WITH_PARENTS: ReadonlySet<FingerprintKind> = new Set(['investments', 'kyc_applications']);
const PARENT_KINDS = ['users', 'assets'];

export interface GoneRecords {
  /** Records imported by earlier runs that the store no longer has, per kind. */
  byKind: Partial<Record<FingerprintKind, number>>;
  total: number;
  /** The first of them per kind (at most `GONE_LISTED`), by legacy id. */
  records: { kind: FingerprintKind; legacyId: string }[];
}

export const GONE_LISTED = 1000;

const PAGE = 50_000;

/** Loads, writes and closes the fingerprints of one run (on the run's connection). */
export class FingerprintStore {
  readonly gone: GoneRecords = { byKind: {}, total: 0, records: [] };

  constructor(
    private readonly runner: SqlClient,
    private readonly runId: string,
    /** false (`--full`): read every record again; fingerprints are still written and gone records found. */
    private readonly skipUnchanged: boolean,
  ) {}

  /** The index of the kinds' fingerprints recorded under the current rules (before their pass). */
  async load(kinds: readonly FingerprintKind[]): Promise<FingerprintIndex> {
    let hashes = new Float64Array(1024);
    let count = 0;
    const forced = new Set<number>();
    for (const kind of kinds) {
      let after = '';
      for (;;) {
        const rows: { legacy_id: string; f: string }[] = await this.runner.query(
          `SELECT legacy_id, fingerprint::text AS f FROM import_fingerprints
           WHERE kind = $1 AND legacy_id > $2 AND rules_version = $3 ORDER BY legacy_id LIMIT ${PAGE}`,
          [kind, after, MAPPING_RULES[kind]],
        );
        if (rows.length === 0) break;
        if (count + rows.length > hashes.length) {
          const grown = new Float64Array(Math.max(hashes.length * 2, count + rows.length));
          grown.set(hashes.subarray(0, count));
          hashes = grown;
        }
        for (const row of rows) hashes[count++] = Number(row.f);
        after = rows[rows.length - 1].legacy_id;
        if (rows.length < PAGE) break;
      }
      if (KINDS_WITH_PARENTS.has(kind)) {
        const rows: { f: string }[] = await this.runner.query(FORCED_CHILDREN_SQL, [kind, MAPPING_RULES[kind], this.runId, PARENT_KINDS]);
        for (const row of rows) forced.add(Number(row.f));
      }
    }
    const sorted = hashes.slice(0, count).sort();
    return this.skipUnchanged ? new FingerprintIndex(sorted, forced) : new FingerprintIndex(sorted, new Set(sorted));
  }

  /**
   * After the kinds' passes: marks the records recorded before that this run neither read
   * unchanged nor wrote as gone (and clears the mark of those back in the store), and counts them.
   */
  async close(kinds: readonly FingerprintKind[], index: FingerprintIndex): Promise<void> {
    const unseen = index.unseen().map(String);
    const gone = `(run_id <> $2 AND (rules_version <> $3 OR fingerprint = ANY($4::bigint[])))`;
    for (const kind of kinds) {
      const params = [kind, this.runId, MAPPING_RULES[kind], unseen];
      await this.runner.query(
        `UPDATE import_fingerprints SET gone_since = CASE WHEN ${gone} THEN now() END
         WHERE kind = $1 AND ((gone_since IS NULL AND ${gone}) OR (gone_since IS NOT NULL AND NOT ${gone}))`,
        params,
      );
      const [{ n, ids }]: { n: number; ids: string[] | null }[] = await this.runner.query(
        `SELECT count(*)::int AS n, (array_agg(legacy_id ORDER BY legacy_id))[1:${GONE_LISTED}] AS ids
         FROM import_fingerprints WHERE kind = $1 AND gone_since IS NOT NULL`,
        [kind],
      );
      if (n === 0) continue;
      this.gone.byKind[kind] = n;
      this.gone.total += n;
      for (const legacyId of ids ?? []) this.gone.records.push({ kind, legacyId });
    }
  }
}

const SEPARATOR = '\u0001';

/**
 * Chain data does not change once written, and the same event can be in several scan files, not
 * always byte for byte: the fingerprint first recorded under the current rules stays (a copy with
 * other bytes is read again each run and merged, and nothing is written for it).
 */
const CHAIN_KINDS = (Object.keys(MAPPING_RULES) as FingerprintKind[]).filter((kind) => mergesRepeats(kind));

/**
 * Writes the fingerprints of a batch's records, in the batch's transaction: what was imported is
 * recorded with its kind's rules version, what was quarantined (itself or a record in it) with -1.
 * A fingerprint that is already there as it is (a child read again because its parent was) is not
 * written again.
 */
export async function recordFingerprints(runner: SqlClient, runId: string, units: ImportUnit[]): Promise<void> {
  const rows = new Map<string, { kind: string; legacyId: string; hash: number; version: number; parents: string | null }>();
  for (const root of units) {
    if (root.fingerprint === undefined) continue;
    const legacyId = root.key ?? root.legacyId;
    if (legacyId === null) continue;
    const kind = root.table as FingerprintKind;
    let clean = true;
    for (const u of walk(root)) if (u.rejected !== null) clean = false;
    const parents = clean ? parentsOf(root) : null;
    const key = `${kind}\u0000${legacyId}`;
    // Chain data repeats across overlapping scans: the first copy's fingerprint is the record's.
    if (mergesRepeats(kind) && rows.has(key)) continue;
    rows.set(key, {
      kind,
      legacyId,
      hash: root.fingerprint,
      version: clean ? MAPPING_RULES[kind] : -1,
      parents: parents ? parents.join(SEPARATOR) : null,
    });
  }
  if (rows.size === 0) return;
  const list = [...rows.values()];
  await runner.query(
    `INSERT INTO import_fingerprints (kind, legacy_id, fingerprint, rules_version, parents, run_id)
     SELECT f.k, f.i, f.h::bigint, f.v, string_to_array(f.p, chr(1)), $1::uuid
     FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[]) AS f(k, i, h, v, p)
     ON CONFLICT (kind, legacy_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, rules_version = EXCLUDED.rules_version,
       parents = EXCLUDED.parents, run_id = EXCLUDED.run_id, gone_since = NULL
     WHERE NOT (import_fingerprints.kind = ANY($7::text[]) AND import_fingerprints.rules_version = EXCLUDED.rules_version)
       AND (import_fingerprints.rules_version = -1 OR import_fingerprints.gone_since IS NOT NULL
         OR (import_fingerprints.fingerprint, import_fingerprints.rules_version, import_fingerprints.parents)
            IS DISTINCT FROM (EXCLUDED.fingerprint, EXCLUDED.rules_version, EXCLUDED.parents))`,
    [
      runId,
      list.map((r) => r.kind),
      list.map((r) => r.legacyId),
      list.map((r) => String(r.hash)),
      list.map((r) => r.version),
      list.map((r) => r.parents),
      CHAIN_KINDS,
    ],
  );
}
