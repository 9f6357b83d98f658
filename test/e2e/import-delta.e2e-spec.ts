import * as fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runNpmScript } from '../utils/npm-script';
import { createTestDatabase, dropTestDatabase, queryDatabase } from '../utils/test-database';

const EXAMPLE = path.resolve(__dirname, '../fixtures/legacy/example');

interface Counts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  skipped: number;
}
interface Report {
  records: number;
  tables: Record<string, Counts>;
  gone: { total: number; byKind: Record<string, number>; records: { kind: string; legacyId: string }[] };
  scan: { bytes: number; megabytesPerSecond: number };
  full: boolean;
}

/** Every row's physical version (xmin) in the imported tables and the fingerprints: any write changes one. */
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
  'import_fingerprints',
];
async function rowVersions(url: string): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  for (const table of TABLES) {
    const key = table === 'import_fingerprints' ? `kind || ':' || legacy_id` : table === 'user_profiles' ? 'user_id::text' : 'id::text';
    for (const row of await queryDatabase<{ k: string; v: string }>(url, `SELECT ${key} AS k, xmin::text AS v FROM ${table}`))
      versions.set(`${table}:${row.k}`, row.v);
  }
  return versions;
}
function changedRows(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [key, version] of after) if (before.get(key) !== version) changed.push(key);
  for (const key of before.keys()) if (!after.has(key)) changed.push(`deleted ${key}`);
  return changed.sort();
}

/** Root records (read whole, fingerprinted) per kind in the example store. */
const ROOT_KINDS = ['assets', 'users', 'investments', 'kyc_applications', 'admin_logs', 'blockchain_events', 'contract_interactions'];

