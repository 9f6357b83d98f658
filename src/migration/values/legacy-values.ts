import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import Decimal from 'decimal.js';
import { checksumAddress } from 'viem';
import { toE164 } from '../../common/validation/e164-phone';
import { JsonNumber, JsonObject, JsonValue, isJsonObject } from '../reader/json-types';

/** A record broke one of the store's rules; `reason` is the short sentence kept in quarantine. */
export class RecordRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function reject(reason: string): never {
  throw new RecordRejected(reason);
}

/** Where the values a record's mapping rewrote are counted, per kind ("phone: leading + added"). */
export interface NormalisationCounts {
  normalised?: Record<string, number>;
}

let counting: NormalisationCounts | null = null;

/** Runs `map` with every normalisation it makes counted on `target` (nested calls count on their own target). */
export function countNormalisations<T>(target: NormalisationCounts, map: () => T): T {
  const outer = counting;
  counting = target;
  try {
    return map();
  } finally {
    counting = outer;
  }
}

/** A value was stored in another form than the file's (same value): counted so the report shows it. */
export function countNormalised(kind: string): void {
  if (counting === null) return;
  const counts = (counting.normalised ??= {});
  counts[kind] = (counts[kind] ?? 0) + 1;
}

/** Adds one record's counts to a run's totals. */
export function addNormalisations(into: Record<string, number>, from: Record<string, number> | undefined): void {
  if (!from) return;
  for (const kind in from) into[kind] = (into[kind] ?? 0) + from[kind];
}

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const MAX_EPOCH_MS = 8.64e15;
const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A legacy timestamp as an ISO instant in UTC. ISO strings with or without offset (no offset is
 * read as UTC, the old server's zone); a JSON number is epoch milliseconds, or seconds where
 * `unit` says so (explorer-data).
 */
export function parseTimestamp(value: JsonValue | undefined, field: string, unit: 'ms' | 's' = 'ms'): string | null {
  if (value === undefined || value === null) return null;
  if (value instanceof JsonNumber) {
    if (!/^-?\d+(\.\d+)?$/.test(value.text)) reject(`${field} is not a valid epoch timestamp`);
    const ms = new Decimal(value.text).times(unit === 's' ? 1000 : 1);
    if (ms.abs().gt(MAX_EPOCH_MS)) reject(`${field} is out of range`);
    countNormalised(unit === 's' ? 'timestamp: epoch seconds to ISO-8601 UTC' : 'timestamp: epoch milliseconds to ISO-8601 UTC');
    return new Date(ms.toDecimalPlaces(0, Decimal.ROUND_FLOOR).toNumber()).toISOString();
  }
  if (typeof value !== 'string') reject(`${field} is not a timestamp`);
  // The common case, already canonical: one Date round trip proves it.
  if (value.length === 24 && value.endsWith('Z') && CANONICAL_ISO.test(value)) {
    const time = Date.parse(value);
    if (!Number.isNaN(time) && new Date(time).toISOString() === value) return value;
  }
  const match = ISO_TIMESTAMP.exec(value.trim());
  if (!match) reject(`${field} is not an ISO-8601 timestamp`);
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  const written = match[8];
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const millis = fraction ? fraction.slice(1, 4).padEnd(3, '0') : '000';
  const normalised = `${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}${offset}`;
  const time = Date.parse(normalised);
  if (Number.isNaN(time)) reject(`${field} is not a valid date`);
  const check = new Date(Date.UTC(+year, +month - 1, +day, +hour, +minute, +second));
  if (check.getUTCDate() !== +day || check.getUTCMonth() !== +month - 1 || +hour > 23 || +minute > 59 || +second > 59) {
    reject(`${field} is not a valid date`);
  }
  countNormalised(
    written === undefined
      ? 'timestamp: no zone, read as UTC'
      : written.toUpperCase() !== 'Z' && !/^[+-]00:?00$/.test(written)
        ? 'timestamp: offset converted to UTC'
        : 'timestamp: ISO-8601 form made canonical (T, milliseconds, Z)',
  );
  // Sub-millisecond digits are rare; keep them exact by handing PostgreSQL the text itself.
  if (fraction.length > 4) return `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction}${offset}`;
  return new Date(time).toISOString();
}

const PLAIN_MONEY = /^(0|[1-9]\d{0,17})(\.\d{1,6})?$/;
const DECIMAL_TEXT = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * An exact decimal from a decimal string or a JSON number's literal text, checked against
 * numeric(24,6): not negative, at most 6 decimals, at most 18 integer digits.
 */
export function parseMoney(value: JsonValue | undefined, field: string, options: { required?: boolean } = {}): string | null {
  if (value === undefined || value === null) {
    if (options.required) reject(`${field} is missing`);
    return null;
  }
  const text = value instanceof JsonNumber ? value.text : typeof value === 'string' ? value.trim() : null;
  // Plain decimals that fit numeric(24,6) need no arithmetic.
  if (text !== null && PLAIN_MONEY.test(text)) {
    if (value instanceof JsonNumber) countNormalised('money: JSON number to exact decimal text');
    else if (text !== value) countNormalised('money: spaces around the amount removed');
    return text;
  }
  if (text === null || !DECIMAL_TEXT.test(text)) reject(`${field} is not a number`);
  const amount = new Decimal(text);
  if (amount.isNegative() && !amount.isZero()) reject(`${field} is negative`);
  if (amount.decimalPlaces() > 6) reject(`${field} has more than 6 decimals`);
  if (amount.abs().gte('1e18')) reject(`${field} is too large (more than 18 integer digits)`);
  const plain = amount.abs().toFixed();
  countNormalised('money: written in another form (exponent, leading zeros, sign) to plain decimal');
  return plain;
}

/** A non-negative integer (uint256 tokens, values, gas), exact. */
export function parseUint(
  value: JsonValue | undefined,
  field: string,
  options: { required?: boolean; maxDigits?: number } = {},
): string | null {
  if (value === undefined || value === null) {
    if (options.required) reject(`${field} is missing`);
    return null;
  }
  const text = value instanceof JsonNumber ? value.text : typeof value === 'string' ? value.trim() : null;
  if (text === null || !/^\d+$/.test(text)) reject(`${field} is not a non-negative integer`);
  const digits = text.replace(/^0+(?=\d)/, '');
  if (digits.length > (options.maxDigits ?? 78)) reject(`${field} is too large`);
  if (digits !== text) countNormalised('integer: leading zeros removed');
  return digits;
}

/** A JSON integer that fits a PostgreSQL integer (chain ids, log indexes, levels). */
export function parseSmallInt(value: JsonValue | undefined, field: string, options: { required?: boolean } = {}): number | null {
  const digits = parseUint(value, field, { ...options, maxDigits: 10 });
  if (digits === null) return null;
  const number = Number(digits);
  if (number > 2147483647) reject(`${field} is too large`);
  return number;
}

/** The amount as decimal text when the value is a decimal string or number, else null (args.value). */
export function decimalTextOrNull(value: JsonValue | undefined): string | null {
  const text = value instanceof JsonNumber ? value.text : typeof value === 'string' ? value : null;
  return text !== null && /^\d{1,78}$/.test(text) ? text.replace(/^0+(?=\d)/, '') : null;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * E.164 from any legacy form: `+` and exactly the digits written (FORMAT.md: the digits with a
 * leading `+` are authoritative, no country is guessed). Nothing is dropped or added but the
 * separators and the `+`; a number whose calling code is unknown or whose length is not 7–15
 * digits is refused.
 */
export function normalisePhone(value: JsonValue | undefined): string {
  if (typeof value !== 'string' || !value.trim()) reject('phone is missing or unparseable');
  const result = toE164(value);
  if (!result.ok) reject(`phone is unparseable: ${result.reason}`);
  if (result.e164 !== value) {
    const trimmed = value.trim();
    if (!trimmed.startsWith('+')) countNormalised('phone: leading + added');
    if (/[^+\d]/.test(trimmed)) countNormalised('phone: spaces, dashes, dots or brackets removed');
    else if (trimmed !== value) countNormalised('phone: surrounding spaces removed');
  }
  return result.e164;
}

/** An EVM address in its EIP-55 form. All-lowercase/uppercase carry no checksum; mixed case must match it. */
export function normaliseAddress(value: JsonValue | undefined, field: string, options: { required?: boolean } = {}): string | null {
  if (value === undefined || value === null || value === '') {
    if (options.required) reject(`${field} is missing`);
    return null;
  }
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) reject(`${field} is not a 0x-prefixed 40-hex address`);
  const hex = value.slice(2);
  const checksummed = checksumAddress(`0x${hex.toLowerCase()}` as `0x${string}`);
  if (hex !== hex.toLowerCase() && hex !== hex.toUpperCase() && checksummed !== value) {
    reject(`${field} has a bad EIP-55 checksum`);
  }
  if (checksummed !== value) countNormalised('address: all-lower/upper-case hex to EIP-55 checksum case');
  return checksummed;
}

/** 0x + 64 hex, stored lowercase. */
export function normaliseHash(value: JsonValue | undefined, field: string, options: { required?: boolean } = {}): string | null {
  if (value === undefined || value === null || value === '') {
    if (options.required) reject(`${field} is missing`);
    return null;
  }
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(value)) reject(`${field} is not a 0x-prefixed 64-hex hash`);
  const lower = value.toLowerCase();
  if (lower !== value) countNormalised('hash: hex lowercased');
  return lower;
}

