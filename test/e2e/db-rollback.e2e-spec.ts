import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, dropTestDatabase, queryDatabase } from '../utils/test-database';

const run = promisify(execFile);
const DIST = path.resolve(__dirname, '../../dist/src');
const EXAMPLE = path.resolve(__dirname, '../fixtures/legacy/example');
/** Each test runs several CLI processes one after the other (import, rollback, import). */
const CLI_TEST_TIMEOUT = 240_000;

async function cli(script: string, args: string[], databaseUrl: string): Promise<string> {
  const { stdout } = await run(process.execPath, [path.join(DIST, script), ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}
const importStore = (source: string, url: string) => cli('cli/migrate-json.cli.js', ['--source', source], url);
const rollback = (out: string, url: string, ...extra: string[]) => cli('cli/db-rollback.cli.js', ['--out', out, ...extra], url);

const query = queryDatabase;

/**
 * Every imported table as JSON rows ordered by legacy id: generated uuids replaced by the legacy
 * ids they point at, created_at/updated_at left out where they are bookkeeping (kept where the
 * legacy store supplied them: users, transactions, assets, investments, admin_users).
 */
const TABLES: Record<string, string> = {
  user_tiers: `SELECT to_jsonb(t) - '{id,created_at,updated_at}'::text[] AS r FROM user_tiers t ORDER BY name`,
  users: `SELECT to_jsonb(t) - '{id,updated_at,tier_id,created_at}'::text[]
      || jsonb_build_object('tier', (SELECT name FROM user_tiers WHERE id = t.tier_id),
           'created_at', CASE WHEN t.phone_e164 IS NULL THEN NULL ELSE t.created_at END) AS r
    FROM users t ORDER BY legacy_id`,
  user_profiles: `SELECT to_jsonb(t) - '{user_id,created_at,updated_at}'::text[] || jsonb_build_object('user', u.legacy_id) AS r
    FROM user_profiles t JOIN users u ON u.id = t.user_id ORDER BY u.legacy_id`,
  transactions: `SELECT to_jsonb(t) - '{id,user_id,asset_id,investment_id}'::text[] || jsonb_build_object('user', u.legacy_id,
      'asset', (SELECT legacy_id FROM assets WHERE id = t.asset_id), 'investment', (SELECT legacy_id FROM investments WHERE id = t.investment_id)) AS r
    FROM transactions t JOIN users u ON u.id = t.user_id ORDER BY t.legacy_id`,
  assets: `SELECT to_jsonb(t) - '{id,updated_at}'::text[] AS r FROM assets t ORDER BY legacy_id`,
  investments: `SELECT to_jsonb(t) - '{id,user_id,asset_id,updated_at}'::text[]
      || jsonb_build_object('user', (SELECT legacy_id FROM users WHERE id = t.user_id), 'asset', (SELECT legacy_id FROM assets WHERE id = t.asset_id)) AS r
    FROM investments t ORDER BY legacy_id`,
  investment_agreements: `SELECT to_jsonb(t) - '{id,investment_id,created_at}'::text[]
      || jsonb_build_object('investment', (SELECT legacy_id FROM investments WHERE id = t.investment_id)) AS r
    FROM investment_agreements t ORDER BY legacy_id`,
  kyc_applications: `SELECT to_jsonb(t) - '{id,user_id,reviewer_admin_id,created_at,updated_at}'::text[]
      || jsonb_build_object('user', (SELECT legacy_id FROM users WHERE id = t.user_id),
           'reviewer', (SELECT email FROM admin_users WHERE id = t.reviewer_admin_id)) AS r
    FROM kyc_applications t ORDER BY legacy_id`,
  kyc_documents: `SELECT to_jsonb(t) - '{id,application_id,created_at}'::text[]
      || jsonb_build_object('application', (SELECT legacy_id FROM kyc_applications WHERE id = t.application_id)) AS r
    FROM kyc_documents t ORDER BY legacy_id`,
  admin_users: `SELECT to_jsonb(t) - '{id,updated_at}'::text[] AS r FROM admin_users t ORDER BY email`,
  admin_permissions: `SELECT to_jsonb(t) - '{id,admin_user_id,created_at}'::text[]
      || jsonb_build_object('admin', (SELECT email FROM admin_users WHERE id = t.admin_user_id)) AS r
    FROM admin_permissions t ORDER BY legacy_id, role, permission`,
  admin_logs: `SELECT to_jsonb(t) - '{id,admin_user_id}'::text[]
      || jsonb_build_object('admin_user', (SELECT email FROM admin_users WHERE id = t.admin_user_id)) AS r
    FROM admin_logs t ORDER BY legacy_id`,
  blockchain_events: `SELECT to_jsonb(t) - '{id,created_at}'::text[] AS r FROM blockchain_events t ORDER BY legacy_id`,
  contract_interactions: `SELECT to_jsonb(t) - '{id,created_at}'::text[] AS r FROM contract_interactions t ORDER BY legacy_id`,
  scanner_checkpoints: `SELECT to_jsonb(t) - '{updated_at}'::text[] AS r FROM scanner_checkpoints t ORDER BY chain_id`,
};

async function snapshot(url: string): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const [table, sql] of Object.entries(TABLES)) result[table] = (await query<{ r: unknown }>(url, sql)).map((row) => row.r);
  return result;
}

