import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { JsonReplyExpressAdapter } from './common/http/json-reply.adapter';
import { createValidationPipe } from './common/validation/validation.pipe';
import { AppConfig } from './config/app.config';
import { runMigrationsWithLock } from './database/migration-runner';

export interface CreateAppOptions {
  config: AppConfig;
  databaseUrl: string;
  logger: LoggerService;
}

/** Builds the HTTP application exactly as production runs it; the e2e tests use this too. */
export async function createApp({ config, databaseUrl, logger }: CreateAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, databaseUrl, logger }), new JsonReplyExpressAdapter(), {
    logger,
    bufferLogs: false,
  });
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  // No SHA-1 of every JSON body for an ETag no API client sends back (If-None-Match): per-request CPU for nothing.
  app.set('etag', false);
  app.useBodyParser('json', { limit: '1mb' });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(logger));

  const openApi = new DocumentBuilder()
    .setTitle('Pend API')
    .setDescription('Investors, KYC, assets, investments, blockchain events and platform operations')
    .setVersion('1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'api/docs-json' });

  if (config.database.migrationsRun) {
    await runMigrationsWithLock(app.get(DataSource), logger);
  }
  return app;
}
