import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { loadAppConfig } from '../../src/config/app.config';
import { createDataSource } from '../../src/database/data-source';
import { runMigrationsWithLock } from '../../src/database/migration-runner';
import { seedReferenceData } from '../../src/database/seeds/reference-data.seed';
import { freePort, PostgresProcess, startPostgresProcess } from './postgres-process';

export const TEMPLATE_DATABASE = 'pend_template';

declare global {
  var __PEND_TEST_POSTGRES__: PostgresProcess | undefined;
}

/**
 * One throwaway PostgreSQL for the whole run, under the system temp folder. The schema is
 * migrated and seeded once into a template; each test file clones it (CREATE DATABASE … TEMPLATE).
 */
export default async function globalSetup() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-test-pg-'));
  fs.chmodSync(dataDir, 0o755);
  const server = await startPostgresProcess(path.join(dataDir, 'data'), await freePort());
  globalThis.__PEND_TEST_POSTGRES__ = server;

  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();

  const templateUrl = withDatabase(server.url, TEMPLATE_DATABASE);
  const dataSource = createDataSource(loadAppConfig({ NODE_ENV: 'test' }), templateUrl, { logging: false });
  await dataSource.initialize();
  await runMigrationsWithLock(dataSource);
  await seedReferenceData(dataSource);
  await dataSource.destroy();

  // Each worker records the answers the app gave (test/utils/contract-observer.ts); the contract reporter reads them.
  process.env.PEND_CONTRACT_OBSERVED_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-contract-observed-'));
  process.env.PEND_TEST_SERVER_URL = server.url;
  process.env.PEND_TEST_SERVER_DIR = dataDir;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