export function parseSha256(value: JsonValue | undefined, field: string): string {
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) reject(`${field} is not a 64-hex SHA-256`);
  const lower = value.toLowerCase();
  if (lower !== value) countNormalised('hash: hex lowercased');
  return lower;
}

export function parseEnum<T extends string>(value: JsonValue | undefined, field: string, allowed: readonly T[], fallback?: T): T {
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    reject(`${field} ${value === undefined || value === null ? 'is missing' : `'${String(value)}' is not one of ${allowed.join(', ')}`}`);
  }
  return value as T;
}

/** Optional text; a number or boolean is taken as its text, an object is refused. */
export function parseText(value: JsonValue | undefined, field: string, options: { required?: boolean; max?: number } = {}): string | null {
  if (value === undefined || value === null) {
    if (options.required) reject(`${field} is missing`);
    return null;
  }
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value instanceof JsonNumber) text = value.text;
  else if (typeof value === 'boolean') text = String(value);
  else reject(`${field} is not text`);
  if (options.required && text === '') reject(`${field} is empty`);
  if (options.max !== undefined && text.length > options.max) reject(`${field} is longer than ${options.max} characters`);
  return text;
}

export function parseBoolean(value: JsonValue | undefined, field: string): boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') reject(`${field} is not true or false`);
  return value;
}

export function parseIp(value: JsonValue | undefined, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || isIP(value) === 0) reject(`${field} is not a valid IP address`);
  return value;
}

export function parseDate(value: JsonValue | undefined, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) reject(`${field} is not a YYYY-MM-DD date`);
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) reject(`${field} is not a valid date`);
  return value;
}

export function requireObject(value: JsonValue | undefined, what: string): JsonObject {
  if (!isJsonObject(value)) reject(`${what} is not a JSON object`);
  return value;
}
