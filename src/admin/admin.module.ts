import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { AdminAccountsController } from './admin-accounts.controller';
import { AdminAccountsRepository } from './admin-accounts.repository';
import { AdminAccountsService } from './admin-accounts.service';
import { AdminAuditService } from './admin-audit.service';
import { AdminController } from './admin.controller';
import { AdminRepository } from './admin.repository';
import { AdminService } from './admin.service';
import { AdminLog } from './entities/admin-log.entity';
import { AdminPermission } from './entities/admin-permission.entity';
import { AdminUser } from './entities/admin-user.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AdminUser, AdminLog, AdminPermission]), UsersModule],
  controllers: [AdminController, AdminAccountsController],
  providers: [AdminAuditService, AdminRepository, AdminService, AdminAccountsRepository, AdminAccountsService],
  exports: [TypeOrmModule, AdminAuditService],
})
export class AdminModule {}
