import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';
import { AssetsRepository } from './assets.repository';

/**
 * Folds the analytics queue once a minute, so it stays short when nobody reads analytics for a while
 * (and the first read after a bulk import does not pay the recompute). The analytics route folds
 * anything newer itself; folds from several instances take turns on the advisory lock.
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
