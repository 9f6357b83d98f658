import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createTestApp, TestApp } from '../utils/test-app';

const RULES_DIR = path.resolve(__dirname, '..', '..', 'docker', 'prometheus');
const exec = promisify(execFile);

/** The Prometheus alert rules: valid (promtool check), firing as meant on synthetic series (promtool test), and naming only real metrics. */
describe('Prometheus alert rules (docker/prometheus/alerts.yml)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('pass promtool check rules, and the compose Prometheus config loads them', async () => {
    const { stdout } = await exec('promtool', ['check', 'rules', path.join(RULES_DIR, 'alerts.yml')]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
    const config = await exec('promtool', ['check', 'config', path.join(RULES_DIR, 'prometheus.yml')]);
    expect(`${config.stdout}${config.stderr}`).toMatch(/SUCCESS: 1 rule files found/);
  });

  it('fire as meant on synthetic series (promtool test rules alerts.test.yml)', async () => {
    const { stdout } = await exec('promtool', ['test', 'rules', path.join(RULES_DIR, 'alerts.test.yml')]);
    expect(stdout).toMatch(/SUCCESS/);
  });

  it('name only metrics that a live /metrics scrape exposes (the rules and the Grafana dashboard)', async () => {
    const dashboard = fs.readFileSync(path.join(RULES_DIR, '..', 'grafana', 'dashboards', 'pend.json'), 'utf8');
    expect(JSON.parse(dashboard)).toMatchObject({ uid: 'pend-overview', panels: expect.any(Array) });
    const rules = fs.readFileSync(path.join(RULES_DIR, 'alerts.yml'), 'utf8') + dashboard;
    const used = [...new Set(rules.match(/\bpend_[a-z_]+/g) ?? [])].map((name) => name.replace(/_(bucket|count|sum)$/, ''));
    expect(used.length).toBeGreaterThanOrEqual(5);
    // One request first, so the labelled HTTP histogram has series.
    await request(testApp.http).get('/api/health/live').expect(200);
    const scrape = (await request(testApp.metricsUrl).get('/metrics').expect(200)).text;
    const exposed = new Set([...scrape.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
    expect(used.filter((name) => !exposed.has(name))).toEqual([]);
    // No drill has run on this app's (empty) backup folder: the gauge says 0, so PendDrillOverdue fires rather than staying silent.
    expect(scrape).toMatch(/^pend_drill_last_success_timestamp_seconds 0$/m);
  });
});
