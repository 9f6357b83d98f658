import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { AdminAuditService } from './admin-audit.service';
import { AdminController } from './admin.controller';
import { AdminRepository } from './admin.repository';
import { AdminService } from './admin.service';
import { AdminLog } from './entities/admin-log.entity';
import { AdminPermission } from './entities/admin-permission.entity';
import { AdminUser } from './entities/admin-user.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AdminUser, AdminLog, AdminPermission]), UsersModule],
  controllers: [AdminController],
  providers: [AdminAuditService, AdminRepository, AdminService],
  exports: [TypeOrmModule, AdminAuditService],
})
export class AdminModule {}
