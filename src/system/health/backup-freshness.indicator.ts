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
 */
@Injectable()
export class BackupFreshnessIndicator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly indicators: HealthIndicatorService,
    private readonly backups: BackupService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  check<Key extends string>(key: Key) {
    const session = this.indicators.check(key);
    return checkWithTimeout(session, this.config.monitoring.healthCheckTimeoutMs, async () => {
      const newest = this.backups.store.newest();
      if (newest?.verification.status === 'failed') {
        return session.down({ backup: newest.id, message: `the last backup failed verification: ${newest.verification.error ?? 'unknown'}` });
      }
      const verified = this.backups.store.newestVerified();
      if (!verified) return session.down({ message: 'no verified backup yet' });
      const ageHours = Number(((this.clock.now().getTime() - Date.parse(verified.startedAt)) / 3_600_000).toFixed(2));
      const data = { backup: verified.id, ageHours, maxAgeHours: this.config.backup.maxAgeHours };
      return ageHours > this.config.backup.maxAgeHours
        ? session.down({ ...data, message: `the newest verified backup is ${ageHours} h old` })
        : session.up(data);
    });
  }
}
