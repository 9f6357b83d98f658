import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { createTestDatabase, dropTestDatabase, queryDatabase } from '../utils/test-database';

const ROOT = path.resolve(__dirname, '..', '..');
const STORE = path.join(ROOT, 'test', 'fixtures', 'legacy', 'v1');
const exec = promisify(execFile);

// Copying and pruning node_modules, then seven Node processes on a shared 2-core machine.
jest.setTimeout(240_000);

/**
 * The project installed as docker/Dockerfile installs it: the built dist/, package.json and the lock,
 * and node_modules with the production dependencies only (no TypeScript, no embedded binaries). The
 * image's commands run there through their `:prod` npm scripts, which never call tsc.
 *
 * node_modules is the project's own, hard-linked and then pruned by npm to production dependencies
 * (`npm prune --omit=dev --omit=optional`): the same tree `npm ci --omit=dev --omit=optional` installs,
 * in seconds instead of the minutes a download takes.
 */
describe('The runtime image runs migrations, db:seed, admin:create, migrate:json, db:backup, db:restore from built code', () => {
  runAloneAmongHeavyTests();

  let image: string;
  let url: string;
  let env: NodeJS.ProcessEnv;
  const restored = 'pend_image_restored';

  beforeAll(async () => {
    image = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-image-'));
    for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, file), path.join(image, file));
    fs.cpSync(path.join(ROOT, 'dist', 'src'), path.join(image, 'dist', 'src'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'dist', 'ormconfig.js'), path.join(image, 'dist', 'ormconfig.js'));
    await exec('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(image, 'node_modules')]);
    // npm rewrites its hidden lockfile in place: the copy gets its own, the project's stays untouched.
    fs.rmSync(path.join(image, 'node_modules', '.package-lock.json'));
    await exec('npm', ['prune', '--omit=dev', '--omit=optional', '--offline', '--no-audit', '--no-fund'], { cwd: image });
    url = await createTestDatabase({ empty: true });
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATABASE_URL: url,
      JWT_SECRET: 'a production secret of at least thirty-two characters',
      SIWE_DOMAIN: 'app.pend.test',
      SIWE_URI: 'https://app.pend.test',
      // Production's fixed scrape port (9464) may be taken on a test machine.
      METRICS_PORT: '0',
      BACKUP_DIR: path.join(image, 'backups'),
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    await dropTestDatabase(url).catch(() => undefined);
    await dropTestDatabase(url.replace(/\/[^/]+$/, `/${restored}`)).catch(() => undefined);
    fs.rmSync(image, { recursive: true, force: true });
  });

  const npm = (script: string, args: string[] = [], extra: NodeJS.ProcessEnv = {}) =>
    exec('npm', ['run', '--silent', script, '--', ...args], { cwd: image, env: { ...env, ...extra }, maxBuffer: 16 << 20 });

  it('has no dev dependencies: no TypeScript to build with', () => {
    expect(fs.existsSync(path.join(image, 'node_modules', 'typescript'))).toBe(false);
    expect(fs.existsSync(path.join(image, 'node_modules', 'jest'))).toBe(false);
    expect(fs.existsSync(path.join(image, 'node_modules', 'pg'))).toBe(true);
  });

  it('migrates, seeds, creates an admin, imports a legacy store, backs up and restores', async () => {
    expect((await npm('db:migrate:prod')).stdout).toMatch(/^Applied: .*InitialSchema/m);
    expect((await npm('db:seed:prod')).stdout).toMatch(/Seeded 4 tier\(s\), \d+ permission\(s\)/);
    const admin = await npm('admin:create:prod', ['--email', 'ops@pend.test', '--role', 'superadmin'], {
      ADMIN_PASSWORD: 'an image admin password',
    });
    expect(admin.stdout).toMatch(/Created admin ops@pend\.test \(superadmin\)/);

    await npm('migrate:json:prod', ['--source', STORE, '--report', path.join(image, 'report.json')]);
    const [{ users }] = await queryDatabase<{ users: number }>(url, 'SELECT count(*)::int AS users FROM users');
    expect(users).toBeGreaterThan(0);

    expect((await npm('db:backup:prod')).stdout).toMatch(/verification verified/);
    const dump = fs.readdirSync(path.join(image, 'backups')).find((file) => file.endsWith('.dump'))!;
    const restore = await npm('db:restore:prod', ['--file', path.join(image, 'backups', dump), '--target-db', restored]);
    expect(restore.stdout).toMatch(new RegExp(`Restored .* into database ${restored}`));
    const [copy] = await queryDatabase<{ users: number }>(
      url.replace(/\/[^/]+$/, `/${restored}`),
      'SELECT count(*)::int AS users FROM users',
    );
    expect(copy.users).toBe(users);
  });
});
