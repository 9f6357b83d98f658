import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { BackupManifest } from '../../src/system/backup/backup-manifest';
import { HealthIndicatorService } from '@nestjs/terminus';
import { BackupService } from '../../src/system/backup/backup.service';
import { BackupStore } from '../../src/system/backup/backup-store';
import { BackupFreshnessIndicator } from '../../src/system/health/backup-freshness.indicator';
import { createTestApp, TestApp } from '../utils/test-app';

const ALL_CHECKS = ['database', 'disk_data', 'disk_backup', 'memory_heap', 'migrations'];

/** Boots an app with `env`, returns GET /api/health, closes the app. */
async function healthWith(env: Record<string, string>, prepare?: (app: TestApp) => Promise<void>) {
  const testApp = await createTestApp({ env });
  try {
    await prepare?.(testApp);
    return await request(testApp.http).get('/api/health');
  } finally {
    await testApp.close();
  }
}

function manifest(id: string, startedAt: Date, status: BackupManifest['verification']['status']): BackupManifest {
  return {
    id,
    file: `${id}.dump`,
    schemaFile: `${id}.schema.sql`,
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    durationMs: 1,
    sizeBytes: 1,
    sha256: '0'.repeat(64),
    database: { name: 'pend', serverVersion: '15' },
    pgDumpVersion: 'pg_dump (PostgreSQL) 15',
    trigger: 'scheduled',
    rowCounts: {},
    verification: status === 'failed' ? { status, error: 'row counts differ in users' } : { status },
  };
}

describe('GET /api/health: one indicator per dependency, 503 naming the one that fails', () => {
  let backupDir: string;

  beforeAll(() => {
    backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-ops-health-'));
  });
  afterAll(() => fs.rmSync(backupDir, { recursive: true, force: true }));

  it('is 200 with every check up by default (backups off under test)', async () => {
    const res = await healthWith({ BACKUP_DIR: backupDir });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.info).sort()).toEqual([...ALL_CHECKS].sort());
    expect(res.body.info.disk_data.path).toBeTruthy(); // the test server is local: its data folder is checked
  });

  it('is 503 naming both disks when the disk threshold cannot be met', async () => {
    const res = await healthWith({ BACKUP_DIR: backupDir, HEALTH_DISK_MAX_USED_PERCENT: '0' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5'); // as every 503
    expect(Object.keys(res.body.error).sort()).toEqual(['disk_backup', 'disk_data']);
    expect(res.body.error.disk_data).toMatchObject({
      status: 'down',
      maxUsedPercent: 0,
      message: expect.stringMatching(/% used, above 0%/),
    });
    expect(res.body.info.database.status).toBe('up');
  });

  it('is 503 naming memory_heap when the heap is above HEALTH_HEAP_MAX_MB', async () => {
    const res = await healthWith({ BACKUP_DIR: backupDir, HEALTH_HEAP_MAX_MB: '1' });
    expect(res.status).toBe(503);
    expect(Object.keys(res.body.error)).toEqual(['memory_heap']);
    expect(res.body.error.memory_heap).toMatchObject({ status: 'down', maxMb: 1 });
  });

  it('is 503 naming migrations when the database lacks a migration this build ships', async () => {
    const res = await healthWith({ BACKUP_DIR: backupDir, DB_MIGRATIONS_RUN: 'false' }, async (app) => {
      await app.dataSource.query(`DELETE FROM migrations WHERE name = (SELECT name FROM migrations ORDER BY id DESC LIMIT 1)`);
    });
    expect(res.status).toBe(503);
    expect(Object.keys(res.body.error)).toEqual(['migrations']);
    expect(res.body.error.migrations.pending).toHaveLength(1);
    expect(res.body.error.migrations.message).toMatch(/1 pending migration/);
  });

  it('is 503 naming a check that does not answer within HEALTH_CHECK_TIMEOUT_MS', async () => {
    const testApp = await createTestApp({ env: { BACKUP_DIR: backupDir, HEALTH_CHECK_TIMEOUT_MS: '300' } });
    const locker = new Client({ connectionString: testApp.databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE migrations IN ACCESS EXCLUSIVE MODE');
      const res = await request(testApp.http).get('/api/health').expect(503);
      expect(Object.keys(res.body.error)).toEqual(['migrations']);
      expect(res.body.error.migrations.message).toBe('timed out after 300 ms');
      await locker.query('ROLLBACK');
      await request(testApp.http).get('/api/health').expect(200);
    } finally {
      await locker.end();
      await testApp.close();
    }
  });

  it('once backups are enabled: 200 with no backup within the grace, 503 with a stale one or a failed verification, 200 with a fresh verified one', async () => {
    const store = new BackupStore(path.join(backupDir, 'freshness'));
    const testApp = await createTestApp({
      env: { BACKUP_DIR: store.dir, BACKUP_ENABLED: 'true', BACKUP_CRON: '0 0 1 1 *', BACKUP_MAX_AGE_HOURS: '26' },
    });
    try {
      const health = () => request(testApp.http).get('/api/health');
      const none = await health().expect(200);
      expect(none.body.info.backup).toMatchObject({ status: 'up', message: 'no backup yet', firstBackupDueBy: expect.any(String) });
      // The same indicator a day and a bit later, still without a backup: down.
      const clock = {
        at: new Date(),
        now() {
          return this.at;
        },
      };
      const later = new BackupFreshnessIndicator(
        testApp.config,
        testApp.app.get(HealthIndicatorService),
        testApp.app.get(BackupService),
        clock,
      );
      clock.at = new Date(Date.now() + 26.5 * 3_600_000);
      expect(await later.check('backup')).toEqual({
        backup: { status: 'down', message: 'no verified backup since this instance started 26 h ago' },
      });

      const hour = 3_600_000;
      store.write(manifest('stale', new Date(Date.now() - 27 * hour), 'verified'));
      const stale = await health().expect(503);
      expect(stale.body.error.backup).toMatchObject({ status: 'down', backup: 'stale', maxAgeHours: 26 });
      expect(stale.body.error.backup.ageHours).toBeGreaterThan(26);

      store.write(manifest('fresh', new Date(Date.now() - 2 * hour), 'verified'));
      const fresh = await health().expect(200);
      expect(fresh.body.info.backup).toMatchObject({ status: 'up', backup: 'fresh' });

      store.write(manifest('broken', new Date(Date.now() - hour), 'failed'));
      const failed = await health().expect(503);
      expect(failed.body.error.backup).toMatchObject({
        status: 'down',
        backup: 'broken',
        message: expect.stringMatching(/failed verification: row counts differ/),
      });
      expect(Object.keys(failed.body.error)).toEqual(['backup']);
    } finally {
      await testApp.close();
    }
  });
});
