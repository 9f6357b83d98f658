import { Module } from '@nestjs/common';
import { AdminAuditService } from './admin-audit.service';

/** The admin audit writer: features that record admin actions import this, not AdminModule. */
@Module({
  providers: [AdminAuditService],
  exports: [AdminAuditService],
})
export class AdminAuditModule {}
