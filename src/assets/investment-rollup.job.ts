import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';
import { AssetsRepository } from './assets.repository';

/**
 * Folds the analytics queue into the rollup once a minute, on the primary: the only place folding
 * happens (the analytics route only reads, so a replica can serve it). Analytics therefore lag
 * confirmed-investment changes by at most the interval plus one fold; folds from several instances
 * take turns on the advisory lock.
 */
@Injectable()
export class InvestmentRollupJob {
  private readonly logger = new Logger('InvestmentRollup');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly assets: AssetsRepository,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: 'investment-rollup-fold', waitForCompletion: true })
  async foldOnSchedule(): Promise<void> {
    if (!this.config.monitoring.jobsEnabled) return;
    await this.assets.foldPendingInvestmentRollup().catch((error: Error) => this.logger.warn(`Rollup fold failed: ${error.message}`));
  }
}
