import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { getAddress, isAddress } from 'viem';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../../dist/src/cli/generate-store.cli.js');
/** Each test runs the generator CLI (a child process) up to three times. */
const CLI_TEST_TIMEOUT = 180_000;
const FLAGS = [
  '--users',
  '60',
  '--transactions-per-user',
  '4',
  '--investments',
  '25',
  '--kyc-percent',
  '30',
  '--admin-logs',
  '16',
  '--events-per-contract',
  '30',
];

async function generate(out: string, ...extra: string[]) {
  const { stdout } = await run(process.execPath, [CLI, '--out', out, ...FLAGS, ...extra]);
  return JSON.parse(stdout) as Record<string, number>;
}

async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full), await readFile(full));
  }
  return files;
}

const json = async (dir: string, file: string) => JSON.parse(await readFile(path.join(dir, file), 'utf8'));
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('legacy store generator (npm run legacy:generate)', () => {
  let root: string;
  let store: string;
  let counts: Record<string, number>;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'pend-rollback-gen-'));
    store = path.join(root, 'a');
    counts = await generate(store, '--seed', 's1');
  }, CLI_TEST_TIMEOUT);

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  }, CLI_TEST_TIMEOUT);

  it(
    'writes byte-identical files for the same seed, different files for another seed',
    async () => {
      await generate(path.join(root, 'b'), '--seed', 's1');
      await generate(path.join(root, 'c'), '--seed', 's2');
      const a = await filesOf(store);
      const b = await filesOf(path.join(root, 'b'));
      const c = await filesOf(path.join(root, 'c'));
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      expect(a.size).toBeGreaterThanOrEqual(5);
      for (const [name, bytes] of a) expect(bytes.equals(b.get(name)!)).toBe(true);
      expect(a.get('wallet-db.json')!.equals(c.get('wallet-db.json') ?? Buffer.alloc(0))).toBe(false);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'refuses a non-empty output folder without --force',
    async () => {
      await expect(generate(store, '--seed', 's1')).rejects.toMatchObject({ stderr: expect.stringContaining('not empty') });
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'writes wallet-db.json v2 users that follow FORMAT.md',
    async () => {
      const wallet = await json(store, 'wallet-db.json');
      expect(wallet.schemaVersion).toBe(2);
      const users = Object.entries<Record<string, any>>(wallet.users);
      expect(users).toHaveLength(counts.users);
      const phones = new Set<string>();
      const wallets = new Set<string>();
      let transactions = 0;
      const forms = { nonE164: 0, hashMissing: 0, lowercase: 0, checksummed: 0, msTimestamp: 0, numberAmount: 0 };
      const text = await readFile(path.join(store, 'wallet-db.json'), 'utf8');
      forms.numberAmount = (text.match(/"amount":\d/g) ?? []).length;
      for (const [key, user] of users) {
        expect(user.id).toBe(key);
        const parsed = parsePhoneNumberFromString(`+${user.phone.replace(/\D/g, '')}`);
        expect(parsed?.isValid()).toBe(true);
        const e164 = parsed!.number;
        if (user.phone !== e164) forms.nonE164++;
        if (user.phoneHash === undefined) forms.hashMissing++;
        else expect(user.phoneHash).toBe(sha256(e164));
        expect(isAddress(user.walletAddress)).toBe(true);
        if (user.walletAddress === user.walletAddress.toLowerCase()) forms.lowercase++;
        else {
          expect(user.walletAddress).toBe(getAddress(user.walletAddress));
          forms.checksummed++;
        }
        if (typeof user.createdAt === 'number') forms.msTimestamp++;
        phones.add(e164);
        wallets.add(user.walletAddress.toLowerCase());
        for (const tx of user.transactions ?? []) {
          transactions++;
          expect(String(tx.amount)).toMatch(/^\d+(\.\d{1,2})?$/);
          expect(['deposit', 'withdrawal', 'investment', 'distribution', 'fee', 'refund']).toContain(tx.type);
          expect(tx.opportunityId === null).toBe(!['investment', 'distribution', 'refund'].includes(tx.type));
        }
      }
      expect(phones.size).toBe(users.length);
      expect(wallets.size).toBe(users.length);
      expect(transactions).toBe(counts.transactions);
      for (const seen of Object.values(forms)) expect(seen).toBeGreaterThan(0);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'writes opportunities, metadata, admin logs and explorer scans whose references resolve',
    async () => {
      const users = new Set(Object.keys((await json(store, 'wallet-db.json')).users));
      const { opportunities } = await json(store, 'admin-opportunities.json');
      expect(opportunities).toHaveLength(counts.assets);
      const investments = opportunities.flatMap((o: any) => o.investments);
      expect(investments).toHaveLength(counts.investments);
      for (const inv of investments) expect(users.has(inv.userId)).toBe(true);
      for (const o of opportunities) {
        const confirmed = o.investments.filter((i: any) => i.status === 'confirmed').reduce((s: number, i: any) => s + Number(i.amount), 0);
        expect(confirmed).toBeLessThanOrEqual(Number(o.targetAmount));
      }
      expect(investments.filter((i: any) => i.agreement).length).toBe(counts.agreements);

      const metadata = await json(store, 'metadata.json');
      expect(metadata.tiers.map((t: any) => t.name)).toEqual(['basic', 'silver', 'gold', 'platinum']);
      expect(metadata.admins).toHaveLength(counts.adminUsers);
      for (const admin of metadata.admins) expect(admin.passwordHash).toMatch(/^\$2b\$\d\d\$[./A-Za-z0-9]{53}$/);
      const kyc = Object.entries<any>(metadata.kyc);
      expect(kyc).toHaveLength(counts.kycApplications);
      for (const [userId] of kyc) expect(users.has(userId)).toBe(true);

      const logs = await json(store, 'admin-logs.json');
      expect(logs).toHaveLength(counts.adminLogs);
      expect(logs[0].id).toBeUndefined();
      expect(logs[logs.length - 1].id).toMatch(/^log_/);

      const keys = new Set<string>();
      let written = 0;
      for (const file of await readdir(path.join(store, 'explorer-data'))) {
        const scan = await json(store, `explorer-data/${file}`);
        for (const event of scan.events) {
          written++;
          expect(Number.isInteger(event.timestamp) && event.timestamp < 1e10).toBe(true);
          keys.add(`${scan.chainId}:${event.transactionHash}:${event.logIndex}`);
        }
        expect(metadata.scanner.lastBlock[String(scan.chainId)]).toBeGreaterThanOrEqual(scan.toBlock);
      }
      expect(keys.size).toBe(counts.blockchainEvents);
      expect(written).toBeGreaterThan(keys.size);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'writes the v1 flat map and the wrapped admin-logs form on request',
    async () => {
      const out = path.join(root, 'v1');
      await generate(out, '--wallet-format', 'v1', '--admin-logs-form', 'wrapped');
      const wallet = await json(out, 'wallet-db.json');
      const entries = Object.entries<string>(wallet);
      expect(entries).toHaveLength(60);
      for (const [hash, address] of entries) {
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        expect(isAddress(address)).toBe(true);
      }
      const logs = await json(out, 'admin-logs.json');
      expect(logs.logs).toHaveLength(16);
      expect(Object.keys(logs.logs[0]).sort()).toEqual(['action', 'data', 'timestamp']);
    },
    CLI_TEST_TIMEOUT,
  );
});
