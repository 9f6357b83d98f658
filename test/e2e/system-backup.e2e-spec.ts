import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SchedulerRegistry } from '@nestjs/schedule';
import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { BACKUP_JOB, BackupScheduler, DRILL_JOB } from '../../src/system/backup/backup.scheduler';
import { createAdmin } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

describe('Scheduled backups in two app instances sharing one database', () => {
  let dir: string;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-ops-backup-e2e-'));
    const env = { BACKUP_ENABLED: 'true', BACKUP_CRON: '0 0 1 1 *', BACKUP_DIR: dir, DRILL_CRON: '0 3 2 * *' };
    first = await createTestApp({ env });
    second = await createTestApp({ env, databaseUrl: first.databaseUrl });
  });

  afterAll(async () => {
    await second?.app.close();
    await first?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers the cron from BACKUP_CRON when BACKUP_ENABLED', () => {
    const job = first.app.get(SchedulerRegistry).getCronJob(BACKUP_JOB);
    expect(job.cronTime.source).toBe('0 0 1 1 *');
  });

  it('registers the monthly recovery drill from DRILL_CRON (on with backups)', () => {
    expect(first.app.get(SchedulerRegistry).getCronJob(DRILL_JOB).cronTime.source).toBe('0 3 2 * *');
  });

  it('firing the job in both instances at once makes exactly one verified backup, which health, database-health and /metrics report', async () => {
    const before = await request(first.http).get('/api/health').expect(200);
    expect(before.body.info.backup.message).toBe('no backup yet');

    const outcomes = await Promise.all([first.app.get(BackupScheduler).runScheduled(), second.app.get(BackupScheduler).runScheduled()]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['completed', 'skipped']);
    const dumps = fs.readdirSync(dir).filter((f) => f.endsWith('.dump'));
    expect(dumps).toHaveLength(1);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.manifest.json'))).toHaveLength(1);

    const health = await request(second.http).get('/api/health').expect(200);
    expect(health.body.info.backup).toMatchObject({ status: 'up', maxAgeHours: 26 });

    const admin = await createAdmin(first, AdminRole.Analyst);
    const body = (await request(first.http).get('/api/admin/database-health').set('Authorization', `Bearer ${admin.token}`).expect(200))
      .body;
    expect(body.lastBackup).toMatchObject({ file: dumps[0], verified: true, verification: 'verified' });
    expect(body.lastBackup.sizeBytes).toBe(fs.statSync(path.join(dir, dumps[0])).size);

    const metrics = (await request(second.metricsUrl).get('/metrics').expect(200)).text;
    const seconds = Number(/^pend_backup_last_success_timestamp_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(Math.abs(seconds * 1000 - Date.parse(body.lastBackup.at))).toBeLessThan(1);
    expect(metrics).toMatch(/^pend_backup_last_duration_seconds \d/m);
    expect(metrics).toMatch(/^pend_backup_last_verification_failed 0$/m);
  });

  it('lets an admin with system:backup start one now (202, 409 while running, audited) and lists it', async () => {
    const analyst = await createAdmin(first, AdminRole.Analyst);
    const superadmin = await createAdmin(first, AdminRole.Superadmin);
    const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
    await request(first.http).post('/api/admin/backups').set(auth(analyst.token)).expect(403);

    await request(first.http).post('/api/admin/backups').set(auth(superadmin.token)).expect(202, { status: 'started' });
    const busy = await request(first.http).post('/api/admin/backups').set(auth(superadmin.token)).expect(409);
    expect(busy.body).toMatchObject({ statusCode: 409, message: 'A backup is already running' });

    let list = (await request(first.http).get('/api/admin/backups').set(auth(analyst.token)).expect(200)).body;
    for (let i = 0; i < 300 && list.running; i++) {
      await new Promise((r) => setTimeout(r, 100));
      list = (await request(first.http).get('/api/admin/backups').set(auth(analyst.token)).expect(200)).body;
    }
    expect(list).toMatchObject({ enabled: true, cron: '0 0 1 1 *', retention: { daily: 7, weekly: 4, monthly: 6 }, running: false });
    // Same day as the scheduled one: the daily slot keeps the newest, so the manual backup replaced it.
    expect(list.backups).toHaveLength(1);
    expect(list.backups[0]).toMatchObject({ trigger: 'manual', verification: { status: 'verified' } });
    expect(list.backups[0].rowCounts.admin_users).toBeGreaterThanOrEqual(3);

    const [entry] = await first.dataSource.query(`SELECT action, target_type FROM admin_logs WHERE admin_user_id = $1`, [superadmin.id]);
    expect(entry).toEqual({ action: 'backup.run', target_type: 'backup' });
  });
});
