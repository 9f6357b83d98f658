import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { checkWithTimeout } from './with-timeout';

/** V8 heap in use against HEALTH_HEAP_MAX_MB. */
@Injectable()
export class HeapIndicator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly indicators: HealthIndicatorService,
  ) {}

  check<Key extends string>(key: Key) {
    const session = this.indicators.check(key);
    return checkWithTimeout(session, this.config.monitoring.healthCheckTimeoutMs, async () => {
      const heapUsedMb = Number((process.memoryUsage().heapUsed / 1024 / 1024).toFixed(1));
      const maxMb = this.config.monitoring.heapMaxMb;
      return heapUsedMb > maxMb
        ? session.down({ heapUsedMb, maxMb, message: `heap ${heapUsedMb} MB above ${maxMb} MB` })
        : session.up({ heapUsedMb, maxMb });
    });
  }
}