describe('delta sync: a re-run skips unchanged records (npm run migrate:json)', () => {
  let work: string;
  let store: string;
  let url: string;
  const wallet = () => path.join(store, 'wallet-db.json');
  const migrate = async (name: string, ...args: string[]): Promise<Report> => {
    const reportFile = path.join(work, `${name}.json`);
    const result = await runNpmScript('migrate:json', ['--source', store, '--report', reportFile, ...args], { DATABASE_URL: url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report;
  };
  const userRowId = async (legacyId: string) =>
    (await queryDatabase<{ id: string }>(url, 'SELECT id FROM users WHERE legacy_id = $1', [legacyId]))[0].id;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pend-import-delta-'));
    store = path.join(work, 'store');
    fs.cpSync(EXAMPLE, store, { recursive: true });
    fs.chmodSync(store, 0o755);
    for (const name of fs.readdirSync(store)) fs.chmodSync(path.join(store, name), 0o755);
    for (const name of fs.readdirSync(path.join(store, 'explorer-data'))) fs.chmodSync(path.join(store, 'explorer-data', name), 0o644);
    url = await createTestDatabase();
  });
  afterAll(async () => {
    await dropTestDatabase(url);
    await rm(work, { recursive: true, force: true });
  });

  it('the first import reads everything and records a fingerprint per record', async () => {
    const report = await migrate('first');
    for (const kind of ROOT_KINDS) expect({ kind, skipped: report.tables[kind].skipped }).toEqual({ kind, skipped: 0 });
    expect(report.tables.users).toMatchObject({ read: 12, inserted: 12 });
    const kinds = await queryDatabase<{ kind: string; n: number }>(
      url,
      'SELECT kind, count(*)::int AS n FROM import_fingerprints WHERE rules_version > 0 GROUP BY kind ORDER BY kind',
    );
    expect(Object.fromEntries(kinds.map((k) => [k.kind, k.n]))).toEqual({
      admin_logs: 24,
      assets: 3,
      blockchain_events: 36,
      contract_interactions: 11,
      investments: 10,
      kyc_applications: 8,
      users: 12,
    });
  });

  it('an unchanged re-run parses no user, investment, KYC application, asset, log or event, and writes no row', async () => {
    const before = await rowVersions(url);
    const report = await migrate('unchanged');
    expect(changedRows(before, await rowVersions(url))).toEqual([]);
    for (const kind of ['assets', 'users', 'investments', 'kyc_applications', 'admin_logs', 'blockchain_events']) {
      expect({ kind, read: report.tables[kind].read }).toEqual({ kind, read: 0 });
    }
    expect(report.tables.users.skipped).toBe(12);
    expect(report.tables.investments.skipped).toBe(10);
    expect(report.tables.blockchain_events.skipped).toBe(45);
    // Two calls repeat in another scan with other bytes: read and merged, nothing written.
    expect(report.tables.contract_interactions).toMatchObject({ read: 2, inserted: 0, updated: 0, skipped: 11 });
    for (const [table, c] of Object.entries(report.tables))
      expect({ table, written: c.inserted + c.updated }).toEqual({ table, written: 0 });
    expect(report.gone.total).toBe(0);
    expect(report.scan.bytes).toBeGreaterThan(fs.statSync(wallet()).size);
    expect(report.scan.megabytesPerSecond).toBeGreaterThan(0);
  });

  it('one edited user is the only user read and written again (its investments and KYC application with it)', async () => {
    const text = fs.readFileSync(wallet(), 'utf8');
    const edited = text.replace(/("usr_b41a187a":\{[^\n]*?"email":)"[^"]*"/, '$1"edited.in.place@example.com"');
    expect(edited).not.toBe(text);
    fs.writeFileSync(wallet(), edited);
    const before = await rowVersions(url);
    const report = await migrate('one-edited');
    expect(report.tables.users).toMatchObject({ read: 1, updated: 1, skipped: 11 });
    const userId = await userRowId('usr_b41a187a');
    expect(await queryDatabase(url, 'SELECT email FROM users WHERE id = $1', [userId])).toEqual([{ email: 'edited.in.place@example.com' }]);
    // Written: that user's row and its fingerprint, nothing else.
    expect(changedRows(before, await rowVersions(url))).toEqual([`import_fingerprints:users:usr_b41a187a`, `users:${userId}`]);
    const opportunities = JSON.parse(fs.readFileSync(path.join(store, 'admin-opportunities.json'), 'utf8')) as {
      opportunities: { investments?: { userId: string }[] }[];
    };
    const itsInvestments = opportunities.opportunities.flatMap((o) => o.investments ?? []).filter((i) => i.userId === 'usr_b41a187a');
    expect(report.tables.investments).toMatchObject({ read: itsInvestments.length, skipped: 10 - itsInvestments.length });
    expect(report.tables.assets.read + report.tables.admin_logs.read + report.tables.blockchain_events.read).toBe(0);
  });

  it('a rules-version bump of one kind re-imports the records of that kind (and their children), and only those', async () => {
    // As if the users' fingerprints had been written by an importer whose user rules were version 1.
    await queryDatabase(url, `UPDATE import_fingerprints SET rules_version = 1 WHERE kind = 'users'`);
    const report = await migrate('rules-bump');
    expect(report.tables.users).toMatchObject({ read: 12, skipped: 0 });
    expect(report.tables.investments.skipped).toBe(0);
    expect(report.tables.kyc_applications.skipped).toBe(0);
    for (const kind of ['assets', 'admin_logs', 'blockchain_events']) {
      expect({ kind, read: report.tables[kind].read }).toEqual({ kind, read: 0 });
    }
    expect(
      await queryDatabase(url, `SELECT count(*)::int AS n FROM import_fingerprints WHERE kind = 'users' AND rules_version = 2`),
    ).toEqual([{ n: 12 }]);
    // And the next run skips them again.
    expect((await migrate('after-bump')).tables.users).toMatchObject({ read: 0, skipped: 12 });
  });

  it('a record gone from the store is reported, kept, listed apart by db:validate (which fails only with --strict)', async () => {
    const text = fs.readFileSync(wallet(), 'utf8');
    const without = text.replace(/\n"usr_36727500":\{[^\n]*\},/, '');
    expect(without).not.toBe(text);
    fs.writeFileSync(wallet(), without);
    const report = await migrate('gone');
    expect(report.gone).toEqual({ total: 1, byKind: { users: 1 }, records: [{ kind: 'users', legacyId: 'usr_36727500' }] });
    expect(await queryDatabase(url, `SELECT legacy_id FROM users WHERE legacy_id = 'usr_36727500'`)).toEqual([
      { legacy_id: 'usr_36727500' },
    ]);

    const validate = await runNpmScript('db:validate', ['--source', store], { DATABASE_URL: url });
    expect(validate.stdout).toContain('gone: users usr_36727500');
    expect(validate.stdout).toContain('The store and the database match, but for the records gone from the store.');
    expect(validate.code).toBe(0);
    const strict = await runNpmScript('db:validate', ['--source', store, '--strict'], { DATABASE_URL: url });
    expect(strict.stdout).toContain('gone: users usr_36727500');
    expect(strict.code).toBe(1);

    // Back in the store: no longer gone.
    fs.writeFileSync(wallet(), text);
    expect((await migrate('back')).gone.total).toBe(0);
    const again = await runNpmScript('db:validate', ['--source', store, '--strict'], { DATABASE_URL: url });
    expect({ code: again.code, stdout: again.stdout.split('\n').slice(-3) }).toEqual({
      code: 0,
      stdout: [expect.any(String), 'The store and the database match.', ''],
    });
  });

  it('a quarantined record is read again on every run; --full reads everything again', async () => {
    const text = fs.readFileSync(wallet(), 'utf8');
    fs.writeFileSync(wallet(), text.replace(/("usr_e7ee5007":\{[^\n]*?"walletAddress":)"[^"]*"/, '$1"0xnot-an-address"'));
    expect((await migrate('bad')).tables.users).toMatchObject({ read: 1, quarantined: 1, skipped: 11 });
    expect((await migrate('bad-again')).tables.users).toMatchObject({ read: 1, quarantined: 1, skipped: 11 });
    const full = await migrate('full', '--full');
    expect(full.full).toBe(true);
    expect(full.tables.users).toMatchObject({ read: 12, skipped: 0, updated: 0 });
    for (const kind of ROOT_KINDS) expect({ kind, skipped: full.tables[kind].skipped }).toEqual({ kind, skipped: 0 });
  });
});
