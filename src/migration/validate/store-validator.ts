import * as fs from 'node:fs';
import * as path from 'node:path';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { LooseQuarantine } from '../import/batch-writer';
import { ImportUnit, walk } from '../import/import-unit';
import { StoreWalker } from '../import/store-walker';
import { TABLE_ORDER, TableName } from '../import/table-specs';

export interface KindReconciliation {
  source: number;
  imported: number;
  quarantined: number;
}

export interface ValidationResult {
  runId: string | null;
  kinds: Record<TableName, KindReconciliation>;
  differences: string[];
  /**
   * Records imported earlier that the store no longer has (found by the last import): kept in the
   * database and listed apart, not differences (a deletion in the old system must not block a
   * cutover); `--strict` makes them fail the check.
   */
  gone: { total: number; records: { kind: string; legacyId: string }[] };
}

/** Rows of records the last import found gone from the store (their sums are left out of the comparison). */
const NOT_GONE = (kind: string, alias: string) =>
  `NOT EXISTS (SELECT 1 FROM import_fingerprints g WHERE g.kind = '${kind}' AND g.legacy_id = ${alias}.legacy_id AND g.gone_since IS NOT NULL)`;

/** How to find a record's row from the key the importer matched it on. */
const FIND_SQL: Partial<Record<TableName, string>> = {
  user_tiers: 'SELECT name AS k FROM user_tiers WHERE name = ANY($1::text[])',
  admin_users: 'SELECT email AS k FROM admin_users WHERE email = ANY($1::text[])',
  scanner_checkpoints: 'SELECT chain_id::text AS k FROM scanner_checkpoints WHERE chain_id::text = ANY($1::text[])',
  user_profiles: 'SELECT u.legacy_id AS k FROM user_profiles p JOIN users u ON u.id = p.user_id WHERE u.legacy_id = ANY($1::text[])',
};
const findSql = (table: TableName) => FIND_SQL[table] ?? `SELECT legacy_id AS k FROM ${table} WHERE legacy_id = ANY($1::text[])`;

/**
 * Reconciles a store with the database: every record of the store is either in its table or in
 * the quarantine of the latest completed import of that store, and the sums of amounts per user
 * and per asset match exactly (decimal.js against PostgreSQL numeric).
 */
