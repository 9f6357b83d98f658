import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AdminAuditModule } from '../admin-audit/admin-audit.module';
import { BackupScheduler, DrillScheduler } from './backup/backup.scheduler';
import { DrillService } from './backup/drill';
import { BackupsController } from './backup/backups.controller';
import { BackupRepository } from './backup/backup.repository';
import { BackupService } from './backup/backup.service';
import { CLOCK, systemClock } from './backup/clock';
import type { Clock } from './backup/clock';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';
import { SessionDatabase } from '../database/session-database';
import { PgDumpRunner } from './backup/pg-dump.runner';
import { BackupFreshnessIndicator } from './health/backup-freshness.indicator';
import { DiskSpaceIndicator } from './health/disk-space.indicator';
import { HealthController } from './health/health.controller';
import { HeapIndicator } from './health/heap.indicator';
import { ReplicaIndicator } from './health/replica.indicator';
import { MigrationsIndicator } from './health/migrations.indicator';
import { SystemJobsRepository } from './jobs/system-jobs.repository';
import { SystemJobsService } from './jobs/system-jobs.service';
import { BackgroundWriter } from './logs/background-writer';
import { MetricsServer } from './metrics/metrics.server';
import { MetricsRepository } from './metrics/metrics.repository';
import { MetricsService } from './metrics/metrics.service';
import { AdminMonitoringController } from './monitoring/admin-monitoring.controller';
import { MonitoringRepository } from './monitoring/monitoring.repository';
import { MonitoringService } from './monitoring/monitoring.service';
import { SlowQueryRecorder } from './monitoring/slow-query.recorder';
import { ApiUsageBuffer } from './usage/api-usage.buffer';
import { RequestStats } from './usage/request-stats';
import { RequestTracker } from './usage/request-tracking.hooks';

/** Operations: health, metrics, usage and slow-query logs, monitoring endpoints, backups. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 }), AdminAuditModule],
  controllers: [HealthController, AdminMonitoringController, BackupsController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    PgDumpRunner,
    {
      // Backups (session advisory lock, exported snapshot, pg_dump) run on the direct connection.
      provide: BackupService,
      inject: [APP_CONFIG, SessionDatabase, PgDumpRunner, CLOCK],
      useFactory: (config: AppConfig, session: SessionDatabase, runner: PgDumpRunner, clock: Clock) =>
        new BackupService(config, new BackupRepository(session.dataSource), runner, clock),
    },
    BackupScheduler,
    {
      // The drill's restore point, snapshot and advisory lock: the direct connection too.
      provide: DrillService,
      inject: [APP_CONFIG, SessionDatabase, BackupService, CLOCK],
      useFactory: (config: AppConfig, session: SessionDatabase, backups: BackupService, clock: Clock) =>
        new DrillService(config, session.dataSource, backups, clock),
    },
    DrillScheduler,
    DiskSpaceIndicator,
    HeapIndicator,
    ReplicaIndicator,
    MigrationsIndicator,
    BackupFreshnessIndicator,
    BackgroundWriter,
    MetricsRepository,
    MetricsService,
    MetricsServer,
    RequestStats,
    ApiUsageBuffer,
    RequestTracker,
    SlowQueryRecorder,
    MonitoringRepository,
    MonitoringService,
    SystemJobsRepository,
    SystemJobsService,
  ],
  exports: [MetricsService, BackupService],
})
export class SystemModule {}
