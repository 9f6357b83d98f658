import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminAuditModule } from '../admin-audit/admin-audit.module';
import { AdminBlockchainController, BlockchainController } from './blockchain.controller';
import { BlockchainRepository } from './blockchain.repository';
import { BlockchainService } from './blockchain.service';
import { BlockchainEvent } from './entities/blockchain-event.entity';
import { ContractInteraction } from './entities/contract-interaction.entity';
import { ScannerCheckpoint } from './entities/scanner-checkpoint.entity';

@Module({
  imports: [TypeOrmModule.forFeature([BlockchainEvent, ContractInteraction, ScannerCheckpoint]), AdminAuditModule],
  controllers: [BlockchainController, AdminBlockchainController],
  providers: [BlockchainRepository, BlockchainService],
  exports: [TypeOrmModule],
})
export class BlockchainModule {}