interface QuarantineRow {
  source_file: string;
  location: string;
  legacy_id: string | null;
  reason: string;
}

const latestQuarantine = (url: string) =>
  query<QuarantineRow>(
    url,
    `SELECT source_file, location, legacy_id, reason FROM import_quarantine
     WHERE run_id = (SELECT id FROM import_runs WHERE status = 'completed' ORDER BY finished_at DESC LIMIT 1)
     ORDER BY source_file, location`,
  );

/** The example store plus one record of each dirty kind, written as text (exact numbers kept). */
async function writeDirtyStore(dir: string): Promise<void> {
  await cp(EXAMPLE, dir, { recursive: true });
  const edit = async (file: string, change: (text: string) => string) => {
    const full = path.join(dir, file);
    const before = await readFile(full, 'utf8');
    const after = change(before);
    if (after === before) throw new Error(`test setup: ${file} unchanged`);
    await writeFile(full, after);
  };
  await edit('wallet-db.json', (text) =>
    text
      // A transaction naming no opportunity, first in an imported user's list.
      .replace(
        '"transactions":[{"id":"tx_10d35288c9"',
        '"transactions":[{"id":"tx_ghostopp","type":"investment","amount":"10.00","currency":"USDC","status":"completed","txHash":null,"opportunityId":"opp_ghost","createdAt":"2024-07-02T00:00:00Z"},{"id":"tx_10d35288c9"',
      )
      .replace(
        /\n\}\}\s*$/,
        // A bad EIP-55 checksum, and a phone that normalises to usr_f21486ed's.
        ',\n"usr_badsum":{"id":"usr_badsum","phone":"+14155550199","walletAddress":"0x52908400098527886E0F7030069857D2e4169eE8","tier":"basic","status":"active","createdAt":1700000000000,"transactions":[{"id":"tx_of_badsum","type":"deposit","amount":5,"currency":"USDC","status":"completed","txHash":null,"opportunityId":null,"createdAt":1700000001000}]}' +
          ',\n"usr_dupphone":{"id":"usr_dupphone","phone":"49 776 765 28417","walletAddress":"0x1111111111111111111111111111111111111111","tier":"gold","status":"active","createdAt":"2024-05-05T00:00:00Z"}\n}}\n',
      ),
  );
  await edit('admin-opportunities.json', (text) =>
    text.replace(
      '"investments":[{"id":"inv_6f825688"',
      '"investments":[{"id":"inv_ghostuser","userId":"usr_ghost","amount":"100.00","tokens":"10","status":"pending","txHash":null,"createdAt":"2024-03-01T00:00:00Z","agreement":null},{"id":"inv_6f825688"',
    ),
  );
  await edit('metadata.json', (text) =>
    text.replace(
      '"kyc": {',
      '"kyc": {\n    "usr_ghost": {"applicationId": "kyc_ghost", "status": "pending", "level": 1, "submittedAt": "2024-01-01T00:00:00Z", "documents": []},',
    ),
  );
  // An old entry without a timestamp at position 3: the id-less entries after it keep #4, #5…
  await edit('admin-logs.json', (text) => {
    const lines = text.split('\n');
    lines.splice(4, 0, '{"admin":"ops@pend.example","action":"kyc.approve","details":{"note":"no timestamp"}},');
    return lines.join('\n');
  });
  await writeFile(
    path.join(dir, 'explorer-data', 'scan-truncated.json'),
    '{"chainId":137,"contractAddress":"0x2d940121bbe2170c77c2674c6ba704b77bb29b3a","contractName":"PendAssetToken","events":[{"blockNumber":1,"blockHash":"0x',
  );
}

