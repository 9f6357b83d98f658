import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminAuditModule } from '../admin-audit/admin-audit.module';
import { UsersModule } from '../users/users.module';
import { AdminAccountsController } from './admin-accounts.controller';
import { AdminAccountsRepository } from './admin-accounts.repository';
import { AdminAccountsService } from './admin-accounts.service';
import { AdminController } from './admin.controller';
import { AdminRepository } from './admin.repository';
import { AdminService } from './admin.service';
import { AdminLog } from './entities/admin-log.entity';
import { AdminPermission } from './entities/admin-permission.entity';
import { AdminUser } from './entities/admin-user.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AdminUser, AdminLog, AdminPermission]), UsersModule, AdminAuditModule],
  controllers: [AdminController, AdminAccountsController],
  providers: [AdminRepository, AdminService, AdminAccountsRepository, AdminAccountsService],
  exports: [TypeOrmModule],
})
export class AdminModule {}
