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

  it('reads the pooler settings: a direct URL for session work, named statements off', () => {
    const config = loadAppConfig({ DATABASE_DIRECT_URL: 'postgres://u:p@db:5432/pend', DB_PREPARED_STATEMENTS: 'false' });
    expect(config.database).toMatchObject({ directUrl: 'postgres://u:p@db:5432/pend', preparedStatements: false });
    expect(loadAppConfig({}).database).toMatchObject({ directUrl: undefined, preparedStatements: true });
    expect(() => loadAppConfig({ DATABASE_DIRECT_URL: 'mysql://x' })).toThrow(/DATABASE_DIRECT_URL=/);
  });

  it('reads settings from the environment', () => {
    const config = loadAppConfig({ PORT: '8080', DB_POOL_MAX: '5', DATABASE_URL: 'postgres://u:p@db:5432/pend' });
    expect(config.port).toBe(8080);
    expect(config.database.poolMax).toBe(5);
    expect(config.database.url).toBe('postgres://u:p@db:5432/pend');
  });
});
