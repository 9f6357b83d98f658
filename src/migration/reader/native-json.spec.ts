import { JsonNumber } from './json-types';
import { parseJsonNatively } from './native-json';

const n = (text: string) => new JsonNumber(text);

describe('parseJsonNatively', () => {
  it('keeps every number as its literal text, wherever it is', () => {
    expect(parseJsonNatively('{"amount":12345678901234567.89,"list":[-0.000001,1e+30,0,2E-3],"s":"9"}')).toEqual(
      Object.assign(Object.create(null), {
        amount: n('12345678901234567.89'),
        list: [n('-0.000001'), n('1e+30'), n('0'), n('2E-3')],
        s: '9',
      }),
    );
    expect(parseJsonNatively(' 42 ')).toEqual(n('42'));
    expect(parseJsonNatively('[true,false,null,"x"]')).toEqual([true, false, null, 'x']);
  });

  it('leaves digits inside strings alone, escaped quotes and backslashes included', () => {
    const value = parseJsonNatively(String.raw`{"a":"he said \"12\" and \\","b":"\\\"3","c":"\u00e9 4"}`) as Record<string, unknown>;
    expect(value).toEqual(Object.assign(Object.create(null), { a: 'he said "12" and \\', b: '\\"3', c: 'é 4' }));
  });

  it('never takes a string for a number, even one holding the marker character', () => {
    const value = parseJsonNatively(String.raw`{"a":"\u00011","b":1}`) as Record<string, unknown>;
    expect(value.a).toBe('\u00011');
    expect(value.b).toEqual(n('1'));
    // Every marker taken: the caller falls back to its tokenizer.
    const all = Array.from({ length: 31 }, (_, i) => `"\\u00${(i + 1).toString(16).padStart(2, '0')}"`).join(',');
    expect(parseJsonNatively(`[${all},1]`)).toBeUndefined();
  });

  it('makes objects without a prototype, __proto__ an ordinary key', () => {
    const value = parseJsonNatively('{"__proto__":{"polluted":1},"constructor":"x"}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(['01', '1.', '.5', '-', '1e', '+1', '1.2.3', '{"a":1,}', '[1 2]', '{"a":"b"', '"open', 'NaN', '1 2', '{} []', ''])(
    'rejects %j',
    (text) => {
      expect(() => parseJsonNatively(text)).toThrow();
    },
  );
});
