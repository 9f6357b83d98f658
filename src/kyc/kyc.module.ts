import { Module } from '@nestjs/common';
import { AdminAuditModule } from '../admin-audit/admin-audit.module';
import { AdminKycController } from './admin-kyc.controller';
import { KycController } from './kyc.controller';
import { KycRepository } from './kyc.repository';
import { KycService } from './kyc.service';

@Module({
  imports: [AdminAuditModule],
  controllers: [KycController, AdminKycController],
  providers: [KycRepository, KycService],
})
export class KycModule {}
