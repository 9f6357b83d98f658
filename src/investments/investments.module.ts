import { Module } from '@nestjs/common';
import { AdminAuditModule } from '../admin-audit/admin-audit.module';
import { AssetsModule } from '../assets/assets.module';
import { AdminInvestmentsController, InvestmentsController } from './investments.controller';
import { InvestmentsRepository } from './investments.repository';
import { InvestmentsService } from './investments.service';

@Module({
  imports: [AdminAuditModule, AssetsModule],
  controllers: [InvestmentsController, AdminInvestmentsController],
  providers: [InvestmentsRepository, InvestmentsService],
})
export class InvestmentsModule {}
