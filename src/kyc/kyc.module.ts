import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminAuditModule } from '../admin-audit/admin-audit.module';
import { AdminKycController } from './admin-kyc.controller';
import { KycApplication } from './entities/kyc-application.entity';
import { KycDocument } from './entities/kyc-document.entity';
import { KycController } from './kyc.controller';
import { KycRepository } from './kyc.repository';
import { KycService } from './kyc.service';

@Module({
  imports: [TypeOrmModule.forFeature([KycApplication, KycDocument]), AdminAuditModule],
  controllers: [KycController, AdminKycController],
  providers: [KycRepository, KycService],
  exports: [TypeOrmModule],
})
export class KycModule {}