describe('npm run db:rollback (database → legacy store → fresh database)', () => {
  let root: string;
  const databases: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'pend-rollback-'));
  });

  afterAll(async () => {
    for (const url of databases) await dropTestDatabase(url);
    await rm(root, { recursive: true, force: true });
  });

  async function database(): Promise<string> {
    const url = await createTestDatabase();
    databases.push(url);
    return url;
  }

  it(
    'exports the example store so that importing it into an empty database gives the same rows, quarantine put back',
    async () => {
      const store = path.join(root, 'dirty');
      await writeDirtyStore(store);
      const a = await database();
      await importStore(store, a);
      const quarantinedA = await latestQuarantine(a);
      expect(quarantinedA.map((q) => q.legacy_id ?? q.location)).toEqual(
        expect.arrayContaining(['#3', 'inv_ghostuser', 'kyc_ghost', 'tx_ghostopp', 'usr_badsum', 'usr_dupphone']),
      );
      expect(quarantinedA.some((q) => q.source_file === 'explorer-data/scan-truncated.json')).toBe(true);

      const out = path.join(root, 'rolled-back');
      const printed = await rollback(out, a, '--batch-size', '5');
      expect(printed).toMatch(/Quarantine of import run .*: \d+ re-emitted at their place, \d+ in quarantine\//);
      const files = (await readdir(out, { recursive: true })).map(String).sort();
      expect(files).toEqual(expect.arrayContaining(['wallet-db.json', 'admin-opportunities.json', 'admin-logs.json', 'metadata.json']));
      expect(files.filter((f) => /^explorer-data\/.+\.json$/.test(f))).toHaveLength(3);

      // FORMAT.md's shapes: money as decimal strings, ISO timestamps, explorer seconds, id-less old logs.
      const wallet = JSON.parse(await readFile(path.join(out, 'wallet-db.json'), 'utf8'));
      expect(wallet.schemaVersion).toBe(2);
      expect(wallet.users.usr_f21486ed.transactions.find((t: { id: string }) => t.id === 'tx_bigexact').amount).toBe(
        '12345678901234567.89',
      );
      expect(wallet.users.usr_f21486ed.lastLoginAt).toBe(new Date(1708262743823).toISOString());
      expect(wallet.users.usr_7ee38975.transactions[0].id).toBe('tx_ghostopp');
      expect(wallet.users.usr_badsum.walletAddress).toBe('0x52908400098527886E0F7030069857D2e4169eE8');
      const logs = JSON.parse(await readFile(path.join(out, 'admin-logs.json'), 'utf8'));
      expect(logs).toHaveLength(25);
      expect(logs.slice(0, 10).every((log: { id?: string }) => log.id === undefined)).toBe(true);
      expect(logs[3]).toEqual({ admin: 'ops@pend.example', action: 'kyc.approve', details: { note: 'no timestamp' } });
      const metadata = JSON.parse(await readFile(path.join(out, 'metadata.json'), 'utf8'));
      expect(metadata.kyc.usr_ghost.applicationId).toBe('kyc_ghost');
      expect(metadata.admins.find((admin: { email: string }) => admin.email === 'ops@pend.example').passwordHash).toMatch(/^\$2b\$10\$/);
      const scan = JSON.parse(
        await readFile(
          path.join(
            out,
            files.find((f) => f.startsWith('explorer-data/'))!,
          ),
          'utf8',
        ),
      );
      expect(scan.events[0].timestamp).toBeLessThan(1e10);

      // What cannot go back at its place is in quarantine/ side files, not lost.
      const investmentsAside = await readFile(path.join(out, 'quarantine', 'admin-opportunities.json.jsonl'), 'utf8');
      expect(JSON.parse(investmentsAside.trim()).legacyId).toBe('inv_ghostuser');
      const explorerAside = await readFile(path.join(out, 'quarantine', 'explorer-data', 'scan-truncated.json.jsonl'), 'utf8');
      expect(JSON.parse(explorerAside.trim().split('\n')[0])).toMatchObject({ file: 'explorer-data/scan-truncated.json' });

      const b = await database();
      await importStore(out, b);
      expect(await snapshot(b)).toEqual(await snapshot(a));
      const quarantinedB = await latestQuarantine(b);
      const aside = new Set(['admin-opportunities.json', 'explorer-data/scan-truncated.json']);
      expect(quarantinedB).toEqual(quarantinedA.filter((q) => !aside.has(q.source_file)));
      expect((await snapshot(a)).users).toHaveLength(12);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'gives rows the new platform created (no legacy id) a legacy id from their uuid, and re-imports them',
    async () => {
      const a = await database();
      await importStore(EXAMPLE, a);
      const [user] = await query<{ id: string }>(
        a,
        `INSERT INTO users (phone_e164, phone_hash, blockchain_address, status, created_at)
       VALUES ('+447700900123', encode(sha256('+447700900123'), 'hex'), '0x52908400098527886E0F7030069857D2E4169EE7', 'active', '2025-01-02T03:04:05.678901Z')
       RETURNING id`,
      );
      const [tx] = await query<{ id: string }>(
        a,
        `INSERT INTO transactions (user_id, type, amount, status, asset_id, created_at)
       VALUES ('${user.id}', 'investment', 0.000001, 'completed', (SELECT id FROM assets ORDER BY legacy_id LIMIT 1), now()) RETURNING id`,
      );
      const [log] = await query<{ id: string }>(
        a,
        `INSERT INTO admin_logs (admin_email, action, target_type, target_id, details, "timestamp")
       VALUES ('ops@pend.example', 'user.suspend', 'user', '${user.id}', '{"big": 123456789012345678901234567890}', now()) RETURNING id`,
      );
      const hex = (uuid: string) => uuid.replace(/-/g, '');

      const out = path.join(root, 'new-rows');
      await rollback(out, a);
      const b = await database();
      await importStore(out, b);
      expect(await latestQuarantine(b)).toEqual([]);
      const [userB] = await query(
        b,
        `SELECT phone_e164, blockchain_address, created_at FROM users WHERE legacy_id = 'usr_${hex(user.id)}'`,
      );
      expect(userB).toEqual({
        phone_e164: '+447700900123',
        blockchain_address: '0x52908400098527886E0F7030069857D2E4169EE7',
        created_at: expect.any(Date),
      });
      const [exact] = await query<{ same: boolean }>(
        b,
        `SELECT created_at = '2025-01-02T03:04:05.678901Z' AS same FROM users WHERE legacy_id = 'usr_${hex(user.id)}'`,
      );
      expect(exact.same).toBe(true);
      const [txB] = await query(
        b,
        `SELECT t.amount, u.legacy_id AS user FROM transactions t JOIN users u ON u.id = t.user_id WHERE t.legacy_id = 'tx_${hex(tx.id)}'`,
      );
      expect(txB).toEqual({ amount: '0.000001', user: `usr_${hex(user.id)}` });
      const [logB] = await query(b, `SELECT action, details::text AS details FROM admin_logs WHERE legacy_id = 'log_${hex(log.id)}'`);
      expect(logB).toEqual({ action: 'user.suspend', details: '{"big": 123456789012345678901234567890}' });
      // Everything that came from the store is unchanged.
      const [before, after] = [await snapshot(a), await snapshot(b)];
      expect(after.assets).toEqual(before.assets);
      expect(after.kyc_documents).toEqual(before.kyc_documents);
      expect(after.users.filter((row: any) => !String(row.legacy_id).startsWith(`usr_${hex(user.id)}`))).toEqual(
        before.users.filter((row: any) => row.legacy_id !== null),
      );
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'writes v1 users (phone hash only) back as v1 entries beside v2 users, old wrapped admin logs as the array, and refuses a non-empty folder',
    async () => {
      const generator = path.join(DIST, 'cli/generate-store.cli.js');
      const v2 = path.join(root, 'gen-v2');
      const v1 = path.join(root, 'gen-v1');
      await run(process.execPath, [
        generator,
        '--out',
        v2,
        '--users',
        '25',
        '--transactions-per-user',
        '2',
        '--events-per-contract',
        '20',
        '--seed',
        'r2',
      ]);
      await run(process.execPath, [
        generator,
        '--out',
        v1,
        '--users',
        '10',
        '--wallet-format',
        'v1',
        '--admin-logs-form',
        'wrapped',
        '--seed',
        'r1',
      ]);
      await rm(path.join(v1, 'metadata.json'));
      const a = await database();
      await importStore(v2, a);
      await importStore(v1, a);
      expect(await latestQuarantine(a)).toEqual([]);

      const out = path.join(root, 'gen-rolled-back');
      await rollback(out, a);
      const wallet = JSON.parse(await readFile(path.join(out, 'wallet-db.json'), 'utf8'));
      expect(Object.keys(wallet.users)).toHaveLength(25);
      expect(Object.keys(wallet).filter((key) => /^[0-9a-f]{64}$/.test(key))).toHaveLength(10);

      const b = await database();
      await importStore(out, b);
      expect(await latestQuarantine(b)).toEqual([]);
      expect(await snapshot(b)).toEqual(await snapshot(a));

      await expect(rollback(out, a)).rejects.toMatchObject({ stderr: expect.stringContaining('is not empty') });
    },
    CLI_TEST_TIMEOUT,
  );
});
