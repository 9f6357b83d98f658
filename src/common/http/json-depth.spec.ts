import { jsonDepthExceeds } from './http-adapter';

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
