import { Module } from '@nestjs/common';
import { AdminAuditModule } from '../admin-audit/admin-audit.module';
import { UsersModule } from '../users/users.module';
import { AdminAccountsController } from './admin-accounts.controller';
import { AdminAccountsRepository } from './admin-accounts.repository';
import { AdminAccountsService } from './admin-accounts.service';
import { AdminController } from './admin.controller';
import { AdminRepository } from './admin.repository';
import { AdminService } from './admin.service';

@Module({
  imports: [UsersModule, AdminAuditModule],
  controllers: [AdminController, AdminAccountsController],
  providers: [AdminRepository, AdminService, AdminAccountsRepository, AdminAccountsService],
})
export class AdminModule {}
