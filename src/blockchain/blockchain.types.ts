import { ApiProperty } from '@nestjs/swagger';
import { ContractCallStatus } from './entities/contract-interaction.entity';

export class IngestResultDto {
  @ApiProperty() inserted: number;
  @ApiProperty({ description: 'Already stored (same chain id, tx hash and log index/method), skipped' }) duplicates: number;
}

export class BlockchainEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() chainId: number;
  @ApiProperty() contractAddress: string;
  @ApiProperty({ nullable: true, type: String }) contractName: string | null;
  @ApiProperty({ description: 'Decimal string' }) blockNumber: string;
  @ApiProperty({ nullable: true, type: String }) blockHash: string | null;
  @ApiProperty() transactionHash: string;
  @ApiProperty() logIndex: number;
  @ApiProperty() eventType: string;
  @ApiProperty({ type: Object }) args: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String, description: 'uint256 as a decimal string' }) value: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) timestamp: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class BlockchainEventPageDto {
  @ApiProperty({ type: [BlockchainEventDto] }) items: BlockchainEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ContractInteractionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() chainId: number;
  @ApiProperty() contractAddress: string;
  @ApiProperty() transactionHash: string;
  @ApiProperty() blockNumber: string;
  @ApiProperty({ nullable: true, type: String }) fromAddress: string | null;
  @ApiProperty() method: string;
  @ApiProperty({ type: [Object] }) args: unknown[];
  @ApiProperty({ description: 'uint256 as a decimal string' }) value: string;
  @ApiProperty({ nullable: true, type: String }) gasUsed: string | null;
  @ApiProperty({ enum: ContractCallStatus }) status: ContractCallStatus;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) timestamp: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class ContractInteractionPageDto {
  @ApiProperty({ type: [ContractInteractionDto] }) items: ContractInteractionDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
