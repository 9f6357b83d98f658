import { ConfigValidationError, loadAppConfig } from './app.config';

describe('loadAppConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadAppConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.database).toMatchObject({ poolMax: 20, idleTimeoutMs: 30_000, connectTimeoutMs: 2_000, slowQueryMs: 1_000 });
    expect(config.database.embeddedDataDir).toMatch(/\.data[/\\]postgres$/);
  });

  it('fails fast naming every bad variable', () => {
    expect(() => loadAppConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', DB_POOL_MAX: '0' })).toThrow(ConfigValidationError);
    try {
      loadAppConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT=/);
      expect((error as Error).message).toMatch(/DATABASE_URL=/);
    }
  });

  it('reads CLUSTER_WORKERS: 1 (no cluster) by default, 1 to 64 workers', () => {
    expect(loadAppConfig({}).cluster).toEqual({ workers: 1 });
    expect(loadAppConfig({ CLUSTER_WORKERS: '4' }).cluster).toEqual({ workers: 4 });
    for (const bad of ['0', '65', 'auto', '1.5']) expect(() => loadAppConfig({ CLUSTER_WORKERS: bad })).toThrow(/CLUSTER_WORKERS=/);
  });

  it('reads the pooler settings: a direct URL for session work, named statements off', () => {
    const config = loadAppConfig({ DATABASE_DIRECT_URL: 'postgres://u:p@db:5432/pend', DB_PREPARED_STATEMENTS: 'false' });
    expect(config.database).toMatchObject({ directUrl: 'postgres://u:p@db:5432/pend', preparedStatements: false });
    expect(loadAppConfig({}).database).toMatchObject({ directUrl: undefined, preparedStatements: true });
    expect(() => loadAppConfig({ DATABASE_DIRECT_URL: 'mysql://x' })).toThrow(/DATABASE_DIRECT_URL=/);
  });

  it('reads the maintenance mode (read_only or read-only) and the replica list', () => {
    expect(loadAppConfig({}).maintenance).toEqual({ readOnly: false, retryAfterSeconds: 60 });
    expect(loadAppConfig({ MAINTENANCE_MODE: 'read_only' }).maintenance.readOnly).toBe(true);
    expect(loadAppConfig({ MAINTENANCE_MODE: 'read-only', MAINTENANCE_RETRY_AFTER_SECONDS: '30' }).maintenance).toEqual({
      readOnly: true,
      retryAfterSeconds: 30,
    });
    expect(() => loadAppConfig({ MAINTENANCE_MODE: 'readonly' })).toThrow(/MAINTENANCE_MODE=/);
    const replicas = loadAppConfig({ DATABASE_REPLICA_URLS: ' postgres://u:p@r1:5432/pend , postgresql://u:p@r2/pend' }).database;
    expect(replicas.replicaUrls).toEqual(['postgres://u:p@r1:5432/pend', 'postgresql://u:p@r2/pend']);
    expect(loadAppConfig({}).database).toMatchObject({ replicaUrls: [], replicaWaitMs: 250 });
    expect(() => loadAppConfig({ DATABASE_REPLICA_URLS: 'postgres://a/b,mysql://c' })).toThrow(/DATABASE_REPLICA_URLS=/);
  });

  it('reads DASHBOARD_STATS_MAX_AGE_MS: 30 s by default, 0 (no reuse) in tests, 0 to an hour', () => {
    expect(loadAppConfig({}).monitoring.dashboardStatsMaxAgeMs).toBe(30_000);
    expect(loadAppConfig({ NODE_ENV: 'test' }).monitoring.dashboardStatsMaxAgeMs).toBe(0);
    expect(loadAppConfig({ NODE_ENV: 'test', DASHBOARD_STATS_MAX_AGE_MS: '5000' }).monitoring.dashboardStatsMaxAgeMs).toBe(5000);
    expect(loadAppConfig({ DASHBOARD_STATS_MAX_AGE_MS: '0' }).monitoring.dashboardStatsMaxAgeMs).toBe(0);
    for (const bad of ['-1', '3600001', 'soon', '1.5'])
      expect(() => loadAppConfig({ DASHBOARD_STATS_MAX_AGE_MS: bad })).toThrow(/DASHBOARD_STATS_MAX_AGE_MS=/);
  });

  it('reads settings from the environment', () => {
    const config = loadAppConfig({ PORT: '8080', DB_POOL_MAX: '5', DATABASE_URL: 'postgres://u:p@db:5432/pend' });
    expect(config.port).toBe(8080);
    expect(config.database.poolMax).toBe(5);
    expect(config.database.url).toBe('postgres://u:p@db:5432/pend');
  });
});
