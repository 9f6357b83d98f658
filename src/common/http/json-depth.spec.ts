import { findNulCharacter } from '../validation/text.validator';
import { JSON_NUL_ESCAPES, JSON_SURROGATE_ESCAPES, jsonDepthExceeds, scanJson } from './http-adapter';

describe('jsonDepthExceeds', () => {
  const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('counts objects and arrays, not brackets in strings or escaped quotes', () => {
    expect(jsonDepthExceeds(nest(3), 3)).toBe(false);
    expect(jsonDepthExceeds(nest(4), 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":{"b":[{"c":1}]}}', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":{"b":[1]},"c":{"d":[2]}}', 3)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[[[{{{{{' }), 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: 'x\\"[[[[[' }), 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: 'x\\', b: [[[1]]] }), 3)).toBe(true);
  });
});

describe('scanJson', () => {
  it('flags \\uD… and \\u0000 escapes inside strings, separately, and not an escaped backslash before them', () => {
    expect(scanJson(JSON.stringify({ a: 'plain' }), 64)).toBe(0);
    expect(scanJson('{"a":"\\ud800"}', 64)).toBe(JSON_SURROGATE_ESCAPES);
    expect(scanJson('{"a":"x\\u0000"}', 64)).toBe(JSON_NUL_ESCAPES);
    expect(scanJson('{"a\\u0000":"\\uDC00"}', 64)).toBe(JSON_NUL_ESCAPES | JSON_SURROGATE_ESCAPES);
    expect(scanJson('{"a":"\\\\u0000"}', 64)).toBe(0);
    expect(scanJson('{"a":"\\u00001"}', 64)).toBe(JSON_NUL_ESCAPES);
    expect(scanJson('{"a":"\\u0001"}', 64)).toBe(0);
  });
});

describe('findNulCharacter', () => {
  it('names the first string or key holding U+0000 by its path', () => {
    expect(findNulCharacter({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toBe('a.1.c');
    expect(findNulCharacter({ a: { 'k\u0000': 1 } })).toBe('a.k\u0000');
    expect(findNulCharacter('\u0000', 'action')).toBe('action');
    expect(findNulCharacter({ a: 'fine', b: 1, c: null })).toBeUndefined();
  });
});
