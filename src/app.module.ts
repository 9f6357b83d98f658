import { DynamicModule, Module } from '@nestjs/common';
import type { LoggerService } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { ScheduleModule } from '@nestjs/schedule';
import { AssetsModule } from './assets/assets.module';
import { BlockchainModule } from './blockchain/blockchain.module';
import { AppConfigModule } from './config/app-config.module';
import { AppConfig } from './config/app.config';
import { DatabaseOutageMonitor } from './common/database/database-outage';
import { buildRequestDataSourceOptions } from './database/data-source';
import { initializeWithRetry } from './database/migration-runner';
import { SessionDatabaseModule } from './database/session-database';
import { useReplicas, useUnnamedStatements } from './common/database/read-rows';
import { ReplicaRouter } from './common/database/read-routing';
import { TypeormJsonLogger } from './database/typeorm-logger';
import { InvestmentsModule } from './investments/investments.module';
import { KycModule } from './kyc/kyc.module';
import { SystemModule } from './system/system.module';
import { UsersModule } from './users/users.module';

export interface AppModuleOptions {
  config: AppConfig;
  /** The resolved database URL (DATABASE_URL or the embedded server's). */
  databaseUrl: string;
  logger: LoggerService;
}

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl, logger }: AppModuleOptions): DynamicModule {
    const outage = new DatabaseOutageMonitor(logger, config.database.connectTimeoutMs);
    const { database } = config;
    const replicas = new ReplicaRouter(
      database.replicaUrls,
      {
        poolMax: database.poolMax,
        connectTimeoutMs: database.connectTimeoutMs,
        queryTimeoutMs: database.queryTimeoutMs,
        statementTimeoutMs: database.statementTimeoutMs,
        idleTimeoutMs: database.idleTimeoutMs,
      },
      database.replicaWaitMs,
      () => outage.inOutage,
      logger,
    );
    return {
      module: AppModule,
      // The outage monitor and the replica router are what several modules' providers (health, the filter) ask for.
      global: true,
      providers: [
        { provide: DatabaseOutageMonitor, useValue: outage },
        { provide: ReplicaRouter, useValue: replicas },
      ],
      exports: [DatabaseOutageMonitor, ReplicaRouter],
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          useFactory: () => buildRequestDataSourceOptions(config, databaseUrl, outage, { logger: new TypeormJsonLogger(logger) }),
          dataSourceFactory: async (options) => {
            const dataSource = new DataSource(options!);
            if (!config.database.preparedStatements) useUnnamedStatements(dataSource);
            if (replicas.size > 0) useReplicas(dataSource, replicas);
            return initializeWithRetry(dataSource, config.database.connectRetries, logger);
          },
        }),
        SessionDatabaseModule,
        ScheduleModule.forRoot(),
        AuthModule,
        UsersModule,
        KycModule,
        AssetsModule,
        InvestmentsModule,
        AdminModule,
        BlockchainModule,
        SystemModule,
      ],
    };
  }
}
