import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ReplicaRouter } from '../../common/database/read-routing';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { checkWithTimeout } from './with-timeout';

/**
 * The read replicas (DATABASE_REPLICA_URLS): up when each answers as a standby, with its replay lag.
 * One that is down does not stop the API (the primary serves its reads): reported, not failed.
 */
@Injectable()
export class ReplicaIndicator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly indicators: HealthIndicatorService,
    private readonly replicas: ReplicaRouter,
  ) {}

  get configured(): boolean {
    return this.replicas.size > 0;
  }

  /** `replicas`: up when at least one replica answers; `details` per replica. */
  check<Key extends string>(key: Key) {
    const session = this.indicators.check(key);
    return checkWithTimeout(session, Math.min(this.config.monitoring.healthCheckTimeoutMs, 1_500), async () => {
      const states = await Promise.all(
        this.replicas.pools.map(async ({ pool }, index) => {
          try {
            const { rows } = await pool.query<{ standby: boolean; lag: number | null }>(
              `SELECT pg_is_in_recovery() AS standby,
                      extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS lag`,
            );
            return { replica: index, status: 'up', standby: rows[0].standby, lagSeconds: rows[0].lag };
          } catch {
            return { replica: index, status: 'down', message: 'unreachable' };
          }
        }),
      );
      const up = states.filter((state) => state.status === 'up').length;
      return up > 0 ? session.up({ up, of: states.length, replicas: states }) : session.down({ up, of: states.length, replicas: states });
    });
  }
}
