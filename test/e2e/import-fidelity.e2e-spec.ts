import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REWRITTEN_BY_LIBPHONENUMBER } from '../../src/common/validation/rewritten-phones';
import { runNpmScript } from '../utils/npm-script';
import { createTestDatabase, dropTestDatabase, queryDatabase } from '../utils/test-database';

const EXAMPLE = path.resolve(__dirname, '../fixtures/legacy/example');

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const digits = (text: string) => text.replace(/\D/g, '');

/** Legacy id → phone as written, for every v2 user of a wallet-db.json. */
function phonesInFile(store: string): Map<string, string> {
  const file = JSON.parse(fs.readFileSync(path.join(store, 'wallet-db.json'), 'utf8')) as { users: Record<string, { phone: string }> };
  return new Map(Object.entries(file.users).map(([id, user]) => [id, user.phone]));
}

describe('importer fidelity (npm run migrate:json)', () => {
  const databases: string[] = [];
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pend-import-fidelity-'));
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
  const storedPhones = async (url: string) =>
    new Map(
      (
        await queryDatabase<{ legacy_id: string; phone_e164: string; phone_hash: string }>(
          url,
          'SELECT legacy_id, phone_e164, phone_hash FROM users',
        )
      ).map((u) => [u.legacy_id, u]),
    );

  it('stores every phone with exactly the digits written, even where libphonenumber reads others, and checks the hash of those digits', async () => {
    const store = path.join(work, 'phones');
    fs.mkdirSync(store);
    const users = REWRITTEN_BY_LIBPHONENUMBER.map(([written, e164], i) => ({
      id: `usr_phone${i}`,
      phone: written,
      // Half carry the hash the old server wrote: of the E.164 digits as written.
      ...(i % 2 === 0 ? { phoneHash: sha256(e164) } : {}),
      walletAddress: `0x${String(i + 1).padStart(40, 'a')}`,
      status: 'active',
    }));
    fs.writeFileSync(
      path.join(store, 'wallet-db.json'),
      JSON.stringify({ schemaVersion: 2, users: Object.fromEntries(users.map((u) => [u.id, u])) }),
    );
    const url = await freshDatabase();
    const result = await runNpmScript('migrate:json', ['--source', store], { DATABASE_URL: url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await queryDatabase(url, 'SELECT legacy_id, reason FROM import_quarantine')).toEqual([]);
    const stored = await storedPhones(url);
    expect(stored.size).toBe(users.length);
    REWRITTEN_BY_LIBPHONENUMBER.forEach(([written, e164], i) => {
      const row = stored.get(`usr_phone${i}`);
      expect(row).toEqual({ legacy_id: `usr_phone${i}`, phone_e164: e164, phone_hash: sha256(e164) });
      expect(digits(row!.phone_e164)).toBe(digits(written));
    });
  });

  it("every imported user of the example store keeps the file's digits", async () => {
    const url = await freshDatabase();
    const result = await runNpmScript('migrate:json', ['--source', EXAMPLE], { DATABASE_URL: url });
    expect(result.code).toBe(0);
    const inFile = phonesInFile(EXAMPLE);
    const stored = await storedPhones(url);
    expect(stored.size).toBeGreaterThan(0);
    for (const [id, row] of stored) {
      expect(inFile.has(id)).toBe(true);
      expect(digits(row.phone_e164)).toBe(digits(inFile.get(id)!));
      expect(row.phone_hash).toBe(sha256(row.phone_e164));
    }
  });

  it('counts in the report, per kind, every value of the records written that is stored in another form than written', async () => {
    const store = path.join(work, 'normalised');
    fs.mkdirSync(store);
    const users = {
      usr_n1: {
        id: 'usr_n1',
        phone: '1 (415) 555-0123',
        walletAddress: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed',
        createdAt: '2024-02-01T00:00:00+02:00',
        lastLoginAt: 1719792000000,
        profile: { country: 'gb' },
        transactions: [{ id: 'tx_n1', type: 'deposit', amount: 1500, txHash: `0x${'AB'.repeat(32)}`, createdAt: '2024-01-11T09:00:00Z' }],
      },
      usr_n2: {
        id: 'usr_n2',
        phone: '+14155550124',
        walletAddress: '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
        createdAt: '2024-03-01T10:00:00.000Z',
        transactions: [{ id: 'tx_n2', type: 'deposit', amount: '10.00', createdAt: '2024-03-01T10:00:00.000Z' }],
      },
      // Quarantined (its hash is of other digits): its values are not stored, so not counted.
      usr_n3: { id: 'usr_n3', phone: '44 20 7946 0958', phoneHash: sha256('+1'), createdAt: 1719792000000 },
    };
    fs.writeFileSync(path.join(store, 'wallet-db.json'), JSON.stringify({ schemaVersion: 2, users }));
    const url = await freshDatabase();
    const reportFile = path.join(work, 'normalised-report.json');
    const result = await runNpmScript('migrate:json', ['--source', store, '--report', reportFile], { DATABASE_URL: url });
    expect(result.code).toBe(0);
    expect(await queryDatabase(url, 'SELECT legacy_id FROM import_quarantine')).toEqual([{ legacy_id: 'usr_n3' }]);
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as { normalised: Record<string, number> };
    expect(report.normalised).toEqual({
      'address: all-lower/upper-case hex to EIP-55 checksum case': 1,
      'country: code uppercased': 1,
      'hash: hex lowercased': 1,
      'money: JSON number to exact decimal text': 1,
      'phone: leading + added': 1,
      'phone: spaces, dashes, dots or brackets removed': 1,
      'timestamp: epoch milliseconds to ISO-8601 UTC': 1,
      'timestamp: ISO-8601 form made canonical (T, milliseconds, Z)': 1,
      'timestamp: offset converted to UTC': 1,
    });
    expect(result.stdout).toContain('normalised: phone: leading + added: 1');
    expect(await queryDatabase(url, `SELECT phone_e164, blockchain_address, created_at FROM users WHERE legacy_id = 'usr_n1'`)).toEqual([
      {
        phone_e164: '+14155550123',
        blockchain_address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
        created_at: new Date('2024-01-31T22:00:00.000Z'),
      },
    ]);
  });

  it('reads a file that starts with a UTF-8 byte-order mark (the mark skipped and noted in the report, once per file)', async () => {
    const store = path.join(work, 'bom');
    fs.mkdirSync(store);
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const users = {
      usr_bom1: { id: 'usr_bom1', phone: '+14155550101', walletAddress: `0x${'b'.repeat(40)}`, tier: 'gold' },
      usr_bom2: { id: 'usr_bom2', phone: '+442079460958', tier: 'basic' },
    };
    fs.writeFileSync(path.join(store, 'wallet-db.json'), Buffer.concat([bom, Buffer.from(JSON.stringify({ schemaVersion: 2, users }))]));
    const metadata = { tiers: [{ name: 'basic' }, { name: 'gold' }], kyc: { usr_bom1: { applicationId: 'kyc_bom1', status: 'pending' } } };
    fs.writeFileSync(path.join(store, 'metadata.json'), Buffer.concat([bom, Buffer.from(JSON.stringify(metadata, null, 2))]));
    const url = await freshDatabase();
    const reportFile = path.join(work, 'bom-report.json');
    const result = await runNpmScript('migrate:json', ['--source', store, '--report', reportFile], { DATABASE_URL: url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await queryDatabase(url, 'SELECT legacy_id, reason FROM import_quarantine')).toEqual([]);
    expect(
      await queryDatabase(
        url,
        'SELECT u.legacy_id, t.name AS tier FROM users u JOIN user_tiers t ON t.id = u.tier_id ORDER BY u.legacy_id',
      ),
    ).toEqual([
      { legacy_id: 'usr_bom1', tier: 'gold' },
      { legacy_id: 'usr_bom2', tier: 'basic' },
    ]);
    expect(await queryDatabase(url, 'SELECT legacy_id FROM kyc_applications')).toEqual([{ legacy_id: 'kyc_bom1' }]);
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as { fileNotes: unknown };
    // metadata.json is read in two passes (tiers, then KYC): still one note.
    expect(report.fileNotes).toEqual([
      { file: 'metadata.json', note: 'UTF-8 byte-order mark (EF BB BF) at the start of the file skipped' },
      { file: 'wallet-db.json', note: 'UTF-8 byte-order mark (EF BB BF) at the start of the file skipped' },
    ]);
    expect(result.stdout).toContain('note: wallet-db.json: UTF-8 byte-order mark (EF BB BF) at the start of the file skipped');
  });

  it('refuses a UTF-16 or UTF-32 file as a whole with one quarantine entry naming the encoding (byte-order mark or NUL-interleaved), and imports the rest', async () => {
    const store = path.join(work, 'utf16');
    fs.mkdirSync(path.join(store, 'explorer-data'), { recursive: true });
    const users = { usr_w1: { id: 'usr_w1', phone: '+14155550102' }, usr_w2: { id: 'usr_w2', phone: '+14155550103' } };
    const walletDb = JSON.stringify({ schemaVersion: 2, users });
    const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
    // UTF-16LE with its byte-order mark (what Windows "Unicode" writes).
    fs.writeFileSync(path.join(store, 'wallet-db.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(walletDb, 'utf16le')]));
    // UTF-16BE without a mark: only the NUL bytes give it away.
    const logs = [{ id: 'log_a', timestamp: '2024-02-03T12:05:00Z', action: 'kyc.approve' }];
    fs.writeFileSync(path.join(store, 'admin-logs.json'), utf16be(JSON.stringify(logs)));
    // UTF-16LE without a mark.
    const scan = { chainId: 137, contractAddress: `0x${'c'.repeat(40)}`, events: [], calls: [] };
    fs.writeFileSync(path.join(store, 'explorer-data', 'scan.json'), Buffer.from(JSON.stringify(scan), 'utf16le'));
    // UTF-32LE with its mark.
    const utf32le = Buffer.alloc(4 * (1 + JSON.stringify({ tiers: [{ name: 'basic' }] }).length));
    [0xfeff, ...[...JSON.stringify({ tiers: [{ name: 'basic' }] })].map((c) => c.codePointAt(0)!)].forEach((code, i) =>
      utf32le.writeUInt32LE(code, i * 4),
    );
    fs.writeFileSync(path.join(store, 'metadata.json'), utf32le);
    // One good file: the refused ones do not stop it.
    const opportunities = { opportunities: [{ id: 'opp_ok', name: 'Fine', category: 'venture', targetAmount: '100.00' }] };
    fs.writeFileSync(path.join(store, 'admin-opportunities.json'), JSON.stringify(opportunities));

    const url = await freshDatabase();
    const result = await runNpmScript('migrate:json', ['--source', store], { DATABASE_URL: url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const quarantine = await queryDatabase<{ source_file: string; location: string; reason: string; raw: string }>(
      url,
      'SELECT source_file, location, reason, raw FROM import_quarantine ORDER BY source_file',
    );
    const fix = (encoding: string) => `convert it to UTF-8 (iconv -f ${encoding} -t UTF-8) and import again`;
    expect(quarantine.map(({ raw: _raw, ...entry }) => entry)).toEqual([
      {
        source_file: 'admin-logs.json',
        location: 'byte 0',
        reason: `file is UTF-16BE (NUL bytes before each character), not UTF-8: no record of it was imported; ${fix('UTF-16BE')}`,
      },
      {
        source_file: 'explorer-data/scan.json',
        location: 'byte 0',
        reason: `file is UTF-16LE (NUL bytes after each character), not UTF-8: no record of it was imported; ${fix('UTF-16LE')}`,
      },
      {
        source_file: 'metadata.json',
        location: 'byte 0',
        reason: `file is UTF-32LE (byte-order mark FF FE 00 00), not UTF-8: no record of it was imported; ${fix('UTF-32LE')}`,
      },
      {
        source_file: 'wallet-db.json',
        location: 'byte 0',
        reason: `file is UTF-16LE (byte-order mark FF FE), not UTF-8: no record of it was imported; ${fix('UTF-16LE')}`,
      },
    ]);
    // The file's text is kept, decoded, so it can be fixed and imported again.
    expect(quarantine.find((q) => q.source_file === 'wallet-db.json')?.raw).toBe(walletDb);
    expect(quarantine.find((q) => q.source_file === 'admin-logs.json')?.raw).toBe(JSON.stringify(logs));
    expect(await queryDatabase(url, 'SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }]);
    expect(await queryDatabase(url, 'SELECT count(*)::int AS n FROM admin_logs')).toEqual([{ n: 0 }]);
    expect(await queryDatabase(url, 'SELECT legacy_id FROM assets')).toEqual([{ legacy_id: 'opp_ok' }]);
  });

  it('refuses (non-zero, naming the files it looked for) a source folder with no legacy file in it', async () => {
    const url = await freshDatabase();
    const empty = path.join(work, 'empty');
    fs.mkdirSync(path.join(empty, 'explorer-data'), { recursive: true });
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'not a store');
    const result = await runNpmScript('migrate:json', ['--source', empty], { DATABASE_URL: url });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /none of wallet-db\.json, admin-opportunities\.json, admin-logs\.json, metadata\.json, explorer-data\/\*\.json/,
    );
    expect(await queryDatabase(url, 'SELECT 1 FROM import_runs')).toEqual([]);
  });
});
