import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertReachableByPostgresUser, EmbeddedPostgresError } from './embedded-postgres';

describe('assertReachableByPostgresUser', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-perm-'));
  });
  afterEach(() => {
    fs.chmodSync(root, 0o755);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('accepts a data folder whose parents everyone may enter', () => {
    fs.chmodSync(root, 0o755);
    expect(() => assertReachableByPostgresUser([path.join(root, 'project', '.data', 'postgres')])).not.toThrow();
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('names a private parent folder (like /root) and how to fix it', () => {
    fs.chmodSync(root, 0o700);
    const target = path.join(root, 'project', '.data', 'postgres');
    expect(() => assertReachableByPostgresUser([target])).toThrow(EmbeddedPostgresError);
    try {
      assertReachableByPostgresUser([target]);
    } catch (error) {
      expect((error as Error).message).toContain(root);
      expect((error as Error).message).toMatch(/chmod o\+x|move the checkout|DATABASE_URL/);
    }
  });
});
