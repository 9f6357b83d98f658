import bcrypt from 'bcrypt';
import { mkdir, readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { TextSink } from './json-sink';
import { scramble32 } from './prng';
import {
  ADMINS,
  adminLog,
  BASE_BLOCK,
  eventBlock,
  explorerCall,
  explorerEvent,
  hasKyc,
  investment,
  isoTimestamp,
  kycApplication,
  opportunityContract,
  opportunityHead,
  Salts,
  saltsFor,
  TIERS,
  transaction,
  userCreatedMs,
  userHead,
  userId,
} from './records';

export interface GeneratorOptions {
  out: string;
  users: number;
  transactionsPerUser: number;
  seed: string;
  opportunities: number;
  /** Investments over all opportunities. */
  investments: number;
  kycPercent: number;
  adminLogs: number;
  /** Contracts scanned in explorer-data (taken from the opportunities that have one). */
  contracts: number;
  eventsPerContract: number;
  scansPerContract: number;
  walletFormat: 'v1' | 'v2';
  adminLogsForm: 'array' | 'wrapped';
  /** Replace the store files when `out` is not empty. */
  force: boolean;
  onProgress?: (file: string, records: number) => void;
}

/** What the store holds, in the shape of example.counts.json (distinct rows an import must give). */
export interface GeneratedCounts {
  users: number;
  transactions: number;
  assets: number;
  investments: number;
  agreements: number;
  kycApplications: number;
  kycDocuments: number;
  adminUsers: number;
  adminLogs: number;
  blockchainEvents: number;
  contractInteractions: number;
  tiers: number;
  quarantined: never[];
  /** Events written, counting the copies in overlapping scans. */
  eventsWritten: number;
  bytes: Record<string, number>;
}

export function defaultOptions(partial: Partial<GeneratorOptions> & { out: string }): GeneratorOptions {
  const users = partial.users ?? 1000;
  return {
    users,
    transactionsPerUser: 5,
    seed: 'pend',
    opportunities: 12,
    investments: Math.ceil(users / 5),
    kycPercent: 10,
    adminLogs: Math.max(8, Math.ceil(users / 20)),
    contracts: 3,
    eventsPerContract: Math.max(10, Math.ceil(users / 30)),
    scansPerContract: 3,
    walletFormat: 'v2',
    adminLogsForm: 'array',
    force: false,
    ...partial,
  };
}

const PROGRESS_EVERY = 100_000;

/**
 * Writes a valid legacy store (FORMAT.md) of the given size into `options.out`, streaming every
 * file with backpressure: memory stays bounded whatever the size, and the same seed and
 * parameters give byte-identical files.
 */
export async function generateLegacyStore(options: GeneratorOptions): Promise<GeneratedCounts> {
  validate(options);
  if (options.walletFormat === 'v1') {
    // v1 users are keyed by their phone hash: nothing else can name them.
    options = { ...options, transactionsPerUser: 0, investments: 0, kycPercent: 0 };
  }
  await prepareDirectory(options.out, options.force);
  const salts = saltsFor(options.seed);
  const counts: GeneratedCounts = {
    users: 0,
    transactions: 0,
    assets: 0,
    investments: 0,
    agreements: 0,
    kycApplications: 0,
    kycDocuments: 0,
    adminUsers: ADMINS.length,
    adminLogs: 0,
    blockchainEvents: 0,
    contractInteractions: 0,
    tiers: TIERS.length,
    quarantined: [],
    eventsWritten: 0,
    bytes: {},
  };
  await writeWalletDb(options, salts, counts);
  await writeOpportunities(options, salts, counts);
  await writeAdminLogs(options, salts, counts);
  const lastBlocks = await writeExplorerData(options, salts, counts);
  await writeMetadata(options, salts, counts, lastBlocks);
  return counts;
}

function validate(options: GeneratorOptions): void {
  const integers: Array<keyof GeneratorOptions> = [
    'users',
    'transactionsPerUser',
    'opportunities',
    'investments',
    'kycPercent',
    'adminLogs',
    'contracts',
    'eventsPerContract',
    'scansPerContract',
  ];
  for (const key of integers) {
    const value = options[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw new Error(`--${kebab(key)} must be a non-negative integer`);
  }
  if (options.kycPercent > 100) throw new Error('--kyc-percent must be at most 100');
  if (options.investments > 0 && (options.users === 0 || options.opportunities === 0)) {
    throw new Error('--investments needs at least one user and one opportunity');
  }
  if (options.scansPerContract < 1) throw new Error('--scans-per-contract must be at least 1');
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

async function prepareDirectory(out: string, force: boolean): Promise<void> {
  await mkdir(out, { recursive: true });
  const existing = await readdir(out);
  if (existing.length === 0) return;
  if (!force) throw new Error(`${out} is not empty (pass --force to replace the store files in it)`);
  for (const name of ['wallet-db.json', 'admin-opportunities.json', 'admin-logs.json', 'metadata.json', 'explorer-data']) {
    await rm(path.join(out, name), { recursive: true, force: true });
  }
}

async function writeWalletDb(options: GeneratorOptions, salts: Salts, counts: GeneratedCounts): Promise<void> {
  const file = 'wallet-db.json';
  const sink = new TextSink(path.join(options.out, file));
  const perUser = options.transactionsPerUser;
  if (options.walletFormat === 'v1') {
    await sink.write('{');
    for (let i = 0; i < options.users; i++) {
      const user = userHead(salts, i);
      await sink.write(`${i === 0 ? '' : ','}\n"${user.phoneHash}":"${user.wallet}"`);
      counts.users++;
      if (counts.users % PROGRESS_EVERY === 0) options.onProgress?.(file, counts.users);
    }
    await sink.write('\n}\n');
  } else {
    await sink.write('{"schemaVersion":2,"updatedAt":"2025-06-30T23:59:12.345Z","users":{');
    for (let i = 0; i < options.users; i++) {
      const user = userHead(salts, i);
      let text = `${i === 0 ? '' : ','}\n"${user.id}":${user.text}`;
      // A user without transactions sometimes has no `transactions` key at all.
      if (perUser > 0 || i % 3 !== 0) {
        const created = userCreatedMs(salts, i);
        text += ',"transactions":[';
        for (let t = 0; t < perUser; t++) {
          text += (t === 0 ? '' : ',') + transaction(salts, i * perUser + t, created, options.opportunities);
        }
        text += ']';
      }
      await sink.write(`${text}}`);
      counts.users++;
      counts.transactions += perUser;
      if (counts.users % PROGRESS_EVERY === 0) options.onProgress?.(file, counts.users);
    }
    await sink.write('\n}}\n');
  }
  await sink.close();
  counts.bytes[file] = sink.bytes;
}

/** Investment k belongs to opportunity k % opportunities. */
function investmentsOf(options: GeneratorOptions, o: number): number {
  if (o >= options.investments) return 0;
  return Math.floor((options.investments - 1 - o) / options.opportunities) + 1;
}

async function writeOpportunities(options: GeneratorOptions, salts: Salts, counts: GeneratedCounts): Promise<void> {
  const file = 'admin-opportunities.json';
  const sink = new TextSink(path.join(options.out, file));
  await sink.write('{"opportunities":[');
  for (let o = 0; o < options.opportunities; o++) {
    const count = investmentsOf(options, o);
    await sink.write(`${o === 0 ? '' : ','}\n${opportunityHead(salts, o, count)},"investments":[`);
    for (let n = 0; n < count; n++) {
      const text = investment(salts, o + n * options.opportunities, options.users);
      if (!text.endsWith('"agreement":null}')) counts.agreements++;
      await sink.write(`${n === 0 ? '' : ','}\n${text}`);
      counts.investments++;
      if (counts.investments % PROGRESS_EVERY === 0) options.onProgress?.(file, counts.investments);
    }
    await sink.write(']}');
    counts.assets++;
  }
  await sink.write('\n]}\n');
  await sink.close();
  counts.bytes[file] = sink.bytes;
}

async function writeAdminLogs(options: GeneratorOptions, salts: Salts, counts: GeneratedCounts): Promise<void> {
  const file = 'admin-logs.json';
  const sink = new TextSink(path.join(options.out, file));
  const wrapped = options.adminLogsForm === 'wrapped';
  await sink.write(wrapped ? '{"logs":[' : '[');
  for (let k = 0; k < options.adminLogs; k++) {
    await sink.write(`${k === 0 ? '' : ','}\n${adminLog(salts, k, options.adminLogs, options.users, wrapped)}`);
    counts.adminLogs++;
  }
  await sink.write(wrapped ? '\n]}\n' : '\n]\n');
  await sink.close();
  counts.bytes[file] = sink.bytes;
}

/** The opportunities whose contracts the scans cover. */
function scannedContracts(options: GeneratorOptions, salts: Salts): Array<{ o: number; address: string; chainId: number }> {
  const contracts: Array<{ o: number; address: string; chainId: number }> = [];
  for (let o = 0; o < options.opportunities && contracts.length < options.contracts; o++) {
    const address = opportunityContract(salts, o);
    if (address) contracts.push({ o, address, chainId: o % 4 === 3 ? 1 : 137 });
  }
  return contracts;
}

/**
 * One file per scan; scan f of a contract covers its events [f·per − overlap, (f+1)·per), so
 * consecutive scans share ~20 % of their events (same text: records are pure functions).
 */
async function writeExplorerData(options: GeneratorOptions, salts: Salts, counts: GeneratedCounts): Promise<Map<number, number>> {
  const lastBlocks = new Map<number, number>();
  const contracts = scannedContracts(options, salts);
  if (contracts.length === 0) return lastBlocks;
  await mkdir(path.join(options.out, 'explorer-data'), { recursive: true });
  const events = options.eventsPerContract;
  const calls = Math.ceil(events / 3);
  const scans = options.scansPerContract;
  for (let c = 0; c < contracts.length; c++) {
    const { address, chainId } = contracts[c];
    const per = Math.ceil(events / scans);
    const overlap = Math.floor(per / 5);
    for (let f = 0; f < scans; f++) {
      const from = Math.max(0, f * per - overlap);
      const to = Math.min(events, (f + 1) * per);
      const callFrom = Math.ceil(from / 3);
      const callTo = Math.min(calls, Math.ceil(to / 3));
      const fromBlock = from < to ? eventBlock(salts, c, from) : BASE_BLOCK;
      const toBlock = from < to ? eventBlock(salts, c, to - 1) : BASE_BLOCK;
      const file = `explorer-data/scan-${address.slice(2, 8).toLowerCase()}-${f}.json`;
      const sink = new TextSink(path.join(options.out, file));
      await sink.write(
        `{"chainId":${chainId},"contractAddress":"${address}","contractName":"PendAssetToken","fromBlock":${fromBlock},"toBlock":${toBlock},"events":[`,
      );
      for (let e = from; e < to; e++) {
        await sink.write(`${e === from ? '' : ','}\n${explorerEvent(salts, c, e)}`);
        counts.eventsWritten++;
      }
      await sink.write('],"calls":[');
      for (let k = callFrom; k < callTo; k++) await sink.write(`${k === callFrom ? '' : ','}\n${explorerCall(salts, c, k)}`);
      await sink.write(']}\n');
      await sink.close();
      counts.bytes[file] = sink.bytes;
      if (to > from) lastBlocks.set(chainId, Math.max(lastBlocks.get(chainId) ?? 0, toBlock));
    }
    counts.blockchainEvents += events;
    counts.contractInteractions += calls;
  }
  return lastBlocks;
}

/** A bcrypt salt derived from the seed, so the hashes (and the file) are deterministic. */
function bcryptSalt(salts: Salts, n: number): string {
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let digits = '';
  for (let i = 0; i < 21; i++) digits += alphabet[scramble32(n * 32 + i, salts.seed) % 64];
  // The 22nd character only carries 2 bits.
  return `$2b$04$${digits}${'.Oeu'[scramble32(n * 32 + 21, salts.seed) % 4]}`;
}

async function writeMetadata(
  options: GeneratorOptions,
  salts: Salts,
  counts: GeneratedCounts,
  lastBlocks: Map<number, number>,
): Promise<void> {
  const file = 'metadata.json';
  const sink = new TextSink(path.join(options.out, file));
  await sink.write(`{\n"tiers":${JSON.stringify(TIERS)},\n"admins":[`);
  for (let a = 0; a < ADMINS.length; a++) {
    const admin = ADMINS[a];
    // Every generated admin's password is "pend-<role>" (bcrypt, cost 4 to keep generation fast).
    const passwordHash = bcrypt.hashSync(`pend-${admin.role}`, bcryptSalt(salts, a));
    await sink.write(
      `${a === 0 ? '' : ','}\n${JSON.stringify({ ...admin, passwordHash, active: true })}`.replace(
        /}$/,
        `,"createdAt":${isoTimestamp(Date.UTC(2021, 10, 1 + a))}}`,
      ),
    );
  }
  await sink.write('],\n"kyc":{');
  let first = true;
  for (let i = 0; i < options.users; i++) {
    if (!hasKyc(salts, i, options.kycPercent)) continue;
    const application = kycApplication(salts, i);
    await sink.write(`${first ? '' : ','}\n"${userId(salts, i)}":${application}`);
    first = false;
    counts.kycApplications++;
    counts.kycDocuments += application.split('"storageKey"').length - 1;
  }
  const scanner = [...lastBlocks].map(([chain, block]) => `"${chain}":${block}`).join(',');
  await sink.write(`\n},\n"scanner":{"lastBlock":{${scanner}}}\n}\n`);
  await sink.close();
  counts.bytes[file] = sink.bytes;
}
