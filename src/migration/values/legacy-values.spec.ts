import { createHash } from 'node:crypto';
import { REWRITTEN_BY_LIBPHONENUMBER } from '../../common/validation/rewritten-phones';
import { JsonNumber } from '../reader/json-types';
import {
  countNormalisations,
  NormalisationCounts,
  normaliseAddress,
  normaliseHash,
  normalisePhone,
  parseMoney,
  parseTimestamp,
  parseUint,
  RecordRejected,
} from './legacy-values';

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof RecordRejected) return error.reason;
    throw error;
  }
  throw new Error('expected the value to be rejected');
};

describe('legacy value parsers', () => {
  describe('parseTimestamp', () => {
    it('reads ISO strings with Z, with an offset and without any zone (as UTC)', () => {
      expect(parseTimestamp('2024-03-01T10:00:00.000Z', 't')).toBe('2024-03-01T10:00:00.000Z');
      expect(parseTimestamp('2024-09-14T22:06:21.434+00:00', 't')).toBe('2024-09-14T22:06:21.434Z');
      expect(parseTimestamp('2024-02-01T00:00:00+02:00', 't')).toBe('2024-01-31T22:00:00.000Z');
      expect(parseTimestamp('2024-02-01T00:00:00-0530', 't')).toBe('2024-02-01T05:30:00.000Z');
      expect(parseTimestamp('2020-01-02T00:00:00', 't')).toBe('2020-01-02T00:00:00.000Z');
      expect(parseTimestamp('2024-01-11T09:00:00Z', 't')).toBe('2024-01-11T09:00:00.000Z');
    });

    it('reads JSON numbers as epoch milliseconds, or seconds for explorer data', () => {
      expect(parseTimestamp(new JsonNumber('1719792000000'), 't')).toBe('2024-07-01T00:00:00.000Z');
      expect(parseTimestamp(new JsonNumber('1719792000'), 't', 's')).toBe('2024-07-01T00:00:00.000Z');
    });

    it('keeps null as not recorded and refuses what is not a timestamp', () => {
      expect(parseTimestamp(null, 't')).toBeNull();
      expect(parseTimestamp(undefined, 't')).toBeNull();
      expect(reason(() => parseTimestamp('yesterday', 'createdAt'))).toBe('createdAt is not an ISO-8601 timestamp');
      expect(reason(() => parseTimestamp('2024-02-30T00:00:00Z', 'createdAt'))).toBe('createdAt is not a valid date');
      expect(reason(() => parseTimestamp(true, 'createdAt'))).toBe('createdAt is not a timestamp');
    });
  });

  describe('parseMoney', () => {
    it('takes JSON numbers from their literal text, never through a float', () => {
      expect(parseMoney(new JsonNumber('12345678901234567.89'), 'amount')).toBe('12345678901234567.89');
      expect(parseMoney(new JsonNumber('99.9'), 'amount')).toBe('99.9');
      expect(parseMoney(new JsonNumber('1e3'), 'amount')).toBe('1000');
      expect(parseMoney('2500.00', 'amount')).toBe('2500.00');
      expect(parseMoney('-0', 'amount')).toBe('0');
      expect(parseMoney('0.000001', 'amount')).toBe('0.000001');
    });

    it('refuses non-numeric, negative, over-precise and too large amounts', () => {
      expect(reason(() => parseMoney('twelve', 'amount'))).toBe('amount is not a number');
      expect(reason(() => parseMoney('1,000.00', 'amount'))).toBe('amount is not a number');
      expect(reason(() => parseMoney(new JsonNumber('-5'), 'amount'))).toBe('amount is negative');
      expect(reason(() => parseMoney('1.0000001', 'amount'))).toBe('amount has more than 6 decimals');
      expect(reason(() => parseMoney('1000000000000000000', 'amount'))).toMatch(/too large/);
      expect(reason(() => parseMoney(null, 'amount', { required: true }))).toBe('amount is missing');
      expect(parseMoney(null, 'maxInvestment')).toBeNull();
    });
  });

  it('parseUint keeps uint256 values exact', () => {
    const big = '115792089237316195423570985008687907853269984665640564039457584007913129639935';
    expect(parseUint(big, 'value')).toBe(big);
    expect(parseUint(new JsonNumber('250'), 'tokens')).toBe('250');
    expect(reason(() => parseUint('-1', 'tokens'))).toBe('tokens is not a non-negative integer');
  });

  describe('normalisePhone', () => {
    it('reads the digits as E.164 with no country guessed', () => {
      expect(normalisePhone('+14155550123')).toBe('+14155550123');
      expect(normalisePhone('1 (415) 555-0123')).toBe('+14155550123');
      expect(normalisePhone('44 20 7946 0958')).toBe('+442079460958');
      expect(normalisePhone('+49-776-765-28417')).toBe('+4977676528417');
    });

    it.each(REWRITTEN_BY_LIBPHONENUMBER)('keeps the digits libphonenumber would drop: %s', (written, e164) => {
      expect(normalisePhone(written)).toBe(e164);
    });

    it('refuses what cannot be a phone number', () => {
      expect(reason(() => normalisePhone('call me'))).toMatch(/^phone is unparseable/);
      expect(reason(() => normalisePhone('12'))).toMatch(/^phone is unparseable/);
      expect(reason(() => normalisePhone('+0044123456'))).toMatch(/^phone is unparseable/);
      expect(reason(() => normalisePhone('+999 123 4567'))).toBe('phone is unparseable: the country calling code is not a known one');
      expect(reason(() => normalisePhone(null))).toMatch(/^phone is missing/);
    });

    it('hashes the E.164 form', () => {
      expect(createHash('sha256').update(normalisePhone('1 (415) 555-0123')).digest('hex')).toBe(
        createHash('sha256').update('+14155550123').digest('hex'),
      );
    });
  });

  describe('normaliseAddress', () => {
    it('stores EIP-55 for lowercase, uppercase and correctly checksummed addresses', () => {
      const checksummed = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
      expect(normaliseAddress(checksummed.toLowerCase(), 'wallet')).toBe(checksummed);
      expect(normaliseAddress(`0x${checksummed.slice(2).toUpperCase()}`, 'wallet')).toBe(checksummed);
      expect(normaliseAddress(checksummed, 'wallet')).toBe(checksummed);
    });

    it('refuses a mixed-case address whose checksum is wrong, and malformed ones', () => {
      expect(reason(() => normaliseAddress('0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'walletAddress'))).toBe(
        'walletAddress has a bad EIP-55 checksum',
      );
      expect(reason(() => normaliseAddress('0x1234', 'walletAddress'))).toBe('walletAddress is not a 0x-prefixed 40-hex address');
      expect(normaliseAddress(null, 'walletAddress')).toBeNull();
    });
  });

  it('normaliseHash lowercases transaction hashes and refuses bad ones', () => {
    const hash = `0x${'AB'.repeat(32)}`;
    expect(normaliseHash(hash, 'txHash')).toBe(hash.toLowerCase());
    expect(reason(() => normaliseHash('0xabc', 'txHash'))).toBe('txHash is not a 0x-prefixed 64-hex hash');
  });

  describe('normalisation counts', () => {
    const counted = (map: () => unknown): Record<string, number> | undefined => {
      const target: NormalisationCounts = {};
      countNormalisations(target, map);
      return target.normalised;
    };

    it('counts each value stored in another form than written, per kind, and nothing for a value kept as written', () => {
      expect(
        counted(() => {
          normalisePhone('1 (415) 555-0123');
          normalisePhone('+44 20 7946 0958');
          normalisePhone('+14155550123');
          normaliseAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', 'wallet');
          normaliseAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'wallet');
          parseTimestamp('2024-02-01T00:00:00+02:00', 't');
          parseTimestamp('2020-01-02T00:00:00', 't');
          parseTimestamp('2024-01-11T09:00:00Z', 't');
          parseTimestamp('2024-03-01T10:00:00.000Z', 't');
          parseTimestamp(new JsonNumber('1719792000000'), 't');
          parseTimestamp(new JsonNumber('1719792000'), 't', 's');
          parseMoney(new JsonNumber('99.9'), 'amount');
          parseMoney(new JsonNumber('1e3'), 'amount');
          parseMoney('2500.00', 'amount');
          parseUint('0250', 'tokens');
          normaliseHash(`0x${'AB'.repeat(32)}`, 'txHash');
        }),
      ).toEqual({
        'phone: leading + added': 1,
        'phone: spaces, dashes, dots or brackets removed': 2,
        'address: all-lower/upper-case hex to EIP-55 checksum case': 1,
        'timestamp: offset converted to UTC': 1,
        'timestamp: no zone, read as UTC': 1,
        'timestamp: ISO-8601 form made canonical (T, milliseconds, Z)': 1,
        'timestamp: epoch milliseconds to ISO-8601 UTC': 1,
        'timestamp: epoch seconds to ISO-8601 UTC': 1,
        'money: JSON number to exact decimal text': 1,
        'money: written in another form (exponent, leading zeros, sign) to plain decimal': 1,
        'integer: leading zeros removed': 1,
        'hash: hex lowercased': 1,
      });
    });

    it('counts nothing outside a count, and a nested count on its own target only', () => {
      expect(() => normalisePhone('1 415 555 0123')).not.toThrow();
      const outer: NormalisationCounts = {};
      const inner: NormalisationCounts = {};
      countNormalisations(outer, () => {
        normalisePhone('1 415 555 0123');
        countNormalisations(inner, () => normaliseHash(`0x${'CD'.repeat(32)}`, 'txHash'));
        normaliseHash(`0x${'EF'.repeat(32)}`, 'txHash');
      });
      expect(outer.normalised).toEqual({
        'phone: leading + added': 1,
        'phone: spaces, dashes, dots or brackets removed': 1,
        'hash: hex lowercased': 1,
      });
      expect(inner.normalised).toEqual({ 'hash: hex lowercased': 1 });
    });
  });
});
