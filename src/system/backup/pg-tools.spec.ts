import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locatePgTools } from './pg-tools';

/** A folder with pg_dump/pg_restore stand-ins that print `version`. */
function fakeBinDir(version: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-ops-pgbin-'));
  for (const tool of ['pg_dump', 'pg_restore']) {
    fs.writeFileSync(path.join(dir, tool), `#!/bin/sh\necho "${tool} (PostgreSQL) ${version}"\n`, { mode: 0o755 });
  }
  return dir;
}

describe('locatePgTools', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('uses PG_BIN_DIR when its tools have the server major version', () => {
    const dir = fakeBinDir('15.7 (Debian 15.7-1)');
    dirs.push(dir);
    expect(locatePgTools(15, dir)).toMatchObject({
      binDir: dir,
      major: 15,
      pgDump: path.join(dir, 'pg_dump'),
      pgRestore: path.join(dir, 'pg_restore'),
    });
  });

  it('refuses tools of another major version, naming what it found and how to fix it', () => {
    const dir = fakeBinDir('14.11');
    dirs.push(dir);
    expect(() => locatePgTools(15, dir)).toThrow(
      `No pg_dump/pg_restore of PostgreSQL 15 (the server's major version) found; tried: ${dir} (pg_dump (PostgreSQL) 14.11). ` +
        'Install the PostgreSQL 15 client tools or set PG_BIN_DIR to their folder.',
    );
  });
});
