import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { SystemJobsService } from '../../src/system/jobs/system-jobs.service';
import { createAdmin } from '../utils/auth';
import { createTestApp, TestApp } from '../utils/test-app';

/** Availability over 24 h and 30 d from the per-minute sampler, and the newest recovery drill, in database-health. */
describe('GET /api/admin/database-health: availability and the last drill', () => {
  let testApp: TestApp;
  let dir: string;
  let token: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-availability-e2e-'));
    testApp = await createTestApp({ env: { BACKUP_DIR: dir } });
    token = (await createAdmin(testApp, AdminRole.Analyst)).token;
  });

  afterAll(async () => {
    await testApp?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const health = async () =>
    (await request(testApp.http).get('/api/admin/database-health').set('Authorization', `Bearer ${token}`).expect(200)).body;

  it('reports null before any sample, and no drill', async () => {
    expect(await health()).toMatchObject({ availability: { last24h: null, last30d: null }, lastDrill: null });
  });

  it('counts the sampled minutes over the minutes since the first sample: 2 days with 1 h missing, today with 6 minutes missing', async () => {
    // A sample per minute from 2 days ago to now, except 60 minutes yesterday and 6 minutes in the last 24 h.
    await testApp.dataSource.query(
      `INSERT INTO system_metrics (name, value, recorded_at)
       SELECT 'availability', 1, date_trunc('minute', now()) - make_interval(mins => g) + interval '5 seconds'
       FROM generate_series(1, 2 * 1440 - 1) g
       WHERE g NOT BETWEEN 1800 AND 1859 AND g NOT BETWEEN 100 AND 105`,
    );
    // The sampler adds the current minute.
    await testApp.app.get(SystemJobsService).sample();
    const { availability } = await health();
    // 24 h window: 1440 minutes (or 1441 at a minute boundary), 6 missing.
    expect(availability.last24h).toBeGreaterThan(99.5);
    expect(availability.last24h).toBeLessThan(99.65);
    // 30 d window starts at the first sample, 2 days ago: 2880 minutes, 66 missing.
    expect(availability.last30d).toBeCloseTo((100 * (2880 - 66)) / 2880, 1);
  });

  it('shows the newest drill record from BACKUP_DIR/drills', async () => {
    fs.mkdirSync(path.join(dir, 'drills'));
    const record = {
      id: 'drill-1',
      startedAt: '2026-12-01T04:00:00.000Z',
      status: 'failed',
      rtoMs: 8123,
      error: 'row counts differ in users',
    };
    fs.writeFileSync(path.join(dir, 'drills', 'drill-1.json'), JSON.stringify(record));
    expect((await health()).lastDrill).toEqual({
      at: '2026-12-01T04:00:00.000Z',
      status: 'failed',
      rtoSeconds: 8.123,
      error: 'row counts differ in users',
    });
    const metrics = (await request(testApp.metricsUrl).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^pend_drill_last_failed 1$/m);
  });
});
