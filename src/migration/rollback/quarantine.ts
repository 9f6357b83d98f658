import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { QueryRunner } from 'typeorm';
import { TextSink } from '../generator/json-sink';
import { cursorBatches, literal } from './sql';

export interface QuarantinedRecord {
  sourceFile: string;
  location: string;
  legacyId: string | null;
  reason: string;
  raw: string | null;
}

/** Parsed `location` of a nested record: `<parentPath>[<position>]`. */
export interface Placed extends QuarantinedRecord {
  parent: string;
  position: number;
}

/** Whether `raw` is one JSON value that can be embedded where it was (a broken file's tail cannot). */
export function embeddable(record: QuarantinedRecord): boolean {
  if (record.raw === null || /^byte /.test(record.location)) return false;
  try {
    JSON.parse(record.raw);
    return true;
  } catch {
    return false;
  }
}

/**
 * The quarantine of the latest completed import run, and the side files for records that cannot
 * be put back at their place (`quarantine/<source file>.jsonl`, one JSON object a line).
 */
export class QuarantineSource {
  private readonly sinks = new Map<string, TextSink>();
  reEmitted = 0;
  sideFiled = 0;

  private constructor(
    private readonly runner: QueryRunner,
    private readonly out: string,
    readonly runId: string | null,
  ) {}

  static async open(runner: QueryRunner, out: string): Promise<QuarantineSource> {
    const rows: Array<{ id: string }> = await runner.query(
      `SELECT id FROM import_runs WHERE status = 'completed' AND NOT dry_run
       ORDER BY finished_at DESC NULLS LAST, started_at DESC LIMIT 1`,
    );
    return new QuarantineSource(runner, out, rows[0]?.id ?? null);
  }

  /**
   * The run's records of `sourceFile` whose location matches `pattern` (a POSIX regex), in id
   * order; `taken` = SQL (over `q`) telling that the database already has a record by that id.
   */
  async *records(
    sourceFile: string,
    pattern: string,
    taken = 'false',
    orderBy = 'id',
  ): AsyncGenerator<QuarantinedRecord & { taken: boolean }> {
    if (!this.runId) return;
    const sql = `SELECT source_file AS "sourceFile", location, legacy_id AS "legacyId", reason, raw, (${taken}) AS taken
      FROM import_quarantine q WHERE run_id = ${literal(this.runId)} AND source_file = ${literal(sourceFile)}
      AND location ~ ${literal(pattern)} ORDER BY ${orderBy}`;
    for await (const batch of cursorBatches<QuarantinedRecord & { taken: boolean }>(this.runner, sql, 500)) yield* batch;
  }

  /** Records of files matching `filePattern` not taken by anything else: all go to side files. */
  async *recordsOfFiles(filePattern: string, exceptLocation: string | null): AsyncGenerator<QuarantinedRecord> {
    if (!this.runId) return;
    const sql = `SELECT source_file AS "sourceFile", location, legacy_id AS "legacyId", reason, raw
      FROM import_quarantine WHERE run_id = ${literal(this.runId)} AND source_file ~ ${literal(filePattern)}
      ${exceptLocation ? `AND location !~ ${literal(exceptLocation)}` : ''} ORDER BY source_file, id`;
    for await (const batch of cursorBatches<QuarantinedRecord>(this.runner, sql, 500)) yield* batch;
  }

  /**
   * Loads the nested records of `sourceFile` (location `<parent>[<position>]`, parent matching
   * `parentPattern`) into an indexed temporary table, so each batch of parents finds its own.
   */
  async stageNested(table: string, sourceFile: string, parentPattern: string): Promise<void> {
    await this.runner.query(
      `CREATE TEMPORARY TABLE ${table} ON COMMIT DROP AS
       SELECT q.id, substring(q.location FROM '^(.*)\\[[0-9]+\\]$') AS parent,
              substring(q.location FROM '\\[([0-9]+)\\]$')::int AS position,
              q.source_file AS "sourceFile", q.location, q.legacy_id AS "legacyId", q.reason, q.raw
       FROM import_quarantine q
       WHERE q.run_id = ${this.runId ? literal(this.runId) : 'NULL'} AND q.source_file = ${literal(sourceFile)}
         AND substring(q.location FROM '^(.*)\\[[0-9]+\\]$') ~ ${literal(parentPattern)}`,
    );
    await this.runner.query(`CREATE INDEX ON ${table} (parent, position, id)`);
  }

  /** Stages single nested records (a user's `profile`) by their whole location, as position 0. */
  async stageSingles(table: string, sourceFile: string, locationPattern: string): Promise<void> {
    await this.runner.query(
      `CREATE TEMPORARY TABLE ${table} ON COMMIT DROP AS
       SELECT q.id, q.location AS parent, 0 AS position, q.source_file AS "sourceFile", q.location, q.legacy_id AS "legacyId", q.reason, q.raw
       FROM import_quarantine q
       WHERE q.run_id = ${this.runId ? literal(this.runId) : 'NULL'} AND q.source_file = ${literal(sourceFile)} AND q.location ~ ${literal(locationPattern)}`,
    );
    await this.runner.query(`CREATE INDEX ON ${table} (parent, position, id)`);
  }

  /** Staged nested records of these parents, by parent then position. */
  async nestedOf(table: string, parents: string[]): Promise<Map<string, Placed[]>> {
    const byParent = new Map<string, Placed[]>();
    if (parents.length === 0) return byParent;
    const rows: Placed[] = await this.runner.query(
      `SELECT parent, position, "sourceFile", location, "legacyId", reason, raw FROM ${table}
       WHERE parent = ANY($1) ORDER BY parent, position, id`,
      [parents],
    );
    for (const row of rows) {
      const list = byParent.get(row.parent) ?? [];
      list.push(row);
      byParent.set(row.parent, list);
    }
    return byParent;
  }

  /** Staged nested records whose parent was not written (`written` = SQL deciding it per row `s`). */
  async *orphansOf(table: string, writtenCondition: string): AsyncGenerator<Placed> {
    const sql = `SELECT parent, position, "sourceFile", location, "legacyId", reason, raw FROM ${table} s
      WHERE NOT (${writtenCondition}) ORDER BY id`;
    for await (const batch of cursorBatches<Placed>(this.runner, sql, 500)) yield* batch;
  }

  /** Writes a record that cannot go back at its place to `quarantine/<source file>.jsonl`. */
  async sideFile(record: QuarantinedRecord, why: string): Promise<void> {
    let sink = this.sinks.get(record.sourceFile);
    if (!sink) {
      const file = path.join(this.out, 'quarantine', `${record.sourceFile}.jsonl`);
      await mkdir(path.dirname(file), { recursive: true });
      sink = new TextSink(file);
      this.sinks.set(record.sourceFile, sink);
    }
    const { sourceFile, location, legacyId, reason, raw } = record;
    await sink.write(`${JSON.stringify({ file: sourceFile, location, legacyId, reason, raw, notReEmbedded: why })}\n`);
    this.sideFiled++;
  }

  async close(): Promise<void> {
    for (const sink of this.sinks.values()) await sink.close();
  }
}
