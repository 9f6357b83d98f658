import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from '../config/app.config';

/**
 * JWT_SECRET when set. Production refuses to run without it (config validation says so).
 * Elsewhere a secret is generated on first start and kept beside the embedded database's
 * data, so `npm start` stays zero-config and tokens survive restarts; tests get a fresh one.
 */
export function resolveJwtSecret(config: AppConfig): string {
  if (config.auth.jwtSecret) return config.auth.jwtSecret;
  if (config.nodeEnv === 'test') return randomBytes(32).toString('hex');
  const file = path.join(path.dirname(config.database.embeddedDataDir), 'jwt-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
