import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminAuditModule } from '../admin-audit/admin-audit.module';
import { AdminAssetsController, AssetsController } from './assets.controller';
import { AssetsRepository } from './assets.repository';
import { AssetsService } from './assets.service';
import { Asset } from './entities/asset.entity';
import { InvestmentRollupJob } from './investment-rollup.job';

@Module({
  imports: [TypeOrmModule.forFeature([Asset]), AdminAuditModule],
  controllers: [AssetsController, AdminAssetsController],
  providers: [AssetsRepository, AssetsService, InvestmentRollupJob],
  exports: [TypeOrmModule, AssetsRepository],
})
export class AssetsModule {}
