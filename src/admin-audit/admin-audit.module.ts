import { Module } from '@nestjs/common';
import { AdminAuditRepository } from './admin-audit.repository';
import { AdminAuditService } from './admin-audit.service';

/** The admin audit writer: features that record admin actions import this, not AdminModule. */
@Module({
  providers: [AdminAuditRepository, AdminAuditService],
  exports: [AdminAuditService],
})
export class AdminAuditModule {}
