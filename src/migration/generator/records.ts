import { createHash } from 'node:crypto';
import { getAddress } from 'viem';
import { hashString, hex32, Rng, scramble32 } from './prng';

/** Record kinds: each one seeds its own generator streams. */
export const Kind = {
  User: 1,
  Transaction: 2,
  Opportunity: 3,
  Investment: 4,
  Kyc: 5,
  AdminLog: 6,
  Event: 7,
  Call: 8,
} as const;

export const TIERS = [
  { name: 'basic', minTotalInvested: '0', maxSingleInvestment: '1000.00', benefits: ['Standard support'] },
  { name: 'silver', minTotalInvested: '5000.00', maxSingleInvestment: '10000.00', benefits: ['Priority support', 'Early access'] },
  { name: 'gold', minTotalInvested: '25000.00', maxSingleInvestment: '50000.00', benefits: ['Priority support', 'Early access'] },
  { name: 'platinum', minTotalInvested: '100000.00', maxSingleInvestment: null, benefits: ['Dedicated manager', 'Early access'] },
];

export const ADMINS = [
  { email: 'ops@pend.example', name: 'Ops Team', role: 'superadmin', permissions: ['*'] },
  { email: 'compliance@pend.example', name: 'Compliance Team', role: 'compliance', permissions: ['kyc:read', 'kyc:review', 'users:read'] },
  { email: 'support@pend.example', name: 'Support Team', role: 'support', permissions: ['users:read', 'investments:read'] },
  { email: 'analyst@pend.example', name: 'Analyst Team', role: 'analyst', permissions: ['analytics:read', 'assets:read'] },
];
/** Named by old audit entries, no longer an admin: the importer must keep those entries. */
export const FORMER_ADMIN = 'former.employee@pend.example';

/**
 * Phone number spaces, all valid for libphonenumber: `+<cc><prefix>` then `digits` digits
 * (at least `min`). User #i gets space i % n and a number that is a bijection of i / n, so
 * every user has a distinct phone.
 */
const PHONE_SPACES = [
  { cc: '44', prefix: '74', digits: 8, min: 0, country: 'GB', language: 'en' },
  { cc: '1', prefix: '212', digits: 7, min: 2_000_000, country: 'US', language: 'en' },
  { cc: '49', prefix: '151', digits: 8, min: 0, country: 'DE', language: 'de' },
  { cc: '33', prefix: '6', digits: 8, min: 0, country: 'FR', language: 'fr' },
  { cc: '55', prefix: '119', digits: 8, min: 0, country: 'BR', language: 'pt' },
  { cc: '61', prefix: '4', digits: 8, min: 0, country: 'AU', language: 'en' },
  { cc: '91', prefix: '9', digits: 9, min: 0, country: 'IN', language: 'en' },
  { cc: '1', prefix: '415', digits: 7, min: 2_000_000, country: 'US', language: 'es' },
] as const;

