import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { MIGRATIONS_TABLE } from '../../database/data-source';
import { checkWithTimeout } from './with-timeout';

/** Down while any migration this build ships is missing from the migrations table. */
@Injectable()
export class MigrationsIndicator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
  ) {}

  check<Key extends string>(key: Key) {
    const session = this.indicators.check(key);
    return checkWithTimeout(session, this.config.monitoring.healthCheckTimeoutMs, async () => {
      const applied = new Set(
        ((await this.dataSource.query(`SELECT name FROM "${MIGRATIONS_TABLE}"`)) as { name: string }[]).map((r) => r.name),
      );
      const pending = this.dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !applied.has(name));
      return pending.length > 0
        ? session.down({ pending, message: `${pending.length} pending migration(s): ${pending.join(', ')}` })
        : session.up({ applied: applied.size });
    });
  }
}
