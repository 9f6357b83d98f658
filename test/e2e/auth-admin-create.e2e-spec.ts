import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import request from 'supertest';
import { createTestApp, TestApp } from '../utils/test-app';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'src', 'cli', 'admin-create.cli.js');

// Each run starts a Node process and hashes at bcrypt cost 12; a loaded 2-core machine needs headroom.
jest.setTimeout(180_000);

describe('admin:create CLI (node dist, as the npm script runs it) then login over HTTP', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  function runCreate(args: string[], env: Record<string, string | undefined>) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: testApp.databaseUrl, NODE_ENV: 'test', ...env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
    // stdin is a pipe, not a terminal: the password can only come from ADMIN_PASSWORD.
    return spawnSync(process.execPath, [CLI, ...args], { env: childEnv, encoding: 'utf8', input: '', timeout: 100_000 });
  }

  it('creates an admin from ADMIN_PASSWORD with a bcrypt cost-12 hash, audited, who can then log in', async () => {
    const password = 'a long enough admin password';
    const run = runCreate(['--email', 'First.Admin@Pend.test', '--role', 'superadmin', '--name', 'First Admin'], {
      ADMIN_PASSWORD: password,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Created admin first\.admin@pend\.test \(superadmin\)/);
    expect(run.stdout).not.toContain(password);

    const [admin] = await testApp.dataSource.query(
      `SELECT id, role, name, active, password_hash FROM admin_users WHERE email = 'first.admin@pend.test'`,
    );
    expect(admin).toMatchObject({ role: 'superadmin', name: 'First Admin', active: true });
    expect(admin.password_hash).toMatch(/^\$2b\$12\$/);
    const logs = await testApp.dataSource.query(`SELECT action, target_id, details FROM admin_logs WHERE admin_user_id = $1`, [admin.id]);
    expect(logs).toEqual([{ action: 'admin.create', target_id: admin.id, details: { role: 'superadmin', via: 'cli' } }]);

    const login = await request(testApp.http).post('/api/auth/admin/login').send({ email: 'first.admin@pend.test', password }).expect(200);
    expect(login.body).toMatchObject({ adminId: admin.id, role: 'superadmin' });
  });

  it('refuses a password given as an argument, a missing password off a terminal, bad role, short password and a duplicate', async () => {
    const asArgument = runCreate(['--email', 'x@pend.test', '--role', 'analyst', '--password', 'secret-secret-secret'], {
      ADMIN_PASSWORD: undefined,
    });
    expect(asArgument.status).toBe(1);
    expect(asArgument.stderr).toMatch(/never an argument/);

    const noPassword = runCreate(['--email', 'x@pend.test', '--role', 'analyst'], { ADMIN_PASSWORD: undefined });
    expect(noPassword.status).toBe(1);
    expect(noPassword.stderr).toMatch(/ADMIN_PASSWORD/);

    const badRole = runCreate(['--email', 'x@pend.test', '--role', 'root'], { ADMIN_PASSWORD: 'a long enough admin password' });
    expect(badRole.status).toBe(2);
    expect(badRole.stderr).toMatch(/--role must be one of/);

    const shortPassword = runCreate(['--email', 'x@pend.test', '--role', 'analyst'], { ADMIN_PASSWORD: 'short' });
    expect(shortPassword.status).toBe(1);
    expect(shortPassword.stderr).toMatch(/at least 12/);

    const duplicate = runCreate(['--email', 'first.admin@pend.test', '--role', 'analyst'], {
      ADMIN_PASSWORD: 'a long enough admin password',
    });
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);

    const [{ n }] = await testApp.dataSource.query(`SELECT count(*)::int AS n FROM admin_users WHERE email = 'x@pend.test'`);
    expect(n).toBe(0);
  });
});
