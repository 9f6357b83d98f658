import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserProfile } from './entities/user-profile.entity';
import { UserTier } from './entities/user-tier.entity';
import { User } from './entities/user.entity';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User, UserProfile, UserTier])],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService],
  exports: [TypeOrmModule, UsersService],
})
export class UsersModule {}
