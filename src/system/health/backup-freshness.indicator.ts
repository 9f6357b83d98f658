import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { BackupService } from '../backup/backup.service';
import { CLOCK } from '../backup/clock';
import type { Clock } from '../backup/clock';
import { checkWithTimeout } from './with-timeout';

/**
 * Once backups are enabled: down when the newest backup failed verification, or when the
 * newest verified one is older than BACKUP_MAX_AGE_HOURS (26 h: a daily job plus slack).
 * With no backup at all, a freshly started instance gets the same grace before it turns
 * down, so enabling backups on a running platform does not fail readiness at once.
 */
@Injectable()
export class BackupFreshnessIndicator {
  private readonly startedAt: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly indicators: HealthIndicatorService,
    private readonly backups: BackupService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.startedAt = clock.now().getTime();
  }

  check<Key extends string>(key: Key) {
    const session = this.indicators.check(key);
    return checkWithTimeout(session, this.config.monitoring.healthCheckTimeoutMs, async () => {
      const newest = this.backups.store.newest();
      if (newest?.verification.status === 'failed') {
        return session.down({
          backup: newest.id,
          message: `the last backup failed verification: ${newest.verification.error ?? 'unknown'}`,
        });
      }
      const verified = this.backups.store.newestVerified();
      const maxAgeHours = this.config.backup.maxAgeHours;
      if (!verified) {
        const graceUntil = new Date(this.startedAt + maxAgeHours * 3_600_000);
        return this.clock.now() < graceUntil
          ? session.up({ message: 'no backup yet', firstBackupDueBy: graceUntil.toISOString() })
          : session.down({ message: `no verified backup since this instance started ${maxAgeHours} h ago` });
      }
      const ageHours = Number(((this.clock.now().getTime() - Date.parse(verified.startedAt)) / 3_600_000).toFixed(2));
      const data = { backup: verified.id, ageHours, maxAgeHours };
      return ageHours > maxAgeHours
        ? session.down({ ...data, message: `the newest verified backup is ${ageHours} h old` })
        : session.up(data);
    });
  }
}
