import { QuarantinedRecord, TableCounts } from './import-report';
import { ImportUnit, rawText, Row, walk } from './import-unit';
import { BatchIds, CopyLoader, CopyPlan, copyPlan, ExistingIds } from './copy-loader';
import { isStatementError, SqlClient } from './sql-client';
import { addNormalisations } from '../values/legacy-values';
import { recordFingerprints } from './fingerprints';
import { buildUpsertSql, mergesRepeats, TABLE_ORDER, TABLES, TableName, TableSpec } from './table-specs';

/** A broken stretch of a file that is not one record (a truncated tail): quarantined as it is. */
export interface LooseQuarantine {
  table: TableName;
  file: string;
  location: string;
  legacyId: string | null;
  reason: string;
  raw: string | null;
}

export type BatchCheck = (runner: SqlClient, units: ImportUnit[]) => Promise<void>;

const UPSERT_SQL = new Map<TableName, string>(TABLE_ORDER.map((table) => [table, buildUpsertSql(TABLES[table])]));
const COPY_PLANS = new Map<TableName, CopyPlan>(
  TABLE_ORDER.filter((table) => (TABLES[table] as TableSpec).copy).map((table) => [table, copyPlan(TABLES[table])]),
);

/** Units still to be written: not quarantined, not folded into an earlier copy. */
function* active(units: ImportUnit[]): Generator<ImportUnit> {
  for (const root of units) yield* activeTree(root);
}
function* activeTree(u: ImportUnit): Generator<ImportUnit> {
  if (u.rejected !== null || u.merged) return;
  yield u;
  for (const child of u.children) yield* activeTree(child);
}

/** PostgreSQL text cannot hold NUL. */
function storable(text: string | null): string | null {
  return text === null ? null : text.replace(/\u0000/g, '\\u0000');
}

/**
 * Writes batches of legacy records: each batch is one transaction (a savepoint inside the
 * enclosing transaction of a dry run) holding its rows and its quarantine entries, so a crash
 * loses at most the batch in flight and a re-run converges on the same rows.
 */
export class BatchWriter {
  private readonly copyLoader: CopyLoader;

  constructor(
    private readonly runner: SqlClient,
    private readonly runId: string,
    private readonly nested: boolean,
    private readonly tables: Record<TableName, TableCounts>,
    private readonly quarantined: QuarantinedRecord[],
    /** Values stored in another form than the file's, per kind, over the records written. */
    private readonly normalised: Record<string, number> = {},
  ) {
    this.copyLoader = new CopyLoader(runner);
  }

  async write(units: ImportUnit[], loose: LooseQuarantine[] = [], check?: BatchCheck): Promise<void> {
    for (const root of units) for (const u of walk(root)) this.tables[u.table].read++;
    for (const entry of loose) this.tables[entry.table].read++;
    try {
      await this.begin();
      const existing = await this.prepare(units, check);
      const counts = await this.upsert([...active(units)], existing);
      await this.finish(units, loose, counts);
    } catch (error) {
      await this.rollback();
      if (!isStatementError(error)) throw error;
      await this.writeOneByOne(units, loose, check);
    }
  }

  /** After a batch failed on a database rule: each record alone, so only the offending ones are quarantined. */
  private async writeOneByOne(units: ImportUnit[], loose: LooseQuarantine[], check?: BatchCheck): Promise<void> {
    try {
      await this.begin();
      const existing = await this.prepare(units, check);
      const counts = new Map<TableName, { inserted: number; updated: number; written: number }>();
      for (const root of units) {
        if (root.rejected !== null || root.merged) continue;
        await this.runner.query('SAVEPOINT import_record');
        try {
          const one = await this.upsert([...activeTree(root)], existing);
          await this.runner.query('RELEASE SAVEPOINT import_record');
          for (const [table, c] of one) {
            const total = counts.get(table) ?? { inserted: 0, updated: 0, written: 0 };
            total.inserted += c.inserted;
            total.updated += c.updated;
            total.written += c.written;
            counts.set(table, total);
          }
        } catch (error) {
          if (!isStatementError(error)) throw error;
          await this.runner.query('ROLLBACK TO SAVEPOINT import_record');
          root.rejected = `rejected by the database: ${(error as Error).message}`;
        }
      }
      await this.finish(units, loose, counts);
    } catch (error) {
      await this.rollback();
      throw error;
    }
  }

  private async prepare(units: ImportUnit[], check?: BatchCheck): Promise<ExistingIds> {
    const existing = await this.checkReferences(units);
    if (check) await check(this.runner, units);
    this.dropRepeats(units);
    return existing;
  }

  private async finish(
    units: ImportUnit[],
    loose: LooseQuarantine[],
    counts: Map<TableName, { inserted: number; updated: number; written: number }>,
  ): Promise<void> {
    await recordFingerprints(this.runner, this.runId, units);
    const entries = this.quarantineEntries(units, loose);
    if (entries.length > 0) {
      await this.runner.query(
        `INSERT INTO import_quarantine (run_id, source_file, location, legacy_id, reason, raw)
         SELECT $1::uuid, q.f, q.l, q.i, q.r, q.w FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS q(f, l, i, r, w)`,
        [
          this.runId,
          entries.map((e) => e.file),
          entries.map((e) => e.location),
          entries.map((e) => e.legacyId),
          entries.map((e) => e.reason),
          entries.map((e) => storable(e.raw)),
        ],
      );
    }
    await this.commit();
    // Counted only once the batch is durable.
    for (const [table, c] of counts) {
      this.tables[table].inserted += c.inserted;
      this.tables[table].updated += c.updated;
      this.tables[table].unchanged += c.written - c.inserted - c.updated;
    }
    for (const root of units) this.countSkipped(root);
    for (const u of active(units)) addNormalisations(this.normalised, u.normalised);
    for (const entry of entries) {
      this.quarantined.push({ file: entry.file, location: entry.location, legacyId: entry.legacyId, reason: entry.reason });
    }
    for (const entry of loose) this.tables[entry.table].quarantined++;
  }

