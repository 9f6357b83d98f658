import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findRunningPostmaster, isProcessAlive, ownerRecordPath, readOwnerRecord } from '../../src/database/embedded-postgres';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { freePort } from '../utils/postgres-process';
import { timedFetch } from '../utils/fault-load';

const ROOT = path.resolve(__dirname, '..', '..');

// A new cluster (initdb), an app start and bcrypt cost 12 on a shared 2-core machine.
jest.setTimeout(240_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runNpm(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function waitForHttp(url: string, deadlineMs: number, app: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (app.exitCode !== null) throw new Error(`the app exited with ${app.exitCode}: ${log()}`);
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The first run as a new operator does it, with the real processes: `npm start` (node dist/src/main.js)
 * on a fresh embedded data folder, then `npm run admin:create` next to it, then the new superadmin
 * uses an admin route; then the CLIs with no app running.
 */
describe('First run: npm start, admin:create next to it, the new superadmin works at once', () => {
  runAloneAmongHeavyTests();

  let root: string;
  let env: NodeJS.ProcessEnv;
  let app: ChildProcess | undefined;
  let appLog = '';
  let httpPort: number;
  let dataDir: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-first-run-'));
    fs.chmodSync(root, 0o755);
    dataDir = path.join(root, 'pg');
    httpPort = await freePort();
    env = {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(httpPort),
      EMBEDDED_PG_PORT: String(await freePort()),
      EMBEDDED_PG_DATA_DIR: dataDir,
      BACKUP_DIR: path.join(root, 'backups'),
      BACKUP_ENABLED: 'false',
      LOG_LEVEL: 'info',
    };
    delete env.DATABASE_URL;
  });

  afterAll(async () => {
    if (app && app.exitCode === null) {
      const exited = new Promise((resolve) => app!.once('exit', resolve));
      app.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('admin:create uses the running app’s embedded server without stopping it; the new superadmin is granted at once', async () => {
    app = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    app.stdout!.on('data', (chunk: Buffer) => (appLog += chunk.toString()));
    app.stderr!.on('data', (chunk: Buffer) => (appLog += chunk.toString()));
    const base = `http://127.0.0.1:${httpPort}/api`;
    await waitForHttp(`${base}/health`, 150_000, app, () => appLog.slice(-2000));

    const postmaster = findRunningPostmaster(dataDir);
    expect(postmaster).toBeDefined();
    expect(readOwnerRecord(dataDir)).toMatchObject({ ownerPid: app.pid, role: 'app', postmasterPid: postmaster!.pid });

    const password = 'first run admin password';
    const created = await runNpm('admin:create:prod', ['--email', 'first@pend.test', '--role', 'superadmin'], {
      ...env,
      ADMIN_PASSWORD: password,
      LOG_LEVEL: 'warn',
    });
    expect(created.stderr).toBe('');
    expect(created).toMatchObject({ code: 0, stdout: expect.stringMatching(/Created admin first@pend\.test \(superadmin\)/) });

    // The app's server was used, not stopped: same postmaster, the app still healthy, its owner record kept.
    expect(isProcessAlive(postmaster!.pid)).toBe(true);
    expect(findRunningPostmaster(dataDir)?.pid).toBe(postmaster!.pid);
    expect(readOwnerRecord(dataDir)?.ownerPid).toBe(app.pid);
    // timedFetch: the answers of `npm start`'s app are checked against the contract like the in-process apps' are.
    expect((await timedFetch('health', `${base}/health`)).status).toBe(200);

    const login = await timedFetch('login', `${base}/auth/admin/login`, {
      method: 'POST',
      body: JSON.stringify({ email: 'first@pend.test', password }),
    });
    expect(login.status).toBe(200);
    const accessToken = login.body?.accessToken as string;
    const health = await timedFetch('database-health', `${base}/admin/database-health`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(health.status).toBe(200);
    const backups = await timedFetch('backups', `${base}/admin/backups`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(backups.status).toBe(200);
  });

  it('with the app stopped, a CLI starts its own server and stops only that one', async () => {
    const exited = new Promise((resolve) => app!.once('exit', resolve));
    app!.kill('SIGTERM');
    await exited;
    expect(findRunningPostmaster(dataDir)).toBeUndefined();
    expect(fs.existsSync(ownerRecordPath(dataDir))).toBe(false);

    const seeded = await runNpm('db:seed:prod', [], { ...env, LOG_LEVEL: 'warn' });
    expect(seeded.stderr).toBe('');
    // npm start seeded the reference data already: the seed finds nothing missing.
    expect(seeded).toMatchObject({ code: 0, stdout: expect.stringMatching(/Seeded 0 tier\(s\), 0 permission\(s\)/) });
    expect(findRunningPostmaster(dataDir)).toBeUndefined();
    expect(fs.existsSync(ownerRecordPath(dataDir))).toBe(false);
  });
});
