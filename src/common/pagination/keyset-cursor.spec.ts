import { BadRequestException } from '@nestjs/common';
import { decodeKeysetCursor, decodeSortedKeysetCursor, encodeKeysetCursor, encodeSortedKeysetCursor } from './keyset-cursor';

describe('keyset cursor', () => {
  it('round-trips the exact timestamp and id', () => {
    const position = { at: '2026-01-01T05:00:00.000123Z', id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' };
    const cursor = encodeKeysetCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeKeysetCursor(cursor)).toEqual(position);
  });

  it.each(['', 'garbage', encodeKeysetCursor({ at: '2026-01-01', id: 'x' }), Buffer.from('a|b|c').toString('base64url')])(
    'refuses %p with a 400 naming the field',
    (cursor) => {
      expect(() => decodeKeysetCursor(cursor, 'cursor')).toThrow(BadRequestException);
      try {
        decodeKeysetCursor(cursor, 'cursor');
      } catch (error) {
        expect(JSON.stringify((error as BadRequestException).getResponse())).toContain('cursor');
      }
    },
  );
});

describe('sorted keyset cursor', () => {
  const id = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
  const anyText = (value: string | null) => value !== null;

  it.each([['Harbour | "Lofts" ünïcode'], [null]])('round-trips the sort, the value %p and the id', (value) => {
    const cursor = encodeSortedKeysetCursor({ sort: 'name.asc', value, id });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSortedKeysetCursor(cursor, 'name.asc', () => true)).toEqual({ sort: 'name.asc', value, id });
  });

  it.each([
    ['garbage', 'garbage'],
    ['another sort', encodeSortedKeysetCursor({ sort: 'name.desc', value: 'a', id })],
    ['a value isValue refuses', encodeSortedKeysetCursor({ sort: 'name.asc', value: null, id })],
    ['a bad id', encodeSortedKeysetCursor({ sort: 'name.asc', value: 'a', id: 'x' })],
    ['a plain keyset cursor', encodeKeysetCursor({ at: '2026-01-01T05:00:00.000123Z', id })],
  ])('refuses %s with a 400 naming the field', (_what, cursor) => {
    expect(() => decodeSortedKeysetCursor(cursor, 'name.asc', anyText)).toThrow(BadRequestException);
    try {
      decodeSortedKeysetCursor(cursor, 'name.asc', anyText);
    } catch (error) {
      expect(JSON.stringify((error as BadRequestException).getResponse())).toContain('cursor');
    }
  });
});
