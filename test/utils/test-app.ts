import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INestApplication, LoggerService } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap';
import { JsonLogger } from '../../src/common/logging/json-logger';
import { AppConfig, loadAppConfig } from '../../src/config/app.config';
import { MetricsServer } from '../../src/system/metrics/metrics.server';
import { observeContract } from './contract-observer';
import { createTestDatabase, dropTestDatabase } from './test-database';

export interface TestApp {
  app: INestApplication;
  /** The HTTP server to hand to supertest. */
  http: ReturnType<INestApplication['getHttpServer']>;
  dataSource: DataSource;
  databaseUrl: string;
  /** The Prometheus scrape server, `http://127.0.0.1:<port>` (GET /metrics), apart from the API. */
  metricsUrl: string;
  config: AppConfig;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Use this database instead of a fresh clone of the template. */
  databaseUrl?: string;
  env?: Record<string, string>;
  logger?: LoggerService;
  /**
   * Record this app's answers for the contract check (test/utils/contract-reporter.js). Off only for an app a test
   * misconfigures on purpose to show what breaks: its answers are not the contract's.
   */
  observeContract?: boolean;
}

/** The real app (same bootstrap as production) on its own real database. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownDatabase = !options.databaseUrl;
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  // Never the project's own backups/ folder: a developer's backups there must not change a test.
  const backupDir = options.env?.BACKUP_DIR ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'pend-test-backups-'));
  const config = loadAppConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    ...(backupDir ? { BACKUP_DIR: backupDir } : {}),
    // supertest stands for a local proxy: tests set X-Forwarded-For to act as different clients.
    TRUST_PROXY: 'loopback',
    SIWE_DOMAIN: 'app.pend.test',
    SIWE_URI: 'http://app.pend.test',
    ...options.env,
  });
  const logger = options.logger ?? new JsonLogger(config.logLevel);
  const app = await createApp({
    config,
    databaseUrl,
    logger,
    addHttpHooks: options.observeContract === false ? undefined : observeContract,
  });
  await app.init();
  return {
    app,
    http: app.getHttpServer(),
    dataSource: app.get(DataSource),
    databaseUrl,
    metricsUrl: app.get(MetricsServer).url,
    config,
    async close() {
      await app.close();
      if (ownDatabase) await dropTestDatabase(databaseUrl);
      if (backupDir) fs.rmSync(backupDir, { recursive: true, force: true });
    },
  };
}
