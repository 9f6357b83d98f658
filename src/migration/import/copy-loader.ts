import { randomUUID } from 'node:crypto';
import { copyField } from '../../common/database/copy-text';
import { Row } from './import-unit';
import { isStatementError, SqlClient } from './sql-client';
import { ColumnSpec, LOOKUP_KEYS, LookupTable, TableSpec } from './table-specs';

/** How one column's value is found for a row loaded by COPY. */
type ColumnValue = (row: Row, ids: BatchIds, now: string) => string | null;

export interface CopyPlan {
  spec: TableSpec;
  columns: { name: string; value: ColumnValue }[];
  /** Index of the key column among `columns`. */
  keyIndex: number;
  /** The table's own rows are referenced by others: ids are made here, so children can name them. */
  ownLookup: LookupTable | null;
}

const PLAIN_INPUT = /^s\.(\w+)(::\w+)?$/;

function columnValue(column: ColumnSpec, table: string): ColumnValue {
  if (column.lookup) {
    const { table: target, field } = column.lookup;
    return (row, ids) => ids.get(target, row[field]);
  }
  const match = PLAIN_INPUT.exec(column.expr ?? `s.${column.name}`);
  if (!match) throw new Error(`${table}.${column.name} cannot be loaded by COPY: ${column.expr}`);
  const field = match[1];
  // COPY casts the text itself, with the same input functions as `::type`.
  if (column.keepWhenNull === undefined) return (row) => row[field];
  if (column.keepWhenNull !== 'now()') throw new Error(`${table}.${column.name}: only now() is a COPY default`);
  return (row, _ids, now) => row[field] ?? now;
}

export function copyPlan(spec: TableSpec): CopyPlan {
  const columns = spec.columns.map((c) => ({ name: c.name, value: columnValue(c, spec.table) }));
  const keyIndex = columns.findIndex((c) => c.name === spec.key);
  if (keyIndex < 0) throw new Error(`${spec.table}: key ${spec.key} is not a column`);
  const ownLookup = spec.table in LOOKUP_KEYS && LOOKUP_KEYS[spec.table as LookupTable] === spec.key ? (spec.table as LookupTable) : null;
  return { spec, columns, keyIndex, ownLookup };
}

/** Ids of rows that were in the database before the batch, by table and lookup key. */
export type ExistingIds = ReadonlyMap<LookupTable, ReadonlyMap<string, string>>;

/**
 * The uuids a batch's rows refer to: those the batch's reference check already found, those
 * looked up once here, and those made for rows the batch creates (which a rolled-back attempt
 * discards with this object).
 */
export class BatchIds {
  private readonly known = new Map<LookupTable, Map<string, string | null>>();

  constructor(
    private readonly runner: SqlClient,
    private readonly existing: ExistingIds = new Map(),
  ) {}

  get(table: LookupTable, key: string | null): string | null {
    if (key === null) return null;
    const normalised = normaliseKey(table, key);
    return this.known.get(table)?.get(normalised) ?? this.existing.get(table)?.get(normalised) ?? null;
  }

  set(table: LookupTable, key: string, id: string): void {
    this.map(table).set(normaliseKey(table, key), id);
  }

  /** Looks up, in one query per table, every reference of these rows not known yet. */
  async resolve(plan: CopyPlan, rows: Row[]): Promise<void> {
    for (const column of plan.spec.columns) {
      if (!column.lookup) continue;
      const { table, field } = column.lookup;
      const known = this.map(table);
      const existing = this.existing.get(table);
      const wanted = new Set<string>();
      for (const row of rows) {
        if (row[field] === null) continue;
        const key = normaliseKey(table, row[field]);
        if (!known.has(key) && !existing?.has(key)) wanted.add(key);
      }
      if (wanted.size === 0) continue;
      const found: { k: string; id: string }[] = await this.runner.query(
        `SELECT ${LOOKUP_KEYS[table]}::text AS k, id::text AS id FROM ${table} WHERE ${LOOKUP_KEYS[table]} = ANY($1::text[])`,
        [[...wanted]],
      );
      for (const key of wanted) known.set(key, null);
      for (const { k, id } of found) known.set(k, id);
    }
  }