  private countSkipped(u: ImportUnit): void {
    if (u.rejected !== null) {
      for (const nested of walk(u)) this.tables[nested.table].quarantined++;
      return;
    }
    if (u.merged) {
      this.tables[u.table].unchanged++;
      return;
    }
    for (const child of u.children) this.countSkipped(child);
  }

  private quarantineEntries(units: ImportUnit[], loose: LooseQuarantine[]): LooseQuarantine[] {
    const entries: LooseQuarantine[] = [];
    const visit = (u: ImportUnit) => {
      if (u.rejected !== null) {
        entries.push({ table: u.table, file: u.file, location: u.location, legacyId: u.legacyId, reason: u.rejected, raw: rawText(u) });
        return;
      }
      if (!u.merged) u.children.forEach(visit);
    };
    units.forEach(visit);
    return [...entries, ...loose];
  }

  /** Quarantines records naming a user or asset that is not there; returns the ids of those that are. */
  private async checkReferences(units: ImportUnit[]): Promise<ExistingIds> {
    const wanted = new Map<'users' | 'assets', Set<string>>();
    for (const u of active(units)) {
      for (const ref of u.references) {
        const ids = wanted.get(ref.table) ?? new Set<string>();
        ids.add(ref.legacyId);
        wanted.set(ref.table, ids);
      }
    }
    const known = new Map<'users' | 'assets', Map<string, string>>();
    for (const [table, ids] of wanted) {
      const rows: { legacy_id: string; id: string }[] = await this.runner.query(
        `SELECT legacy_id, id::text AS id FROM ${table} WHERE legacy_id = ANY($1::text[])`,
        [[...ids]],
      );
      known.set(table, new Map(rows.map((r) => [r.legacy_id, r.id])));
    }
    for (const u of active(units)) {
      const missing = u.references.find((ref) => !known.get(ref.table)?.has(ref.legacyId));
      if (missing) u.rejected = missing.reason;
    }
    return known;
  }

  /** Chain records repeated in a batch merge into the first copy (other repeated ids are quarantined as they are read). */
  private dropRepeats(units: ImportUnit[]): void {
    const seen = new Map<TableName, Set<string>>();
    for (const u of active(units)) {
      if (u.key === null || !mergesRepeats(u.table)) continue;
      const keys = seen.get(u.table) ?? new Set<string>();
      seen.set(u.table, keys);
      if (keys.has(u.key)) u.merged = true;
      else keys.add(u.key);
    }
  }

  private async upsert(
    units: ImportUnit[],
    existing: ExistingIds,
  ): Promise<Map<TableName, { inserted: number; updated: number; written: number }>> {
    const byTable = new Map<TableName, Row[]>();
    for (const u of units) {
      if (!u.row) continue;
      const rows = byTable.get(u.table) ?? [];
      rows.push(u.row);
      byTable.set(u.table, rows);
    }
    const counts = new Map<TableName, { inserted: number; updated: number; written: number }>();
    const ids = new BatchIds(this.runner, existing);
    const now = new Date().toISOString();
    for (const table of TABLE_ORDER) {
      const rows = byTable.get(table);
      if (!rows) continue;
      const plan = COPY_PLANS.get(table);
      const { existing, copied } = plan ? await this.copyLoader.load(plan, rows, ids, now) : { existing: rows, copied: 0 };
      const upserted = existing.length > 0 ? await this.upsertRows(table, existing) : { inserted: 0, updated: 0 };
      counts.set(table, { inserted: copied + upserted.inserted, updated: upserted.updated, written: rows.length });
    }
    return counts;
  }

  private async upsertRows(table: TableName, rows: Row[]): Promise<{ inserted: number; updated: number }> {
    let json = JSON.stringify(rows);
    // PostgreSQL text cannot hold NUL: rare, so checked on the whole batch first.
    if (json.includes('\\u0000'))
      json = JSON.stringify(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, storable(v)]))));
    const [result]: { inserted: number; updated: number }[] = await this.runner.query(UPSERT_SQL.get(table) as string, [json]);
    return result;
  }

  private async begin(): Promise<void> {
    await this.runner.query(this.nested ? 'SAVEPOINT import_batch' : 'BEGIN');
    // A batch touches a few thousand rows by key: index lookups, never a hash join over a whole
    // table that grows with every batch (which the planner picks from unnest's row estimate).
    // synchronous_commit off: a database crash may lose the last few batches' commits, which the
    // next run writes again (the import converges); no batch is ever half-written.
    await this.runner.query('SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL synchronous_commit = off');
  }

  private commit(): Promise<unknown> {
    return this.runner.query(this.nested ? 'RELEASE SAVEPOINT import_batch' : 'COMMIT');
  }

  private async rollback(): Promise<void> {
    try {
      if (this.nested) {
        await this.runner.query('ROLLBACK TO SAVEPOINT import_batch');
        await this.runner.query('RELEASE SAVEPOINT import_batch');
      } else {
        await this.runner.query('ROLLBACK');
      }
    } catch {
      // The connection is gone; the caller's error says why.
    }
  }
}
