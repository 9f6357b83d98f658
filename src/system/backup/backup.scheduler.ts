import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { BackupOutcome, BackupService } from './backup.service';
import { DrillOutcome, DrillService } from './drill';

export const BACKUP_JOB = 'database-backup';

/**
 * Registers the backup cron (BACKUP_CRON) when BACKUP_ENABLED. The cron comes from config,
 * so the job is added to the registry at boot rather than with a static @Cron().
 */
@Injectable()
export class BackupScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('Backup');
  private running?: Promise<BackupOutcome>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly backups: BackupService,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.backup.enabled) return;
    const job = CronJob.from({ cronTime: this.config.backup.cron, onTick: () => void this.runScheduled(), timeZone: 'UTC' });
    this.registry.addCronJob(BACKUP_JOB, job);
    job.start();
  }

  /** What the cron fires; one run at a time in this process (waitForCompletion), one instance via the advisory lock. */
  runScheduled(): Promise<BackupOutcome> {
    return this.run('scheduled');
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** An admin's "back up now": same single flight as the cron; false when one is already running here. */
  startManual(): boolean {
    if (this.running) return false;
    void this.run('manual');
    return true;
  }

  private run(trigger: 'scheduled' | 'manual'): Promise<BackupOutcome> {
    this.running ??= this.backups
      .runBackup({ trigger })
      .then((outcome) => {
        if (outcome.status === 'skipped') this.logger.log(`Backup (${trigger}) skipped: ${outcome.reason}`);
        else this.logger.log(`Backup ${outcome.manifest.id}: ${outcome.manifest.sizeBytes} bytes, ${outcome.manifest.verification.status}`);
        return outcome;
      })
      .catch((error: Error) => {
        this.logger.error(`Backup (${trigger}) failed: ${error.message}`);
        return { status: 'skipped', reason: `failed: ${error.message}` } as BackupOutcome;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }
}

export const DRILL_JOB = 'recovery-drill';

/** Registers the monthly recovery drill (DRILL_CRON) when DRILL_ENABLED; one instance runs it (advisory lock). */
@Injectable()
export class DrillScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('Drill');
  private running?: Promise<DrillOutcome>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly drills: DrillService,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.backup.drill.enabled) return;
    const job = CronJob.from({ cronTime: this.config.backup.drill.cron, onTick: () => void this.runScheduled(), timeZone: 'UTC' });
    this.registry.addCronJob(DRILL_JOB, job);
    job.start();
  }

  runScheduled(): Promise<DrillOutcome> {
    this.running ??= this.drills
      .runDrill({ trigger: 'scheduled' })
      .then((outcome) => {
        if (outcome.status === 'skipped') this.logger.log(`Drill skipped: ${outcome.reason}`);
        else this.logger.log(`Drill ${outcome.record.id}: ${outcome.record.status}, restore ${outcome.record.rtoMs ?? '-'} ms`);
        return outcome;
      })
      .catch((error: Error) => {
        this.logger.error(`Drill failed: ${error.message}`);
        return { status: 'skipped', reason: `failed: ${error.message}` } as DrillOutcome;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
