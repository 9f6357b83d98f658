import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyKey } from './entities/idempotency-key.entity';
import { InvestmentAgreement } from './entities/investment-agreement.entity';
import { Investment } from './entities/investment.entity';
import { Transaction } from './entities/transaction.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Investment, Transaction, InvestmentAgreement, IdempotencyKey])],
  exports: [TypeOrmModule],
})
export class InvestmentsModule {}
