import { Module } from '@nestjs/common';
import { AdminAuditModule } from '../admin-audit/admin-audit.module';
import { AdminBlockchainController, BlockchainController } from './blockchain.controller';
import { BlockchainRepository } from './blockchain.repository';
import { BlockchainService } from './blockchain.service';

@Module({
  imports: [AdminAuditModule],
  controllers: [BlockchainController, AdminBlockchainController],
  providers: [BlockchainRepository, BlockchainService],
})
export class BlockchainModule {}
