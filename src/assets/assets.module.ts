import { Module } from '@nestjs/common';
import { AdminAuditModule } from '../admin-audit/admin-audit.module';
import { AdminAssetsController, AssetsController } from './assets.controller';
import { AssetsRepository } from './assets.repository';
import { AssetsService } from './assets.service';
import { InvestmentRollupJob } from './investment-rollup.job';

@Module({
  imports: [AdminAuditModule],
  controllers: [AssetsController, AdminAssetsController],
  providers: [AssetsRepository, AssetsService, InvestmentRollupJob],
  exports: [AssetsRepository],
})
export class AssetsModule {}
