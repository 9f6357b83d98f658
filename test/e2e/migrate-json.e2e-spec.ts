import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createTestDatabase, dropTestDatabase, queryDatabase } from '../utils/test-database';

const DIST = path.resolve(__dirname, '../../dist/src');
const EXAMPLE = path.resolve(__dirname, '../fixtures/legacy/example');
const EXAMPLE_COUNTS = path.resolve(__dirname, '../fixtures/legacy/example.counts.json');
const FIXTURES = path.resolve(__dirname, '../fixtures/legacy');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(DIST, script), ...args],
      { env: { ...process.env, LOG_LEVEL: 'error', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
const migrate = (url: string, ...args: string[]) => cli('cli/migrate-json.cli.js', args, { DATABASE_URL: url });
const validate = (url: string, source: string) => cli('cli/db-validate.cli.js', ['--source', source], { DATABASE_URL: url });

const query = queryDatabase;

const COUNT_TABLES: Record<string, string> = {
  users: 'users',
  transactions: 'transactions',
  assets: 'assets',
  investments: 'investments',
  agreements: 'investment_agreements',
  kycApplications: 'kyc_applications',
  kycDocuments: 'kyc_documents',
  adminUsers: 'admin_users',
  adminLogs: 'admin_logs',
  blockchainEvents: 'blockchain_events',
  contractInteractions: 'contract_interactions',
  tiers: 'user_tiers',
};

async function countRows(url: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [key, table] of Object.entries(COUNT_TABLES)) {
    const [{ n }] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM ${table}`);
    counts[key] = n;
  }
  return counts;
}

/** Every imported row, generated uuids replaced by the legacy ids they point at, bookkeeping timestamps left out. */
async function dumpImported(url: string): Promise<Record<string, string[]>> {
  const names = new Map<string, string>();
  for (const table of ['users', 'assets', 'investments', 'kyc_applications', 'admin_users']) {
    for (const row of await query<{ id: string; legacy_id: string }>(url, `SELECT id, legacy_id FROM ${table}`))
      names.set(row.id, `${table}:${row.legacy_id}`);
  }
  const tables = [
    'user_tiers',
    'admin_users',
    'admin_permissions',
    'scanner_checkpoints',
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
  const dump: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await query<{ r: Record<string, unknown> }>(url, `SELECT to_jsonb(t) AS r FROM ${table} t`);
    dump[table] = rows
      .map(({ r }) => {
        const entries = Object.entries(r)
          .filter(([key]) => !['id', 'created_at', 'updated_at'].includes(key))
          .map(([key, value]) => [key, typeof value === 'string' && names.has(value) ? names.get(value) : value] as const)
          .sort(([a], [b]) => a.localeCompare(b));
        return JSON.stringify(entries);
      })
      .sort();
  }
  const [run] = await query<{ id: string }>(url, `SELECT id FROM import_runs WHERE status = 'completed' ORDER BY started_at DESC LIMIT 1`);
  const quarantine = await query<{ r: string }>(
    url,
    `SELECT concat_ws('|', source_file, location, legacy_id, reason, raw) AS r FROM import_quarantine WHERE run_id = $1 ORDER BY 1`,
    [run.id],
  );
  dump.import_quarantine = quarantine.map((q) => q.r);
  return dump;
}

async function readReport(file: string) {
  return JSON.parse(await readFile(file, 'utf8')) as {
    tables: Record<string, { read: number; inserted: number; updated: number; unchanged: number; quarantined: number; skipped: number }>;
    quarantined: { file: string; location: string; legacyId: string | null; reason: string }[];
    records: number;
    durationMs: number;
    recordsPerSecond: number;
  };
}

// Each case runs the real CLI as child processes (several seconds each on a busy machine).
jest.setTimeout(120_000);

describe('npm run migrate:json / db:validate (legacy JSON store import)', () => {
  const databases: string[] = [];
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pend-importer-'));
  });
  afterAll(async () => {
    for (const url of databases) await dropTestDatabase(url);
    await rm(work, { recursive: true, force: true });
  });
  const freshDatabase = async () => {
    const url = await createTestDatabase();
    databases.push(url);
    return url;
  };

  describe('the example store', () => {
    let url: string;
    beforeAll(async () => {
      url = await freshDatabase();
    });

    it('imports to exactly example.counts.json, every amount exact, secrets and hashes kept', async () => {
      const result = await migrate(url, '--source', EXAMPLE, '--report', path.join(work, 'example-1.json'));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^users\s+12\s+12\s+0\s+0\s+0\s+0$/m);

      const expected = JSON.parse(await readFile(EXAMPLE_COUNTS, 'utf8')) as Record<string, unknown>;
      const { quarantined, ...counts } = expected;
      expect(await countRows(url)).toEqual(counts);
      expect(quarantined).toEqual([]);
      expect(await query(url, 'SELECT * FROM import_quarantine')).toEqual([]);

      const report = await readReport(path.join(work, 'example-1.json'));
      expect(report.tables.users).toEqual({ read: 12, inserted: 12, updated: 0, unchanged: 0, quarantined: 0, skipped: 0 });
      expect(report.tables.transactions.inserted).toBe(33);
      expect(report.quarantined).toEqual([]);
      expect(report.recordsPerSecond).toBeGreaterThan(0);

      const [big] = await query<{ amount: string }>(url, `SELECT amount FROM transactions WHERE legacy_id = 'tx_bigexact'`);
      expect(big.amount).toBe('12345678901234567.890000');
      const [float] = await query<{ amount: string }>(url, `SELECT amount FROM transactions WHERE legacy_id = 'tx_6f7c4649df'`);
      expect(float.amount).toBe('577.230000');

      const metadata = JSON.parse(await readFile(path.join(EXAMPLE, 'metadata.json'), 'utf8'));
      const admins = await query<{ email: string; password_hash: string }>(
        url,
        'SELECT email, password_hash FROM admin_users ORDER BY email',
      );
      for (const admin of metadata.admins) {
        expect(admins.find((a) => a.email === admin.email)?.password_hash).toBe(admin.passwordHash);
      }
      const documents = await query<{ legacy_id: string; sha256: string; storage_key: string }>(
        url,
        'SELECT legacy_id, sha256, storage_key FROM kyc_documents',
      );
      for (const kyc of Object.values(metadata.kyc) as { documents: { id: string; sha256: string; storageKey: string }[] }[]) {
        for (const doc of kyc.documents) {
          expect(documents.find((d) => d.legacy_id === doc.id)).toEqual({
            legacy_id: doc.id,
            sha256: doc.sha256.toLowerCase(),
            storage_key: doc.storageKey,
          });
        }
      }
      const [gone] = await query<{ admin_email: string; admin_user_id: string | null }>(
        url,
        `SELECT admin_email, admin_user_id FROM admin_logs WHERE admin_email = 'former.employee@pend.example' LIMIT 1`,
      );
      expect(gone).toEqual({ admin_email: 'former.employee@pend.example', admin_user_id: null });
      const [run] = await query<{ status: string; report: { tables: { users: { inserted: number } } } }>(
        url,
        'SELECT status, report FROM import_runs',
      );
      expect(run.status).toBe('completed');
      expect(run.report.tables.users.inserted).toBe(12);
    });

    it('a second run changes nothing and says so', async () => {
      const before = await dumpImported(url);
      const result = await migrate(url, '--source', EXAMPLE, '--report', path.join(work, 'example-2.json'));
      expect(result.code).toBe(0);
      // Delta sync: every user's fingerprint is the one recorded, so none is even parsed.
      expect(result.stdout).toMatch(/^users\s+0\s+0\s+0\s+0\s+0\s+12$/m);
      const report = await readReport(path.join(work, 'example-2.json'));
      for (const [table, counts] of Object.entries(report.tables)) {
        expect({ table, inserted: counts.inserted, updated: counts.updated }).toEqual({ table, inserted: 0, updated: 0 });
        expect(counts.unchanged).toBe(counts.read);
      }
      expect(await dumpImported(url)).toEqual(before);
    });

    it('db:validate reconciles the store to the last digit, and names a difference', async () => {
      const ok = await validate(url, EXAMPLE);
      expect(ok.stdout).toContain('The store and the database match.');
      expect(ok.code).toBe(0);

      await query(url, `UPDATE transactions SET amount = amount + 0.000001 WHERE legacy_id = 'tx_bigexact'`);
      await query(url, `DELETE FROM admin_logs WHERE legacy_id = '#0'`);
      const [{ user }] = await query<{ user: string }>(
        url,
        `SELECT u.legacy_id AS user FROM transactions t JOIN users u ON u.id = t.user_id WHERE t.legacy_id = 'tx_bigexact'`,
      );
      const off = await validate(url, EXAMPLE);
      expect(off.code).toBe(1);
      expect(off.stdout).toContain(`user ${user}: transactions sum`);
      expect(off.stdout).toMatch(/admin-logs\.json \[0\]: admin_logs row '#0' is missing/);
      await query(url, `UPDATE transactions SET amount = amount - 0.000001 WHERE legacy_id = 'tx_bigexact'`);
    });

    it('a changed store updates what changed', async () => {
      const changed = path.join(work, 'changed');
      fs.cpSync(EXAMPLE, changed, { recursive: true });
      fs.chmodSync(changed, 0o755);
      const wallet = path.join(changed, 'wallet-db.json');
      fs.chmodSync(wallet, 0o644);
      const walletText = fs.readFileSync(wallet, 'utf8');
      const withoutProfile = walletText.replace(/"profile":\{"firstName":"Fatima","lastName":"O'Brien"[^}]*\}\}/, '"profile":null');
      expect(withoutProfile).not.toBe(walletText);
      fs.writeFileSync(wallet, withoutProfile.replace('"amount":"757.00"', '"amount":"758.25"'));
      const metadataFile = path.join(changed, 'metadata.json');
      fs.chmodSync(metadataFile, 0o644);
      const metadata = JSON.parse(fs.readFileSync(metadataFile, 'utf8'));
      metadata.admins[1].permissions = metadata.admins[1].permissions.filter((p: string) => p !== 'users:read');
      fs.writeFileSync(metadataFile, JSON.stringify(metadata, null, 2));

      const result = await migrate(url, '--source', changed, '--report', path.join(work, 'changed.json'));
      expect(result.code).toBe(0);
      const report = await readReport(path.join(work, 'changed.json'));
      // Only the edited user is read again: its 4 transactions, one of them changed.
      expect(report.tables.transactions).toMatchObject({ read: 4, inserted: 0, updated: 1, unchanged: 3 });
      expect(report.tables.users).toMatchObject({ read: 1, updated: 0, skipped: 11 });
      const profiles = await query(
        url,
        `SELECT 1 FROM user_profiles p JOIN users u ON u.id = p.user_id WHERE u.legacy_id = 'usr_f21486ed'`,
      );
      expect(profiles).toEqual([]);
      const grants = await query<{ permission: string }>(
        url,
        `SELECT p.permission FROM admin_permissions p JOIN admin_users a ON a.id = p.admin_user_id WHERE a.email = $1 ORDER BY 1`,
        [metadata.admins[1].email],
      );
      expect(grants.map((g) => g.permission)).toEqual([...metadata.admins[1].permissions].sort());
      // The log entry deleted above in the database is unchanged in the store: a delta run skips it,
      // --full (read everything again) brings it back.
      expect(report.tables.admin_logs).toMatchObject({ read: 0, skipped: 24 });
      const full = await migrate(url, '--source', changed, '--full', '--report', path.join(work, 'changed-full.json'));
      expect(full.code).toBe(0);
      expect((await readReport(path.join(work, 'changed-full.json'))).tables.admin_logs).toMatchObject({ inserted: 1, updated: 0 });
      const [tx] = await query<{ amount: string }>(url, `SELECT amount FROM transactions WHERE legacy_id = 'tx_8d316fa13a'`);
      expect(tx.amount).toBe('758.250000');
    });
  });

  it('--dry-run parses, validates and reports without writing', async () => {
    const url = await freshDatabase();
    const result = await migrate(url, '--source', EXAMPLE, '--dry-run', '--report', path.join(work, 'dry.json'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Dry run (nothing written)');
    const report = await readReport(path.join(work, 'dry.json'));
    expect(report.tables.users.inserted).toBe(12);
    expect(report.tables.investments.inserted).toBe(10);
    const counts = await countRows(url);
    expect(counts.users + counts.transactions + counts.assets + counts.adminLogs).toBe(0);
    expect(await query(url, 'SELECT * FROM import_runs')).toEqual([]);
  });

  it('quarantines each kind of dirty record with its reason while everything else imports', async () => {
    const url = await freshDatabase();
    const dirty = path.join(FIXTURES, 'dirty');
    const result = await migrate(url, '--source', dirty, '--report', path.join(work, 'dirty.json'));
    expect(result.code).toBe(0);
    const rows = await query<{ source_file: string; location: string; legacy_id: string | null; reason: string; raw: string }>(
      url,
      'SELECT source_file, location, legacy_id, reason, raw FROM import_quarantine ORDER BY id',
    );
    const byLocation = Object.fromEntries(rows.map((r) => [`${r.source_file} ${r.location}`, r]));
    const expectations: [string, RegExp][] = [
      ['wallet-db.json users.usr_dup_phone', /^duplicate phone: .*'usr_ok1'/],
      ['wallet-db.json users.usr_dup_wallet', /^duplicate wallet address: .*'usr_ok1'/],
      ['wallet-db.json users.usr_bad_checksum', /bad EIP-55 checksum/],
      ['wallet-db.json users.usr_hash_mismatch', /^phone hash mismatch/],
      ['wallet-db.json users.usr_bad_phone', /^phone is unparseable/],
      ['wallet-db.json users.usr_ok1.transactions[1]', /^amount is not a number$/],
      ['wallet-db.json users.usr_ok1.transactions[2]', /^amount is negative$/],
      ['wallet-db.json users.usr_ok1.transactions[3]', /^transaction for unknown opportunity 'opp_nope'$/],
      ['wallet-db.json users.usr_ok2.transactions[0]', /^duplicate id: .*\(tx_ok1\)$/],
      ['admin-opportunities.json opportunities[0].investments[1]', /^investment for unknown user 'usr_ghost'$/],
      ['admin-opportunities.json opportunities[0].investments[2]', /ipAddress is not a valid IP address/],
      ['metadata.json kyc.usr_ghost', /^KYC application for unknown user 'usr_ghost'$/],
    ];
    for (const [where, reason] of expectations)
      expect({ where, reason: byLocation[where]?.reason }).toEqual({ where, reason: expect.stringMatching(reason) });
    expect(rows).toHaveLength(expectations.length);
    // The original record text, exactly as in the file.
    const walletText = fs.readFileSync(path.join(dirty, 'wallet-db.json'), 'utf8');
    expect(walletText).toContain(`"usr_dup_phone":${byLocation['wallet-db.json users.usr_dup_phone'].raw}`);
    expect(byLocation['wallet-db.json users.usr_ok1.transactions[2]'].raw).toContain('"amount":-5');
    expect(byLocation['wallet-db.json users.usr_ok1.transactions[1]'].legacy_id).toBe('tx_bad_amount');

    const ids = async (table: string) =>
      (await query<{ legacy_id: string }>(url, `SELECT legacy_id FROM ${table} ORDER BY legacy_id`)).map((r) => r.legacy_id);
    expect(await ids('users')).toEqual(['usr_ok1', 'usr_ok2']);
    expect(await ids('transactions')).toEqual(['tx_ok1', 'tx_opp_ok']);
    expect(await ids('investments')).toEqual(['inv_no_agreement', 'inv_ok']);
    expect(await ids('investment_agreements')).toEqual(['inv_ok']);
    expect(await ids('kyc_applications')).toEqual(['kyc_ok']);
    const [phone] = await query<{ phone_e164: string; blockchain_address: string }>(
      url,
      `SELECT phone_e164, blockchain_address FROM users WHERE legacy_id = 'usr_ok2'`,
    );
    expect(phone).toEqual({ phone_e164: '+442079460958', blockchain_address: '0xde709f2102306220921060314715629080e2fb77' });
    const [amounts] = await query<{ tx: string; inv: string }>(
      url,
      `SELECT (SELECT amount FROM transactions WHERE legacy_id = 'tx_opp_ok') AS tx, (SELECT amount FROM investments WHERE legacy_id = 'inv_no_agreement') AS inv`,
    );
    expect(amounts).toEqual({ tx: '100.500000', inv: '1000.000000' });
    // The repeated id keeps the earlier record.
    const [first] = await query<{ amount: string; type: string }>(url, `SELECT amount, type FROM transactions WHERE legacy_id = 'tx_ok1'`);
    expect(first).toEqual({ amount: '10.000000', type: 'deposit' });
    // Overlapping scans: one event; the {logs:[…]} form: details from `data`, ids by position.
    expect(await ids('blockchain_events')).toHaveLength(1);
    const [event] = await query<{ value: string; transaction_hash: string }>(url, 'SELECT value, transaction_hash FROM blockchain_events');
    expect(event.value).toBe('1000000000000000000000000000001');
    expect(event.transaction_hash).toBe(event.transaction_hash.toLowerCase());
    const logs = await query<{ legacy_id: string; action: string; details: unknown; admin_email: string | null; timestamp: Date }>(
      url,
      'SELECT legacy_id, action, details, admin_email, timestamp FROM admin_logs ORDER BY legacy_id',
    );
    expect(logs).toEqual([
      {
        legacy_id: '#0',
        action: 'user.suspend',
        details: { userId: 'usr_ok1', amount: 0.1, note: 'tab\there\nnew line, back\\slash, "quoted"' },
        admin_email: null,
        timestamp: new Date('2020-01-01T00:00:00Z'),
      },
      // PostgreSQL text cannot hold NUL: kept as the escape's text.
      { legacy_id: '#1', action: 'asset.cr\\u0000eate', details: null, admin_email: null, timestamp: new Date('2020-01-02T00:00:00Z') },
    ]);
    const [admin] = await query<{ email: string }>(url, 'SELECT email FROM admin_users');
    expect(admin.email).toBe('ops@pend.example');

    const report = await readReport(path.join(work, 'dirty.json'));
    expect(report.tables.users).toEqual({ read: 7, inserted: 2, updated: 0, unchanged: 0, quarantined: 5, skipped: 0 });
    expect(report.quarantined).toHaveLength(12);
    expect(report.quarantined[0]).toEqual({
      file: expect.any(String),
      location: expect.any(String),
      legacyId: expect.any(String),
      reason: expect.any(String),
    });

    const check = await validate(url, dirty);
    expect(check.stdout).toContain('The store and the database match.');
    expect(check.code).toBe(0);
  });

  it('writing one record per batch on three connections gives the same rows and quarantine as one connection', async () => {
    const dirty = path.join(FIXTURES, 'dirty');
    const serial = await freshDatabase();
    const parallel = await freshDatabase();
    expect((await migrate(serial, '--source', dirty, '--writers', '1')).code).toBe(0);
    expect((await migrate(parallel, '--source', dirty, '--batch-size', '1', '--writers', '3')).code).toBe(0);
    expect(await dumpImported(parallel)).toEqual(await dumpImported(serial));
    const quarantine = (url: string) =>
      query(url, 'SELECT source_file, location, legacy_id, reason, raw FROM import_quarantine ORDER BY source_file, location');
    const serialQuarantine = await quarantine(serial);
    expect(serialQuarantine.length).toBeGreaterThan(0);
    expect(await quarantine(parallel)).toEqual(serialQuarantine);
  });

  it('imports what precedes the break of a truncated wallet-db.json and quarantines the rest at its byte offset', async () => {
    const url = await freshDatabase();
    const source = path.join(FIXTURES, 'truncated');
    const result = await migrate(url, '--source', source);
    expect(result.code).toBe(0);
    const bytes = fs.readFileSync(path.join(source, 'wallet-db.json'));
    const offset = bytes.indexOf('{"id":"usr_dup_wallet"');
    const rows = await query<{ location: string; legacy_id: string; reason: string; raw: string }>(
      url,
      `SELECT location, legacy_id, reason, raw FROM import_quarantine WHERE source_file = 'wallet-db.json' AND location LIKE 'byte %'`,
    );
    expect(rows).toEqual([
      {
        location: `byte ${offset}`,
        legacy_id: 'usr_dup_wallet',
        reason: expect.stringMatching(/^truncated file/),
        raw: bytes.subarray(offset).toString(),
      },
    ]);
    const users = await query<{ legacy_id: string }>(url, 'SELECT legacy_id FROM users ORDER BY legacy_id');
    expect(users.map((u) => u.legacy_id)).toEqual(['usr_ok1', 'usr_ok2']);
    expect((await validate(url, source)).code).toBe(0);
  });

  it('imports the v1 flat-map wallet-db.json', async () => {
    const url = await freshDatabase();
    const source = path.join(FIXTURES, 'v1');
    const result = await migrate(url, '--source', source);
    expect(result.code).toBe(0);
    const users = await query<{ legacy_id: string; phone_e164: string | null; phone_hash: string; blockchain_address: string }>(
      url,
      'SELECT legacy_id, phone_e164, phone_hash, blockchain_address FROM users ORDER BY blockchain_address',
    );
    const map = JSON.parse(fs.readFileSync(path.join(source, 'wallet-db.json'), 'utf8')) as Record<string, string>;
    expect(users).toHaveLength(2);
    for (const user of users) {
      expect(user.phone_e164).toBeNull();
      expect(user.legacy_id).toBe(user.phone_hash);
      expect(map[user.phone_hash].toLowerCase()).toBe(user.blockchain_address.toLowerCase());
    }
    const [bad] = await query<{ reason: string }>(url, 'SELECT reason FROM import_quarantine');
    expect(bad.reason).toBe('wallet address has a bad EIP-55 checksum');
  });

  it('fails with a one-line message when the source is missing or the database unreachable', async () => {
    const missing = await migrate('postgres://nobody:nothing@127.0.0.1:1/none', '--source', path.join(work, 'no-such-store'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim()).toBe(`migrate:json: source folder not found: ${path.join(work, 'no-such-store')}`);

    const unreachable = await cli('cli/migrate-json.cli.js', ['--source', EXAMPLE], {
      DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none',
      DB_CONNECT_RETRIES: '0',
    });
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr.trim().split('\n').pop()).toMatch(/^migrate:json: .*(ECONNREFUSED|connect)/);
  });

  it('a run killed with kill -9 mid-import, then run again, ends exactly as one clean run', async () => {
    const store = path.join(work, 'generated');
    const generated = await cli(
      'cli/generate-store.cli.js',
      ['--out', store, '--users', '1000', '--transactions-per-user', '3', '--seed', 'crash'],
      {},
    );
    expect(generated.code).toBe(0);
    const crashed = await freshDatabase();
    const clean = await freshDatabase();
    const once = migrate(clean, '--source', store);

    const child: ChildProcess = spawn(
      process.execPath,
      [path.join(DIST, 'cli/migrate-json.cli.js'), '--source', store, '--batch-size', '50'],
      {
        env: { ...process.env, DATABASE_URL: crashed, LOG_LEVEL: 'error' },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let users = 0;
      for (let i = 0; i < 1200 && users < 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        [{ n: users }] = await query<{ n: number }>(crashed, 'SELECT count(*)::int AS n FROM users');
      }
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toBeNull();
    const [killed] = await query<{ status: string }>(crashed, 'SELECT status FROM import_runs');
    expect(killed.status).toBe('running');
    const [{ n: partial }] = await query<{ n: number }>(crashed, 'SELECT count(*)::int AS n FROM users');
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(1000);

    const rerun = await migrate(crashed, '--source', store);
    expect(rerun.code).toBe(0);
    expect((await once).code).toBe(0);
    expect(await dumpImported(crashed)).toEqual(await dumpImported(clean));
    const runs = await query<{ status: string }>(crashed, 'SELECT status FROM import_runs ORDER BY started_at');
    expect(runs.map((r) => r.status)).toEqual(['failed', 'completed']);
  }, 240_000);
});
