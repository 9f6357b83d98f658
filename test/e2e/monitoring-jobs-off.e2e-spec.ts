import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin } from '../utils/auth';
import { capturingLogger } from '../utils/fault-cluster';
import { createTestApp, TestApp } from '../utils/test-app';
import { createTestDatabase, dropTestDatabase } from '../utils/test-database';

/**
 * MONITORING_JOBS_ENABLED=false turns the scheduled jobs off, the analytics fold included, so analytics never move
 * unless another instance runs them: the instance says so once at start and in database-health.
 */
describe('MONITORING_JOBS_ENABLED=false is warned at start and shown in database-health', () => {
  let databaseUrl: string;
  const apps: TestApp[] = [];
  const off = capturingLogger('warn');
  const on = capturingLogger('warn');

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const env = { JWT_SECRET: 'monitoring-jobs-off-e2e-shared-secret-0123456789' };
    // Both on one database (as two instances would be): only the one with the jobs off warns.
    apps.push(await createTestApp({ databaseUrl, logger: off.logger, env: { ...env, MONITORING_JOBS_ENABLED: 'false' } }));
    apps.push(
      await createTestApp({ databaseUrl, logger: on.logger, env: { ...env, MONITORING_JOBS_ENABLED: 'true', DB_MIGRATIONS_RUN: 'false' } }),
    );
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  const jobLines = (lines: Record<string, unknown>[]) => lines.filter((line) => String(line.message).includes('MONITORING_JOBS_ENABLED'));

  it('logs one warning naming the setting and its effect when the jobs are off, none when they are on', () => {
    expect(jobLines(off.lines)).toEqual([
      expect.objectContaining({
        level: 40, // warn
        context: 'SystemJobs',
        message: expect.stringMatching(/^MONITORING_JOBS_ENABLED=false: .*analytics rollup never folds/),
      }),
    ]);
    expect(jobLines(on.lines)).toEqual([]);
  });

  it('database-health names it in problems (status degraded) and reports scheduledJobs.enabled', async () => {
    const [withoutJobs, withJobs] = apps;
    const admin = await createAdmin(withoutJobs, AdminRole.Analyst);
    const health = async (app: TestApp) =>
      (await request(app.http).get('/api/admin/database-health').set('Authorization', `Bearer ${admin.token}`).expect(200)).body;

    const offBody = await health(withoutJobs);
    expect(offBody.scheduledJobs).toEqual({ enabled: false });
    expect(offBody.status).toBe('degraded');
    expect(offBody.problems).toContainEqual(expect.stringMatching(/^MONITORING_JOBS_ENABLED=false: .*analytics rollup never folds/));

    const onBody = await health(withJobs);
    expect(onBody.scheduledJobs).toEqual({ enabled: true });
    expect(onBody.problems.filter((p: string) => p.includes('MONITORING_JOBS_ENABLED'))).toEqual([]);
  });
});
