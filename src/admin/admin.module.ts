import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminAuditService } from './admin-audit.service';
import { AdminLog } from './entities/admin-log.entity';
import { AdminPermission } from './entities/admin-permission.entity';
import { AdminUser } from './entities/admin-user.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AdminUser, AdminLog, AdminPermission])],
  providers: [AdminAuditService],
  exports: [TypeOrmModule, AdminAuditService],
})
export class AdminModule {}
