import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KycApplication } from './entities/kyc-application.entity';
import { KycDocument } from './entities/kyc-document.entity';

@Module({
  imports: [TypeOrmModule.forFeature([KycApplication, KycDocument])],
  exports: [TypeOrmModule],
})
export class KycModule {}
