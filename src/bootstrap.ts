import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { FastifyInstance } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { DatabaseOutageMonitor } from './common/database/database-outage';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { completeOpenApiDocument } from './common/openapi/complete-document';
import { createHttpAdapter } from './common/http/http-adapter';
import { primaryPool } from './common/database/read-rows';
import { ReplicaRouter, useReadRouting } from './common/database/read-routing';
import { useMaintenanceMode } from './common/http/maintenance-mode';
import { useCors, useSecurityHeaders } from './common/http/security-headers';
import { createValidationPipe } from './common/validation/validation.pipe';
import { AppConfig } from './config/app.config';
import { createDataSource } from './database/data-source';
import { runMigrationsWithLock } from './database/migration-runner';
import { ensureReferenceData } from './database/seeds/reference-data.seed';
import { TypeormJsonLogger } from './database/typeorm-logger';
import { RequestTracker } from './system/usage/request-tracking.hooks';

export interface CreateAppOptions {
  config: AppConfig;
  databaseUrl: string;
  logger: LoggerService;
  /** Extra Fastify hooks, added before the routes are ready (the e2e tests record each answer's status and code). */
  addHttpHooks?: (fastify: FastifyInstance) => void;
}

/** Builds the HTTP application exactly as production runs it; the e2e tests use this too. */
export async function createApp({ config, databaseUrl, logger, addHttpHooks }: CreateAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, databaseUrl, logger }),
    createHttpAdapter(config.http),
    {
      logger,
      bufferLogs: false,
      bodyParser: false,
    },
  );
  useSecurityHeaders(app.getHttpAdapter().getInstance());
  useCors(app, config.http);
  useMaintenanceMode(app.getHttpAdapter().getInstance(), config.maintenance);
  useReadRouting(app.getHttpAdapter().getInstance(), app.get(ReplicaRouter), () => primaryPool(app.get(DataSource)));
  app.get(RequestTracker).attach(app.getHttpAdapter().getInstance());
  addHttpHooks?.(app.getHttpAdapter().getInstance());
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  const replicas = app.get(ReplicaRouter);
  app.useGlobalFilters(new AllExceptionsFilter(logger, app.get(DatabaseOutageMonitor), () => replicas.hasReplicaUp()));

  const openApi = new DocumentBuilder()
    .setTitle('Pend API')
    .setDescription('Investors, KYC, assets, investments, blockchain events and platform operations')
    .setVersion('1.0')
    // One tag per module; its investor and admin routes together.
    .addTag('auth', 'Sign-in: wallet (Sign-In with Ethereum) for investors, email and password for admins')
    .addTag('users', 'Investor registration, the investor’s own account and profile, transaction history')
    .addTag('kyc', 'KYC applications: investors submit, admins with kyc:review review them')
    .addTag('assets', 'Investment opportunities: investors browse and search, admins with assets:write create and change them')
    .addTag('investments', 'Investing (with Idempotency-Key), the investor’s holdings, and the admin settlement moves')
    .addTag('blockchain', 'On-chain events and contract calls: admins read them and ingest them')
    .addTag('admin', 'Admin accounts and roles, investor account status, the admin audit log')
    .addTag('system', 'Health, monitoring, dashboard figures and backups')
    .build();
  SwaggerModule.setup('api/docs', app, () => completeOpenApiDocument(SwaggerModule.createDocument(app, openApi)), {
    jsonDocumentUrl: 'api/docs-json',
  });

  if (config.database.migrationsRun) await prepareDatabase(config, databaseUrl, logger);
  await app.init();
  // Fastify answers (and supertest can use the server) only once its plugins are ready.
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/**
 * The one-time start work on the database: pending migrations (advisory-locked) and the reference data.
 * createApp runs it when DB_MIGRATIONS_RUN; under CLUSTER_WORKERS the primary runs it once before forking.
 */
export async function prepareDatabase(config: AppConfig, databaseUrl: string, logger: LoggerService): Promise<void> {
  // On a connection of their own, without the request pool's query and statement timeouts:
  // a migration may rightly take longer than any request should.
  // The direct connection (DATABASE_DIRECT_URL) when a transaction pooler sits in front: the migration lock is a session advisory lock.
  const migrator = createDataSource(config, config.database.directUrl ?? databaseUrl, { logger: new TypeormJsonLogger(logger) });
  await migrator.initialize();
  try {
    await runMigrationsWithLock(migrator, logger);
    // Reference data the app cannot work without (tiers, the role → permission catalogue).
    const seeded = await ensureReferenceData(migrator);
    if (seeded.tiersInserted + seeded.permissionsInserted > 0) {
      logger.log(`Seeded ${seeded.tiersInserted} tier(s) and ${seeded.permissionsInserted} role permission(s)`, 'Bootstrap');
    }
  } finally {
    await migrator.destroy();
  }
}
