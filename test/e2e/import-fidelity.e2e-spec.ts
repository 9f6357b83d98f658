import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REWRITTEN_BY_LIBPHONENUMBER } from '../../src/common/validation/rewritten-phones';
import { runNpmScript } from '../utils/npm-script';
import { createTestDatabase, dropTestDatabase, queryDatabase } from '../utils/test-database';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.resolve(ROOT, '../shared/legacy-json/example');

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
