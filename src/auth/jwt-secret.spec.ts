import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigValidationError, loadAppConfig } from '../config/app.config';
import { resolveJwtSecret } from './jwt-secret';

describe('JWT secret', () => {
  it('refuses to start in production without JWT_SECRET, naming it', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'production' })).toThrow(ConfigValidationError);
    expect(() => loadAppConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
  });

  it('refuses a short JWT_SECRET, naming it', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });

  it('uses JWT_SECRET when set', () => {
    const secret = 'x'.repeat(40);
    expect(
      resolveJwtSecret(
        loadAppConfig({
          NODE_ENV: 'production',
          JWT_SECRET: secret,
          SIWE_DOMAIN: 'app.pend.example',
          SIWE_URI: 'https://app.pend.example',
        }),
      ),
    ).toBe(secret);
  });

  it('outside production, generates a secret once and keeps it beside the embedded data', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-accounts-jwt-'));
    try {
      const config = loadAppConfig({ NODE_ENV: 'development', EMBEDDED_PG_DATA_DIR: path.join(dir, 'postgres') });
      const first = resolveJwtSecret(config);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(fs.readFileSync(path.join(dir, 'jwt-secret'), 'utf8').trim()).toBe(first);
      expect(resolveJwtSecret(config)).toBe(first);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