const FIRST_NAMES = [
  'Ada',
  'Chen',
  'José',
  'Fatima',
  'Olu',
  'Mateus',
  'Zoë',
  'Priya',
  'Sven',
  'Aiko',
  'Grace',
  'Dmitri',
  'Amara',
  'Łukasz',
];
const LAST_NAMES = [
  "O'Brien",
  'Al-Sayed',
  'Turing',
  'Silva',
  'Lovelace',
  'Nakamura',
  'Müller',
  'Okafor',
  'Kowalski',
  'Petrov',
  'Dubois',
  'Singh',
];
const DAY = 86_400_000;
export const EPOCH_START = Date.UTC(2022, 0, 1);
export const EPOCH_SPAN = Date.UTC(2025, 3, 1) - EPOCH_START;
const Y2024 = Date.UTC(2024, 0, 1);

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** An address: all lowercase or EIP-55 checksummed (viem), chosen by `rng`. */
export function address(rng: Rng, checksummedShare = 0.55): string {
  const lower = `0x${rng.hex(20)}`;
  return rng.chance(checksummedShare) ? getAddress(lower) : lower;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** An instant as the legacy files wrote it: ms number before 2024, then ISO with `Z` or an offset. */
export function legacyTimestamp(rng: Rng, ms: number): string {
  if (ms < Y2024) return String(ms);
  const form = rng.int(10);
  if (form < 7) return JSON.stringify(new Date(ms).toISOString());
  const offsetMinutes = form === 7 ? 0 : form === 8 ? 120 : -300;
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `"${local}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}"`;
}

export function isoTimestamp(ms: number): string {
  return JSON.stringify(new Date(ms).toISOString());
}

/** Cents as a money literal: a decimal string, or (old records) a JSON number from its exact text. */
export function money(rng: Rng, cents: number, numberShare = 0.25): string {
  const whole = Math.floor(cents / 100);
  const frac = cents % 100;
  if (rng.chance(numberShare)) {
    if (frac === 0) return String(whole);
    return `${whole}.${frac % 10 === 0 ? String(frac / 10) : pad2(frac)}`;
  }
  return `"${whole}.${pad2(frac)}"`;
}

export interface Salts {
  seed: number;
  user: number;
  tx: number;
  opp: number;
  inv: number;
  kyc: number;
  doc: number;
  log: number;
}

export function saltsFor(seed: string): Salts {
  const base = hashString(seed);
  return {
    seed: base,
    user: hashString(`${seed}:user`),
    tx: hashString(`${seed}:tx`),
    opp: hashString(`${seed}:opp`),
    inv: hashString(`${seed}:inv`),
    kyc: hashString(`${seed}:kyc`),
    doc: hashString(`${seed}:doc`),
    log: hashString(`${seed}:log`),
  };
}

export const userId = (s: Salts, i: number) => `usr_${hex32(scramble32(i, s.user))}`;
export const oppId = (s: Salts, o: number) => `opp_${hex32(scramble32(o, s.opp))}`;
export const invId = (s: Salts, k: number) => `inv_${hex32(scramble32(k, s.inv))}`;
export const kycId = (s: Salts, i: number) => `kyc_${hex32(scramble32(i, s.kyc))}`;
export const docId = (s: Salts, n: number) => `doc_${hex32(scramble32(n, s.doc))}`;
export const logId = (s: Salts, k: number) => `log_${hex32(scramble32(k, s.log))}`;
export function txId(s: Salts, g: number): string {
  const high = (Math.floor(g / 0x100000000) + s.tx) & 0xff;
  return `tx_${high.toString(16).padStart(2, '0')}${hex32(scramble32(g >>> 0, s.tx))}`;
}

export interface UserFacts {
  id: string;
  e164: string;
  createdMs: number;
  country: string;
  language: string;
}

/** The user's E.164 phone, distinct for every index. */
export function userPhone(s: Salts, i: number): { e164: string; cc: string; national: string; space: (typeof PHONE_SPACES)[number] } {
  const space = PHONE_SPACES[i % PHONE_SPACES.length];
  const j = Math.floor(i / PHONE_SPACES.length);
  const capacity = 10 ** space.digits - space.min;
  if (j >= capacity) throw new Error(`too many users for the generator's phone number space (${i})`);
  const local = space.min + ((j * 7919 + (s.seed % capacity)) % capacity);
  const national = space.prefix + String(local).padStart(space.digits, '0');
  return { e164: `+${space.cc}${national}`, cc: space.cc, national, space };
}

/** The phone as an old record may have written it: E.164, digits only, spaced, bracketed. */
function phoneAsWritten(rng: Rng, cc: string, national: string): string {
  const form = rng.int(20);
  const a = national.slice(0, 3);
  const b = national.slice(3, 6);
  const c = national.slice(6);
  if (form < 11) return `+${cc}${national}`;
  if (form < 14) return `${cc}${national}`;
  if (form < 17) return `${cc} ${a} ${b} ${c}`;
  return `+${cc} (${a}) ${b}-${c}`;
}

/** The createdAt of user #i (transactions and KYC come after it). */
export function userCreatedMs(s: Salts, i: number): number {
  return EPOCH_START + (scramble32(i, s.seed ^ 0x5bd1e995) % Math.floor(EPOCH_SPAN / 1000)) * 1000 + (i % 1000);
}

/** wallet-db.json v2 user #i, without its transactions array and closing brace. */
export function userHead(s: Salts, i: number): { text: string; id: string; e164: string; phoneHash: string; wallet: string } {
  const rng = new Rng(s.seed, Kind.User, i);
  const id = userId(s, i);
  const phone = userPhone(s, i);
  const phoneHash = sha256Hex(phone.e164);
  const wallet = address(rng);
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const createdMs = userCreatedMs(s, i);
  let text = `{"id":"${id}","phone":${JSON.stringify(phoneAsWritten(rng, phone.cc, phone.national))}`;
  if (rng.chance(0.75)) text += `,"phoneHash":"${phoneHash}"`;
  text += `,"walletAddress":"${wallet}"`;
  if (rng.chance(0.9)) text += `,"email":${JSON.stringify(`${first}.${last}${i}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, ''))}`;
  const displayName = rng.int(10);
  if (displayName < 8) text += `,"displayName":${JSON.stringify(`${first} ${last[0]}.`)}`;
  else if (displayName === 8) text += `,"displayName":null`;
  const tierRoll = rng.int(20);
  text += `,"tier":"${tierRoll < 10 ? 'basic' : tierRoll < 15 ? 'silver' : tierRoll < 18 ? 'gold' : 'platinum'}"`;
  const statusRoll = rng.int(100);
  text += `,"status":"${statusRoll < 85 ? 'active' : statusRoll < 93 ? 'suspended' : 'closed'}"`;
  text += `,"createdAt":${legacyTimestamp(rng, createdMs)}`;
  const login = rng.int(20);
  const loginMs = createdMs + rng.int(300) * DAY + rng.int(DAY);
  if (login < 14) text += `,"lastLoginAt":${loginMs}`;
  else if (login < 17) text += `,"lastLoginAt":${isoTimestamp(loginMs)}`;
  else if (login === 17) text += `,"lastLoginAt":null`;
  const profile = rng.int(10);
  if (profile < 7) {
    const born = Date.UTC(1940 + rng.int(65), rng.int(12), 1 + rng.int(28));
    const notifications = `{"email":${rng.chance(0.5)},"sms":${rng.chance(0.5)}}`;
    text += `,"profile":{"firstName":${JSON.stringify(first)},"lastName":${JSON.stringify(last)},"country":"${phone.space.country}","dateOfBirth":"${new Date(born).toISOString().slice(0, 10)}","language":"${phone.space.language}","notifications":${notifications}}`;
  } else if (profile === 7) {
    text += `,"profile":{"firstName":${JSON.stringify(first)},"lastName":null,"country":null,"notifications":{"email":true}}`;
  } else if (profile === 8) {
    text += `,"profile":null`;
  }
  return { text, id, e164: phone.e164, phoneHash, wallet };
}

const TX_TYPES = ['deposit', 'deposit', 'deposit', 'withdrawal', 'investment', 'investment', 'distribution', 'fee', 'refund'] as const;
const TX_STATUS = ['completed', 'completed', 'completed', 'completed', 'pending', 'failed'] as const;

/** Transaction #t of user #i (global index g). */
export function transaction(s: Salts, g: number, userCreated: number, opportunities: number): string {
  const rng = new Rng(s.seed, Kind.Transaction, g);
  const type = rng.pick(TX_TYPES);
  const withAsset = type === 'investment' || type === 'distribution' || type === 'refund';
  const amount = rng.chance(0.0001) ? '12345678901234567.89' : money(rng, rng.between(100, 500_000));
  const txHash = rng.chance(0.75) ? `"0x${rng.hex(32)}"` : 'null';
  const opportunity = withAsset && opportunities > 0 ? `"${oppId(s, rng.int(opportunities))}"` : 'null';
  const created = userCreated + rng.int(400) * DAY + rng.int(DAY);
  return `{"id":"${txId(s, g)}","type":"${type}","amount":${amount},"currency":"USDC","status":"${rng.pick(TX_STATUS)}","txHash":${txHash},"opportunityId":${opportunity},"createdAt":${legacyTimestamp(rng, created)}}`;
}

const CATEGORIES = ['real_estate', 'private_credit', 'venture', 'commodities'] as const;
const OPP_STATUS = ['open', 'open', 'funded', 'closed', 'draft', 'cancelled'] as const;
const OPP_NAMES = [
  'Sunset Apartments',
  'Alpine Lodge',
  'Harbor Credit',
  'Solar Farm',
  'Vineyard',
  'Gold Vault',
  'Tech Seed',
  'Logistics Hub',
];

/** The contract of opportunity #o, or null (every tenth has none). */
export function opportunityContract(s: Salts, o: number): string | null {
  if (o % 10 === 9) return null;
  return address(new Rng(s.seed, Kind.Opportunity + 100, o), 0.5);
}

/** admin-opportunities.json opportunity #o, up to (excluding) its investments array. */
export function opportunityHead(s: Salts, o: number, investmentCount: number): string {
  const rng = new Rng(s.seed, Kind.Opportunity, o);
  const contract = opportunityContract(s, o);
  const opens = EPOCH_START + rng.int(900) * DAY;
  const closes = opens + (30 + rng.int(300)) * DAY;
  // Investments are at most 5,000.99, so confirmed ones never exceed the target.
  const target = Math.max(100, investmentCount) * 5001;
  let text = `{"id":"${oppId(s, o)}","name":${JSON.stringify(`${rng.pick(OPP_NAMES)} Series ${String.fromCharCode(65 + (o % 26))}${o}`)}`;
  text += `,"category":"${rng.pick(CATEGORIES)}","status":"${rng.pick(OPP_STATUS)}","currency":"USDC"`;
  text += `,"targetAmount":"${target}.00","minInvestment":"100.00","maxInvestment":${rng.chance(0.7) ? `"${rng.between(10, 50) * 1000}.00"` : 'null'}`;
  text += `,"tokenSymbol":"P${String(o).padStart(3, '0')}","tokenPrice":"10.00","chainId":${o % 4 === 3 ? 1 : 137}`;
  if (contract !== null || rng.chance(0.5)) text += `,"contractAddress":${contract === null ? 'null' : `"${contract}"`}`;
  text += `,"expectedApy":${rng.between(30, 180) / 10},"opensAt":${isoTimestamp(opens)},"closesAt":${isoTimestamp(closes)}`;
  if (rng.chance(0.8)) text += `,"description":${JSON.stringify(`Tokenized ${o}: "quoted" & unicode — ✓`)}`;
  const docs = rng.int(3);
  if (docs === 0) text += `,"documents":null`;
  else if (docs === 1)
    text += `,"documents":[{"title":"Offering memorandum","url":"https://docs.pend.example/${oppId(s, o)}/om.pdf","version":"1.${rng.int(4)}"}]`;
  text += `,"createdBy":"${rng.chance(0.9) ? ADMINS[0].email : FORMER_ADMIN}","createdAt":${legacyTimestamp(rng, opens - 7 * DAY)}`;
  return text;
}

const INV_STATUS = ['confirmed', 'confirmed', 'confirmed', 'pending', 'cancelled', 'refunded'] as const;

/** Investment #k (any opportunity), by a user drawn among `users`. */
export function investment(s: Salts, k: number, users: number): string {
  const rng = new Rng(s.seed, Kind.Investment, k);
  const user = rng.int(users);
  const cents = rng.between(100, 5000) * 100 + (rng.chance(0.3) ? rng.int(100) : 0);
  const created = userCreatedMs(s, user) + rng.int(300) * DAY;
  let text = `{"id":"${invId(s, k)}","userId":"${userId(s, user)}","amount":${money(rng, cents, 0.2)},"tokens":"${Math.floor(cents / 1000)}"`;
  text += `,"status":"${rng.pick(INV_STATUS)}","txHash":${rng.chance(0.8) ? `"0x${rng.hex(32)}"` : 'null'},"createdAt":${legacyTimestamp(rng, created)}`;
  if (rng.chance(0.15)) return `${text},"agreement":null}`;
  const ip = rng.chance(0.85) ? `203.0.113.${rng.int(256)}` : `2001:db8::${rng.int(0x10000).toString(16)}`;
  return `${text},"agreement":{"version":"1.${rng.int(3)}","acceptedAt":${isoTimestamp(created - 120_000)},"ipAddress":"${ip}","signature":"0x${rng.hex(64)}${rng.hex(1).slice(0, 2)}"}}`;
}

const KYC_STATUS = ['approved', 'approved', 'rejected', 'pending', 'in_review'] as const;
const DOC_TYPES = ['passport', 'national_id', 'drivers_license', 'proof_of_address', 'selfie'] as const;

/** Whether user #i has a KYC application (about `percent` % of users). */
export function hasKyc(s: Salts, i: number, percent: number): boolean {
  return scramble32(i, s.kyc ^ 0x27d4eb2f) % 100 < percent;
}

/** metadata.json `kyc.<userId>` value of user #i. */
export function kycApplication(s: Salts, i: number): string {
  const rng = new Rng(s.seed, Kind.Kyc, i);
  const status = rng.pick(KYC_STATUS);
  const submitted = userCreatedMs(s, i) + rng.int(30) * DAY + 3_600_000;
  const reviewed = status === 'approved' || status === 'rejected';
  const documents: string[] = [];
  const count = 1 + rng.int(3);
  for (let d = 0; d < count; d++) {
    const type = DOC_TYPES[(d + rng.int(2)) % DOC_TYPES.length];
    const id = userId(s, i);
    documents.push(
      `{"id":"${docId(s, i * 4 + d)}","type":"${type}","storageKey":"kyc/${id}/${type}-${d}.jpg","sha256":"${rng.hex(32)}","mimeType":"image/jpeg","uploadedAt":${isoTimestamp(submitted - 60_000)},"status":"${reviewed ? (status === 'approved' ? 'accepted' : 'rejected') : 'pending'}"}`,
    );
  }
  return `{"applicationId":"${kycId(s, i)}","status":"${status}","level":${1 + rng.int(3)},"submittedAt":${isoTimestamp(submitted)},"reviewedAt":${reviewed ? isoTimestamp(submitted + DAY) : 'null'},"reviewedBy":${reviewed ? `"${rng.chance(0.9) ? ADMINS[1].email : FORMER_ADMIN}"` : 'null'},"rejectionReason":${status === 'rejected' ? '"Document expired"' : 'null'},"documents":[${documents.join(',')}]}`;
}

const LOG_ACTIONS = ['kyc.approve', 'kyc.reject', 'user.suspend', 'user.tier_change', 'asset.publish', 'asset.update'] as const;

/** admin-logs.json entry #k of `total`; the first quarter predates ids (no `id`, before 2024). */
export function adminLog(s: Salts, k: number, total: number, users: number, wrapped: boolean): string {
  const rng = new Rng(s.seed, Kind.AdminLog, k);
  const old = k < Math.ceil(total / 4);
  const span = Y2024 - EPOCH_START;
  const ms = old
    ? EPOCH_START + Math.floor((k / Math.max(1, Math.ceil(total / 4))) * span)
    : Y2024 + Math.floor(((k - Math.ceil(total / 4)) / Math.max(1, total)) * 400 * DAY);
  const action = rng.pick(LOG_ACTIONS);
  const details = `{"note":${rng.chance(0.1) ? JSON.stringify("Robert'); DROP TABLE users;--") : '"ok"'},"n":${k}}`;
  if (wrapped) return `{"action":"${action}","timestamp":${legacyTimestamp(rng, ms)},"data":${details}}`;
  const admin = rng.chance(0.05) ? FORMER_ADMIN : rng.pick(ADMINS).email;
  const target = users > 0 ? userId(s, rng.int(users)) : 'usr_none';
  const head = old ? '{' : `{"id":"${logId(s, k)}",`;
  return `${head}"timestamp":${isoTimestamp(ms)},"admin":"${admin}","action":"${action}","targetType":"user","targetId":"${target}","details":${details},"ip":"198.51.100.${rng.int(256)}"}`;
}

const EVENT_TYPES = ['Transfer', 'Transfer', 'Invested', 'Distribution'] as const;
export const BASE_BLOCK = 51_230_000;
const BASE_SECONDS = 1_719_792_000;

export function eventBlock(s: Salts, contract: number, e: number): number {
  return BASE_BLOCK + contract * 1_000_000 + e * 3 + (scramble32(e, s.seed ^ contract) % 3);
}

/** Event #e of explorer contract #c: the same text in every scan that covers it. */
export function explorerEvent(s: Salts, c: number, e: number): string {
  const rng = new Rng(s.seed, Kind.Event * 1000 + c, e);
  const block = eventBlock(s, c, e);
  const value = `${rng.between(1, 999_999)}000000000000${String(rng.int(1_000_000)).padStart(6, '0')}`;
  return `{"blockNumber":${block},"blockHash":"0x${rng.hex(32)}","transactionHash":"0x${rng.hex(32)}","logIndex":${rng.int(20)},"event":"${rng.pick(EVENT_TYPES)}","args":{"from":"${address(rng, 0.5)}","to":"${address(rng, 0.5)}","value":"${value}"},"timestamp":${BASE_SECONDS + (block - BASE_BLOCK) * 2}}`;
}

/** Call #k of explorer contract #c (placed at event 3k's block). */
export function explorerCall(s: Salts, c: number, k: number): string {
  const rng = new Rng(s.seed, Kind.Call * 1000 + c, k);
  const block = eventBlock(s, c, k * 3);
  const invest = rng.chance(0.7);
  const args = invest ? `["${rng.between(1, 5000)}"]` : `["${address(rng, 0.5)}","${rng.between(1, 5000)}"]`;
  return `{"transactionHash":"0x${rng.hex(32)}","blockNumber":${block},"from":"${address(rng, 0.5)}","method":"${invest ? 'invest(uint256)' : 'transfer(address,uint256)'}","args":${args},"value":"0","gasUsed":"${rng.between(21_000, 120_000)}","status":"${rng.chance(0.95) ? 'success' : 'reverted'}","timestamp":${BASE_SECONDS + (block - BASE_BLOCK) * 2}}`;
}
