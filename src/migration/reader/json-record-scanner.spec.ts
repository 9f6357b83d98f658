import { Classification, JsonRecordScanner, JsonScanError, PathSegment, ScannedValue } from './json-record-scanner';

function scan(text: string, classify: (path: PathSegment[]) => Classification, chunkSize = 7) {
  const found: ScannedValue[] = [];
  const closed: PathSegment[][] = [];
  const scanner = new JsonRecordScanner({ classify, value: (v) => found.push(v), close: (p) => closed.push(p) });
  const bytes = Buffer.from(text, 'utf8');
  let error: JsonScanError | null = null;
  try {
    for (let i = 0; i < bytes.length; i += chunkSize) scanner.push(bytes.subarray(i, i + chunkSize));
    scanner.end();
  } catch (e) {
    if (!(e instanceof JsonScanError)) throw e;
    error = e;
  }
  return { found, closed, error, scanner };
}

const users = (path: PathSegment[]): Classification =>
  path.length === 0 || (path.length === 1 && path[0] === 'users') ? 'descend' : 'record';

describe('JsonRecordScanner', () => {
  const text =
    '{"schemaVersion":2,"users":{\n"usr_a":{"id":"usr_a","note":"} ] \\" {","n":[1,{"x":2}]},\n"usr_\\u00e9":{"id":"b","amount":12345678901234567.89}}}';

  it('hands over each record with its exact bytes and offsets, whatever the chunking', () => {
    for (const size of [1, 3, 7, 64, 4096]) {
      const { found, error } = scan(text, users, size);
      expect(error).toBeNull();
      expect(found.map((f) => f.path)).toEqual([['schemaVersion'], ['users', 'usr_a'], ['users', 'usr_é']]);
      const bytes = Buffer.from(text, 'utf8');
      for (const f of found) expect(f.raw.equals(bytes.subarray(f.start, f.end))).toBe(true);
      expect(found[2].raw.toString()).toBe('{"id":"b","amount":12345678901234567.89}');
    }
  });

  it('reports a truncated file at the start of the unfinished record', () => {
    const cut = text.slice(0, text.indexOf('"amount"'));
    const { found, error, scanner } = scan(cut, users);
    expect(found.map((f) => f.path[1] ?? f.path[0])).toEqual(['schemaVersion', 'usr_a']);
    expect(error?.truncated).toBe(true);
    expect(error?.offset).toBe(Buffer.byteLength(text.slice(0, text.indexOf('{"id":"b"'))));
    expect(scanner.currentPath()).toEqual(['users', 'usr_é']);
  });

  it('stops at a syntax error between records, after the good ones', () => {
    const { found, error, scanner } = scan('[{"a":1},{"b":2} {"c":3}]', (p) => (p.length === 0 ? 'descend' : 'record'));
    expect(found).toHaveLength(2);
    expect(error?.truncated).toBe(false);
    expect(scanner.breakOffset).toBe(16);
  });

  it('passes over skipped values and reports the containers it walked through', () => {
    const { found, closed } = scan('{"opportunities":[{"id":"o1","investments":[{"id":"i1"}],"name":"x"}]}', (p) =>
      p.length < 2 ? 'descend' : p.length === 2 ? 'descend' : p[2] === 'investments' ? 'skip' : 'record',
    );
    expect(found.map((f) => f.path)).toEqual([
      ['opportunities', 0, 'id'],
      ['opportunities', 0, 'name'],
    ]);
    expect(closed).toEqual([['opportunities', 0], ['opportunities'], []]);
  });
});
