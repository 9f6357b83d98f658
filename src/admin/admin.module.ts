import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminLog } from './entities/admin-log.entity';
import { AdminPermission } from './entities/admin-permission.entity';
import { AdminUser } from './entities/admin-user.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AdminUser, AdminLog, AdminPermission])],
  exports: [TypeOrmModule],
})
export class AdminModule {}
