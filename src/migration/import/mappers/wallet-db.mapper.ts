import { UserStatus } from '../../../users/entities/user.entity';
import { TransactionStatus, TransactionType } from '../../../investments/entities/transaction.entity';
import { Classification, PathSegment } from '../../reader/json-record-scanner';
import { isJsonObject, JsonObject, JsonValue } from '../../reader/json-value';
import {
  normaliseAddress,
  normaliseHash,
  normalisePhone,
  countNormalised,
  parseBoolean,
  parseDate,
  parseEnum,
  parseMoney,
  parseText,
  parseTimestamp,
  RecordRejected,
  requireObject,
  sha256Hex,
} from '../../values/legacy-values';
import { buildUnit, ImportUnit, unit } from '../import-unit';
import { idText, jsonPath } from './common';

export const WALLET_DB = 'wallet-db.json';

// The closed sets are the entities' enums: FORMAT.md and the schema name the same values.
const USER_STATUSES = Object.values(UserStatus);
const TRANSACTION_TYPES = Object.values(TransactionType);
const TRANSACTION_STATUSES = Object.values(TransactionStatus);
const PHONE_HASH = /^[0-9a-fA-F]{64}$/;

/** v2 `{schemaVersion, users: {id: user}}`, or the v1 flat map `{phoneHash: address}`. */
export function classifyWalletDb(path: PathSegment[]): Classification {
  if (path.length === 0 || (path.length === 1 && path[0] === 'users')) return 'descend';
  return 'record';
}

/** The unit for one top-level value of wallet-db.json, or null for the file's own fields. */
export function mapWalletDbValue(path: PathSegment[], raw: string, value: JsonValue, tiers: ReadonlySet<string>): ImportUnit | null {
  if (path.length === 2 && path[0] === 'users') return mapUser(String(path[1]), raw, value, tiers);
  const key = String(path[0]);
  if (path.length === 1 && (key === 'schemaVersion' || key === 'updatedAt' || key === 'users')) return null;
  return mapV1User(key, raw, value);
}

function mapV1User(key: string, raw: string, value: JsonValue): ImportUnit {
  const target = unit({ table: 'users', file: WALLET_DB, location: key, legacyId: key, raw });
  return buildUnit(target, (u) => {
    if (!PHONE_HASH.test(key)) throw new RecordRejected('v1 entry key is not a 64-hex phone hash');
    const hash = key.toLowerCase();
    if (hash !== key) countNormalised('hash: hex lowercased');
    u.legacyId = hash;
    u.key = hash;
    const address = normaliseAddress(value, 'wallet address', { required: true });
    u.facts = { phoneHash: hash, address };
    u.row = {
      legacy_id: hash,
      phone_e164: null,
      phone_hash: hash,
      blockchain_address: address,
      email: null,
      display_name: null,
      tier: null,
      status: 'active',
      last_login_at: null,
      created_at: null,
    };
  });
}

