import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SchedulerRegistry } from '@nestjs/schedule';
import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { BACKUP_JOB, BackupScheduler } from '../../src/system/backup/backup.scheduler';
import { createAdmin } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

describe('Scheduled backups in two app instances sharing one database', () => {
  let dir: string;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-ops-backup-e2e-'));
    const env = { BACKUP_ENABLED: 'true', BACKUP_CRON: '0 0 1 1 *', BACKUP_DIR: dir };
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
    const body = (await request(first.http).get('/api/admin/database-health').set('Authorization', `Bearer ${admin.token}`).expect(200)).body;
    expect(body.lastBackup).toMatchObject({ file: dumps[0], verified: true, verification: 'verified' });
    expect(body.lastBackup.sizeBytes).toBe(fs.statSync(path.join(dir, dumps[0])).size);

    const metrics = (await request(second.http).get('/metrics').expect(200)).text;
    const seconds = Number(/^pend_backup_last_success_timestamp_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(Math.abs(seconds * 1000 - Date.parse(body.lastBackup.at))).toBeLessThan(1);
    expect(metrics).toMatch(/^pend_backup_last_duration_seconds \d/m);
    expect(metrics).toMatch(/^pend_backup_last_verification_failed 0$/m);
  });
});
