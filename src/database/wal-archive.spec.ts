import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ARCHIVE_WAL_SCRIPT, restoreCommandFor } from './wal-archive';

/** The one archive script: compose's postgres mounts this file; the embedded server writes ARCHIVE_WAL_SCRIPT. */
const SCRIPT_FILE = path.resolve(__dirname, '..', '..', 'docker', 'postgres', 'archive-wal.sh');

/** Runs the archive script as PostgreSQL would: `sh script <dir> %p %f`; returns its exit code. */
function archive(script: string, dir: string, source: string, name: string): number {
  try {
    execFileSync('sh', [script, dir, source, name], { stdio: 'pipe' });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('the WAL archive script', () => {
  it('is one script: the embedded server writes exactly docker/postgres/archive-wal.sh (edit the file, then copy it into wal-archive.ts)', () => {
    expect(ARCHIVE_WAL_SCRIPT).toBe(fs.readFileSync(SCRIPT_FILE, 'utf8'));
    expect(fs.statSync(SCRIPT_FILE).mode & 0o755).toBe(0o755);
  });

  let root: string;
  let script: string;
  let dir: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-wal-archive-'));
    script = SCRIPT_FILE;
    dir = path.join(root, 'wal');
    fs.mkdirSync(dir);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('stores the segment gzip-compressed under <name>.gz, leaving no temporary file', () => {
    const segment = path.join(root, '000000010000000000000003');
    fs.writeFileSync(segment, Buffer.alloc(1 << 16, 7));
    expect(archive(script, dir, segment, '000000010000000000000003')).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['000000010000000000000003.gz']);
    expect(gunzipSync(fs.readFileSync(path.join(dir, '000000010000000000000003.gz')))).toEqual(fs.readFileSync(segment));
    expect(fs.statSync(path.join(dir, '000000010000000000000003.gz')).size).toBeLessThan(1 << 12);
    // umask 027: the folder's group may read it (compose: the app's uid rotates and restores from the archive).
    expect(fs.statSync(path.join(dir, '000000010000000000000003.gz')).mode & 0o777).toBe(0o640);
  });

  it('never overwrites: the same content again succeeds (a retry), other content fails and keeps the archived file', () => {
    const segment = path.join(root, 'seg');
    fs.writeFileSync(segment, 'first');
    expect(archive(script, dir, segment, '000000010000000000000004')).toBe(0);
    expect(archive(script, dir, segment, '000000010000000000000004')).toBe(0);
    fs.writeFileSync(segment, 'second');
    expect(archive(script, dir, segment, '000000010000000000000004')).not.toBe(0);
    expect(gunzipSync(fs.readFileSync(path.join(dir, '000000010000000000000004.gz'))).toString()).toBe('first');
    expect(fs.readdirSync(dir)).toEqual(['000000010000000000000004.gz']);
  });

  it('fails when the segment cannot be read, archiving nothing', () => {
    expect(archive(script, dir, path.join(root, 'missing'), '000000010000000000000005')).not.toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('restore_command reads the archive and fails for a file it does not hold', () => {
    const segment = path.join(root, 'seg');
    fs.writeFileSync(segment, 'wal bytes');
    archive(script, dir, segment, '000000010000000000000006');
    const run = (file: string, target: string) => {
      const command = restoreCommandFor(dir).replace(/%f/g, file).replace(/%p/g, target);
      try {
        execFileSync('sh', ['-c', command], { stdio: 'pipe' });
        return 0;
      } catch (error) {
        return (error as { status: number }).status;
      }
    };
    expect(run('000000010000000000000006', path.join(root, 'out'))).toBe(0);
    expect(fs.readFileSync(path.join(root, 'out'), 'utf8')).toBe('wal bytes');
    expect(run('000000010000000000000007', path.join(root, 'out2'))).not.toBe(0);
    expect(() => restoreCommandFor("/tmp/it's")).toThrow(/may not contain a quote/);
  });
});
