import { BadRequestException } from '@nestjs/common';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor';

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
