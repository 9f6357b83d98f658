import * as fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runNpmScript } from '../utils/npm-script';
import { createTestDatabase, dropTestDatabase, queryDatabase } from '../utils/test-database';

const EXAMPLE = path.resolve(__dirname, '../fixtures/legacy/example');

/** The business tables an import fills. */
const TABLES = [
  'user_tiers',
  'admin_users',
  'admin_permissions',
  'assets',
  'users',
  'user_profiles',
  'transactions',
  'investments',
  'investment_agreements',
  'kyc_applications',
  'kyc_documents',
  'admin_logs',
  'blockchain_events',
  'contract_interactions',
];
/** Columns set by the import itself (when it wrote the row), not by the store. */
const IMPORT_TIME_COLUMNS = ['updated_at', 'imported_at', 'gone_since'];
/** A created_at the store does not have (permissions, profiles, agreements) is the time of the import: from this run. */
const STARTED = Date.now() - 60_000;
const isImportTime = (key: string, value: unknown) => key === 'created_at' && typeof value === 'string' && Date.parse(value) >= STARTED;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Every row of the business tables, with uuids (own ids and references) replaced by the legacy id of
 * the row they name and the import's own timestamps left out: two databases holding the same store
 * compare equal however their uuids were drawn.
 */
async function businessRows(url: string): Promise<Record<string, string[]>> {
  const legacyOf = new Map<string, string>();
  const rows: Record<string, Record<string, unknown>[]> = {};
  for (const table of TABLES) {
    rows[table] = (await queryDatabase<{ r: Record<string, unknown> }>(url, `SELECT to_jsonb(t) AS r FROM ${table} t`)).map((x) => x.r);
    for (const row of rows[table])
      if (typeof row.id === 'string' && UUID.test(row.id)) legacyOf.set(row.id, `${table}:${String(row.legacy_id ?? '?')}`);
  }
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    out[table] = rows[table]
      .map((row) => {
        const copy: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(row)) {
          if (IMPORT_TIME_COLUMNS.includes(key) || isImportTime(key, value)) continue;
          copy[key] = typeof value === 'string' && UUID.test(value) ? (legacyOf.get(value) ?? 'uuid:unknown') : value;
        }
        return JSON.stringify(copy, Object.keys(copy).sort());
      })
      .sort();
  }
  return out;
}

/**
 * The cutover sequence of docs/cutover.md with the real CLIs on the example store: first import
 * while the old server still writes, delta syncs after each batch of changes, then (writes frozen)
 * the final delta and `db:validate --strict`. The result must equal a fresh full import of the
 * final store, row by row.
 */
describe('cutover: first import, delta syncs, final sync, validate (npm scripts)', () => {
  let work: string;
  let store: string;
  let url: string;
  let fresh: string;
  const wallet = () => path.join(store, 'wallet-db.json');
  const opportunities = () => path.join(store, 'admin-opportunities.json');
  const edit = (file: string, from: RegExp, to: string) => {
    const text = fs.readFileSync(file, 'utf8');
    const edited = text.replace(from, to);
    expect(edited).not.toBe(text);
    fs.writeFileSync(file, edited);
  };
  const migrate = async (database: string) => {
    const result = await runNpmScript('migrate:json', ['--source', store], { DATABASE_URL: database });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  };
  const count = async (database: string, table: string) =>
    (await queryDatabase<{ n: number }>(database, `SELECT count(*)::int AS n FROM ${table}`))[0].n;
  const counts = async (database: string) => ({
    users: await count(database, 'users'),
    transactions: await count(database, 'transactions'),
    assets: await count(database, 'assets'),
    investments: await count(database, 'investments'),
  });

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pend-cutover-'));
    store = path.join(work, 'store');
    fs.cpSync(EXAMPLE, store, { recursive: true });
    fs.chmodSync(store, 0o755);
    for (const name of fs.readdirSync(store)) fs.chmodSync(path.join(store, name), 0o755);
    for (const name of fs.readdirSync(path.join(store, 'explorer-data'))) fs.chmodSync(path.join(store, 'explorer-data', name), 0o644);
    url = await createTestDatabase();
    fresh = await createTestDatabase();
  });
  afterAll(async () => {
    await dropTestDatabase(url);
    await dropTestDatabase(fresh);
    await rm(work, { recursive: true, force: true });
  });

  it('runs the sequence and ends equal to a full import of the final store', async () => {
    // 1. First import while the old server runs.
    await migrate(url);
    expect(await counts(url)).toEqual({ users: 12, transactions: 33, assets: 3, investments: 10 });

    // 2. The old server writes; a delta sync follows.
    edit(wallet(), /("usr_b41a187a":\{[^\n]*?"email":)"[^"]*"/, '$1"first.change@example.com"');
    await migrate(url);
    expect(await counts(url)).toEqual({ users: 12, transactions: 33, assets: 3, investments: 10 });
    expect(await queryDatabase(url, `SELECT email FROM users WHERE legacy_id = 'usr_b41a187a'`)).toEqual([
      { email: 'first.change@example.com' },
    ]);

    // 3. More writes on the old server (a user's status, an asset's name), another delta sync.
    edit(wallet(), /("usr_25ca68cb":\{[^\n]*?"status":)"active"/, '$1"suspended"');
    edit(opportunities(), /("id":"opp_4e9bf5","name":)"[^"]*"/, '$1"Sunset Gold Reserve Series C (renamed)"');
    await migrate(url);
    expect(await counts(url)).toEqual({ users: 12, transactions: 33, assets: 3, investments: 10 });

    // 4. Writes frozen on the old system after one last change; 5. the final delta sync.
    edit(wallet(), /("usr_b41a187a":\{[^\n]*?"email":)"[^"]*"/, '$1"final.change@example.com"');
    await migrate(url);
    expect(await counts(url)).toEqual({ users: 12, transactions: 33, assets: 3, investments: 10 });

    // 6. Validate, strictly.
    const validated = await runNpmScript('db:validate', ['--source', store, '--strict'], { DATABASE_URL: url });
    expect({ code: validated.code, stderr: validated.stderr }).toEqual({ code: 0, stderr: '' });

    // The synced database equals a fresh full import of the final store.
    await migrate(fresh);
    const synced = await businessRows(url);
    const full = await businessRows(fresh);
    for (const table of TABLES) expect({ table, rows: synced[table] }).toEqual({ table, rows: full[table] });
    expect(await queryDatabase(url, `SELECT status::text AS status FROM users WHERE legacy_id = 'usr_25ca68cb'`)).toEqual([
      { status: 'suspended' },
    ]);
  });
});