export async function validateStore(options: { dataSource: DataSource; source: string; batchSize?: number }): Promise<ValidationResult> {
  const source = path.resolve(options.source);
  if (!fs.existsSync(source) || !fs.statSync(source).isDirectory()) throw new Error(`source folder not found: ${options.source}`);
  const db = options.dataSource;
  const differences: string[] = [];
  const kinds = Object.fromEntries(TABLE_ORDER.map((t) => [t, { source: 0, imported: 0, quarantined: 0 }])) as Record<
    TableName,
    KindReconciliation
  >;

  const [run]: { id: string }[] = await db.query(
    `SELECT id FROM import_runs WHERE source = $1 AND status = 'completed' AND NOT dry_run ORDER BY started_at DESC LIMIT 1`,
    [source],
  );
  if (!run) differences.push(`no completed import of ${source} is recorded`);
  const quarantine = new Set<string>();
  if (run) {
    const rows: { source_file: string; location: string }[] = await db.query(
      'SELECT source_file, location FROM import_quarantine WHERE run_id = $1',
      [run.id],
    );
    for (const row of rows) quarantine.add(`${row.source_file}\u0000${row.location}`);
  }
  const isQuarantined = (file: string, location: string) => quarantine.has(`${file}\u0000${location}`);

  const assetInvestments = new Map<string, Decimal>();
  const assetTransactions = new Map<string, Decimal>();
  const add = (sums: Map<string, Decimal>, key: string, amount: string) => sums.set(key, (sums.get(key) ?? new Decimal(0)).plus(amount));

  const checkBatch = async (units: ImportUnit[], loose: LooseQuarantine[]) => {
    for (const entry of loose) {
      kinds[entry.table].source++;
      if (isQuarantined(entry.file, entry.location)) kinds[entry.table].quarantined++;
      else differences.push(`${entry.file} ${entry.location}: unreadable part of the file is not in the quarantine`);
    }
    const wanted = new Map<TableName, ImportUnit[]>();
    const userSums = new Map<string, Decimal>();
    const visit = (u: ImportUnit) => {
      kinds[u.table].source++;
      if (isQuarantined(u.file, u.location)) {
        kinds[u.table].quarantined++;
        for (const nested of walk(u)) {
          if (nested === u) continue;
          kinds[nested.table].source++;
          kinds[nested.table].quarantined++;
        }
        return;
      }
      if (u.key === null || u.row === null) {
        differences.push(`${u.file} ${u.location}: ${u.rejected ?? 'record'} — neither imported nor quarantined`);
      } else {
        const list = wanted.get(u.table) ?? [];
        list.push(u);
        wanted.set(u.table, list);
        const amount = u.row.amount;
        if (u.table === 'transactions' && amount) {
          add(userSums, u.row.user_legacy_id as string, amount);
          if (u.row.asset_legacy_id) add(assetTransactions, u.row.asset_legacy_id, amount);
        }
        if (u.table === 'investments' && amount) add(assetInvestments, u.row.asset_legacy_id as string, amount);
        if (u.table === 'users') userSums.set(u.key, userSums.get(u.key) ?? new Decimal(0));
      }
      u.children.forEach(visit);
    };
    units.forEach(visit);
    for (const [table, list] of wanted) {
      const keys = [...new Set(list.map((u) => u.key as string))];
      const found = new Set(((await db.query(findSql(table), [keys])) as { k: string }[]).map((r) => r.k));
      for (const u of list) {
        if (found.has(u.key as string)) kinds[table].imported++;
        else differences.push(`${u.file} ${u.location}: ${table} row '${u.key}' is missing and not in the quarantine`);
      }
    }
    if (userSums.size > 0) {
      const rows: { legacy_id: string; total: string }[] = await db.query(
        `SELECT u.legacy_id, COALESCE(sum(t.amount), 0)::text AS total FROM users u LEFT JOIN transactions t ON t.user_id = u.id
         WHERE u.legacy_id = ANY($1::text[]) GROUP BY u.legacy_id`,
        [[...userSums.keys()]],
      );
      for (const row of rows) {
        const expected = userSums.get(row.legacy_id) as Decimal;
        if (!expected.eq(row.total))
          differences.push(`user ${row.legacy_id}: transactions sum ${row.total} in the database, ${expected.toFixed()} in the store`);
      }
    }
  };

  const walker = new StoreWalker(
    source,
    {
      write: checkBatch,
      tierNames: async () => new Set(((await db.query('SELECT name FROM user_tiers')) as { name: string }[]).map((t) => t.name)),
    },
    { batchSize: options.batchSize },
  );
  await walker.walk();

  const assets = [...new Set([...assetInvestments.keys(), ...assetTransactions.keys()])];
  if (assets.length > 0) {
    const rows: { legacy_id: string; investments: string; transactions: string }[] = await db.query(
      `SELECT a.legacy_id,
              (SELECT COALESCE(sum(i.amount), 0) FROM investments i WHERE i.asset_id = a.id AND ${NOT_GONE('investments', 'i')})::text AS investments,
              (SELECT COALESCE(sum(t.amount), 0) FROM transactions t JOIN users u ON u.id = t.user_id
               WHERE t.asset_id = a.id AND ${NOT_GONE('users', 'u')})::text AS transactions
       FROM assets a WHERE a.legacy_id = ANY($1::text[])`,
      [assets],
    );
    for (const row of rows) {
      const investments = assetInvestments.get(row.legacy_id) ?? new Decimal(0);
      const transactions = assetTransactions.get(row.legacy_id) ?? new Decimal(0);
      if (!investments.eq(row.investments))
        differences.push(
          `asset ${row.legacy_id}: investments sum ${row.investments} in the database, ${investments.toFixed()} in the store`,
        );
      if (!transactions.eq(row.transactions))
        differences.push(
          `asset ${row.legacy_id}: transactions sum ${row.transactions} in the database, ${transactions.toFixed()} in the store`,
        );
    }
  }
  const [{ total }]: { total: number }[] = await db.query(
    'SELECT count(*)::int AS total FROM import_fingerprints WHERE gone_since IS NOT NULL',
  );
  const gone: { kind: string; legacy_id: string }[] = await db.query(
    'SELECT kind, legacy_id FROM import_fingerprints WHERE gone_since IS NOT NULL ORDER BY kind, legacy_id LIMIT 1000',
  );
  return {
    runId: run?.id ?? null,
    kinds,
    differences,
    gone: { total, records: gone.map((g) => ({ kind: g.kind, legacyId: g.legacy_id })) },
  };
}