  private map(table: LookupTable): Map<string, string | null> {
    let map = this.known.get(table);
    if (!map) this.known.set(table, (map = new Map()));
    return map;
  }
}

/** Admins are found by email, stored lower-case (the upsert's SQL lowers it too). */
function normaliseKey(table: LookupTable, key: string): string {
  return table === 'admin_users' ? key.toLowerCase() : key;
}

/**
 * Loads a table's rows of a batch: rows whose key is already in the table are returned for the
 * upsert; the others are written with COPY FROM STDIN. A table where the last batch found no row
 * already there is copied straight away, under a savepoint: on a fresh import no key is looked
 * up twice. A clash rolls the savepoint back and the batch is sorted by one lookup of its keys,
 * as every batch of that table is until one finds nothing again (a re-run, a grown store).
 */
export class CopyLoader {
  private readonly lookFirst = new Set<string>();

  constructor(private readonly runner: SqlClient) {}

  async load(plan: CopyPlan, rows: Row[], ids: BatchIds, now: string): Promise<{ existing: Row[]; copied: number }> {
    await ids.resolve(plan, rows);
    const table = plan.spec.table;
    if (!this.lookFirst.has(table)) {
      await this.runner.query('SAVEPOINT import_copy');
      try {
        const loaded = await this.copy(plan, rows, new Set(), ids, now);
        await this.runner.query('RELEASE SAVEPOINT import_copy');
        return loaded;
      } catch (error) {
        if (!isStatementError(error)) throw error;
        await this.runner.query('ROLLBACK TO SAVEPOINT import_copy; RELEASE SAVEPOINT import_copy');
        this.lookFirst.add(table);
      }
    }
    const present = await this.presentKeys(plan, rows, ids, now);
    if (present.size === 0) this.lookFirst.delete(table);
    return this.copy(plan, rows, present, ids, now);
  }

  /** Keys of these rows already in the table (and, for a table others refer to, their ids). */
  private async presentKeys(plan: CopyPlan, rows: Row[], ids: BatchIds, now: string): Promise<Set<string>> {
    const { spec, columns, keyIndex, ownLookup } = plan;
    const keys: string[] = [];
    for (const row of rows) {
      const key = columns[keyIndex].value(row, ids, now);
      if (key !== null) keys.push(key);
    }
    if (keys.length === 0) return new Set();
    const present: { k: string; id?: string }[] = await this.runner.query(
      `SELECT ${spec.key}::text AS k${ownLookup ? ', id::text AS id' : ''} FROM ${spec.table} WHERE ${spec.key} = ANY($1::${spec.copy?.keyType ?? 'text'}[])`,
      [keys],
    );
    for (const { k, id } of present) if (ownLookup && id) ids.set(ownLookup, k, id);
    return new Set(present.map(({ k }) => k));
  }

  private async copy(
    plan: CopyPlan,
    rows: Row[],
    present: Set<string>,
    ids: BatchIds,
    now: string,
  ): Promise<{ existing: Row[]; copied: number }> {
    const { spec, columns, keyIndex, ownLookup } = plan;
    const makesIds = spec.copy?.keyType !== 'uuid';
    const existing: Row[] = [];
    let data = '';
    let copied = 0;
    for (const row of rows) {
      const key = columns[keyIndex].value(row, ids, now);
      // A row without its key (a reference not found) goes through the upsert, which reports why it fails.
      if (key === null || present.has(key)) {
        existing.push(row);
        continue;
      }
      let line = copyField(columns[0].value(row, ids, now));
      for (let i = 1; i < columns.length; i++) line += `\t${copyField(columns[i].value(row, ids, now))}`;
      // Ids made here: children can name their parents, and with no volatile default left COPY
      // inserts many rows at a time.
      if (makesIds) {
        const id = randomUUID();
        if (ownLookup) ids.set(ownLookup, key, id);
        line += `\t${id}`;
      }
      data += `${line}\n`;
      copied++;
    }
    if (copied > 0) {
      const names = [...columns.map((c) => c.name), ...(makesIds ? ['id'] : [])];
      await this.runner.copyFrom(`COPY ${spec.table} (${names.join(', ')}) FROM STDIN`, data);
    }
    return { existing, copied };
  }
}
