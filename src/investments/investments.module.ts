import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminAuditModule } from '../admin-audit/admin-audit.module';
import { AssetsModule } from '../assets/assets.module';
import { IdempotencyKey } from './entities/idempotency-key.entity';
import { InvestmentAgreement } from './entities/investment-agreement.entity';
import { Investment } from './entities/investment.entity';
import { Transaction } from './entities/transaction.entity';
import { AdminInvestmentsController, InvestmentsController } from './investments.controller';
import { InvestmentsRepository } from './investments.repository';
import { InvestmentsService } from './investments.service';

@Module({
  imports: [TypeOrmModule.forFeature([Investment, Transaction, InvestmentAgreement, IdempotencyKey]), AdminAuditModule, AssetsModule],
  controllers: [InvestmentsController, AdminInvestmentsController],
  providers: [InvestmentsRepository, InvestmentsService],
  exports: [TypeOrmModule],
})
export class InvestmentsModule {}
