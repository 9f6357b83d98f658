import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BlockchainEvent } from './entities/blockchain-event.entity';
import { ContractInteraction } from './entities/contract-interaction.entity';
import { ScannerCheckpoint } from './entities/scanner-checkpoint.entity';

@Module({
  imports: [TypeOrmModule.forFeature([BlockchainEvent, ContractInteraction, ScannerCheckpoint])],
  exports: [TypeOrmModule],
})
export class BlockchainModule {}