function mapUser(id: string, raw: string, value: JsonValue, tiers: ReadonlySet<string>): ImportUnit {
  const location = jsonPath(['users', id]);
  const target = unit({ table: 'users', file: WALLET_DB, location, legacyId: id, raw, key: id });
  const record = isJsonObject(value) ? value : null;
  if (record) {
    const profile = record.profile;
    if (isJsonObject(profile)) target.children.push(mapProfile(id, `${location}.profile`, profile));
    const transactions = record.transactions;
    if (Array.isArray(transactions)) {
      transactions.forEach((tx, i) => target.children.push(mapTransaction(id, `${location}.transactions[${i}]`, tx)));
    }
  }
  return buildUnit(target, (u) => {
    const user = requireObject(value, 'user');
    if (user.id !== undefined && user.id !== id) throw new RecordRejected(`user id '${String(user.id)}' does not match its key`);
    if (user.transactions !== undefined && user.transactions !== null && !Array.isArray(user.transactions)) {
      throw new RecordRejected('transactions is not an array');
    }
    const phone = normalisePhone(user.phone);
    const hash = sha256Hex(phone);
    if (user.phoneHash !== undefined && user.phoneHash !== null) {
      if (typeof user.phoneHash !== 'string' || user.phoneHash.toLowerCase() !== hash) {
        throw new RecordRejected('phone hash mismatch: phoneHash is not the SHA-256 of the E.164 phone');
      }
    }
    const address = normaliseAddress(user.walletAddress, 'walletAddress');
    const tier = parseText(user.tier, 'tier');
    if (tier !== null && !tiers.has(tier)) throw new RecordRejected(`unknown tier '${tier}'`);
    u.facts = { phoneHash: hash, address };
    u.row = {
      legacy_id: id,
      phone_e164: phone,
      phone_hash: hash,
      blockchain_address: address,
      email: parseText(user.email, 'email', { max: 254 }),
      display_name: parseText(user.displayName, 'displayName', { max: 200 }),
      tier,
      status: parseEnum(user.status, 'status', USER_STATUSES, UserStatus.Active),
      last_login_at: parseTimestamp(user.lastLoginAt, 'lastLoginAt'),
      created_at: parseTimestamp(user.createdAt, 'createdAt'),
    };
  });
}

function mapProfile(userId: string, location: string, profile: JsonObject): ImportUnit {
  const target = unit({ table: 'user_profiles', file: WALLET_DB, location, legacyId: userId, raw: null, rawValue: profile, key: userId });
  return buildUnit(target, (u) => {
    const country = parseText(profile.country, 'profile.country');
    if (country !== null && !/^[A-Za-z]{2}$/.test(country)) throw new RecordRejected('profile.country is not an ISO 3166-1 alpha-2 code');
    if (country !== null && country !== country.toUpperCase()) countNormalised('country: code uppercased');
    const notifications = profile.notifications;
    const prefs = isJsonObject(notifications) ? notifications : null;
    if (notifications !== undefined && notifications !== null && !prefs) throw new RecordRejected('profile.notifications is not an object');
    const flag = (v: boolean | null) => (v === null ? null : String(v));
    u.row = {
      user_legacy_id: userId,
      first_name: parseText(profile.firstName, 'profile.firstName', { max: 100 }),
      last_name: parseText(profile.lastName, 'profile.lastName', { max: 100 }),
      country: country?.toUpperCase() ?? null,
      date_of_birth: parseDate(profile.dateOfBirth, 'profile.dateOfBirth'),
      language: parseText(profile.language, 'profile.language', { max: 16 }),
      notify_email: flag(parseBoolean(prefs?.email, 'profile.notifications.email')),
      notify_sms: flag(parseBoolean(prefs?.sms, 'profile.notifications.sms')),
    };
  });
}

function mapTransaction(userId: string, location: string, value: JsonValue): ImportUnit {
  const record = isJsonObject(value) ? value : null;
  const id = idText(record?.id);
  const target = unit({ table: 'transactions', file: WALLET_DB, location, legacyId: id, raw: null, rawValue: value, key: id });
  return buildUnit(target, (u) => {
    const tx = requireObject(value, 'transaction');
    if (id === null) throw new RecordRejected('transaction has no id');
    const opportunityId = parseText(tx.opportunityId, 'opportunityId');
    if (opportunityId !== null) {
      u.references.push({ table: 'assets', legacyId: opportunityId, reason: `transaction for unknown opportunity '${opportunityId}'` });
    }
    u.row = {
      legacy_id: id,
      user_legacy_id: userId,
      type: parseEnum(tx.type, 'type', TRANSACTION_TYPES),
      amount: parseMoney(tx.amount, 'amount', { required: true }),
      currency: parseText(tx.currency, 'currency', { max: 10 }) ?? 'USDC',
      status: parseEnum(tx.status, 'status', TRANSACTION_STATUSES, TransactionStatus.Pending),
      tx_hash: normaliseHash(tx.txHash, 'txHash'),
      asset_legacy_id: opportunityId,
      created_at: parseTimestamp(tx.createdAt, 'createdAt'),
    };
  });
}
