import { ApiProperty } from '@nestjs/swagger';
import { ContractCallStatus } from './entities/contract-interaction.entity';
import { EX } from '../common/openapi/examples';

export class IngestResultDto {
  @ApiProperty({ example: 2 }) inserted: number;
  @ApiProperty({ example: 1, description: 'Already stored (same chain id, tx hash and log index/method), skipped' }) duplicates: number;
}

export class BlockchainEventDto {
  @ApiProperty({ format: 'uuid', example: EX.chainEventId }) id: string;
  @ApiProperty({ example: EX.chainId }) chainId: number;
  @ApiProperty({ example: EX.contractAddress, description: 'EIP-55 checksummed' }) contractAddress: string;
  @ApiProperty({ nullable: true, type: String, example: 'PendAssetToken' }) contractName: string | null;
  @ApiProperty({ example: EX.blockNumber, description: 'Decimal string' }) blockNumber: string;
  @ApiProperty({ nullable: true, type: String, example: EX.blockHash }) blockHash: string | null;
  @ApiProperty({ example: EX.txHash }) transactionHash: string;
  @ApiProperty({ example: 0 }) logIndex: number;
  @ApiProperty({ example: 'Transfer' }) eventType: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { from: '0x0000000000000000000000000000000000000000', to: EX.wallet, value: '250' },
    description: 'Event arguments, as ingested',
  })
  args: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String, example: '250', description: 'uint256 as a decimal string' }) value: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2026-03-04T15:09:58.000Z' }) timestamp: Date | null;
  @ApiProperty({ format: 'date-time', example: EX.confirmedAt }) createdAt: Date;
}

export class BlockchainEventPageDto {
  @ApiProperty({ type: [BlockchainEventDto] }) items: BlockchainEventDto[];
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}

export class ContractInteractionDto {
  @ApiProperty({ format: 'uuid', example: EX.chainInteractionId }) id: string;
  @ApiProperty({ example: EX.chainId }) chainId: number;
  @ApiProperty({ example: EX.contractAddress, description: 'EIP-55 checksummed' }) contractAddress: string;
  @ApiProperty({ example: EX.txHash }) transactionHash: string;
  @ApiProperty({ example: EX.blockNumber, description: 'Decimal string' }) blockNumber: string;
  @ApiProperty({ nullable: true, type: String, example: EX.wallet }) fromAddress: string | null;
  @ApiProperty({ example: 'invest(uint256)' }) method: string;
  @ApiProperty({ type: 'array', items: {}, example: ['250500000'], description: 'Call arguments, as ingested' }) args: unknown[];
  @ApiProperty({ example: '0', description: 'uint256 as a decimal string' }) value: string;
  @ApiProperty({ nullable: true, type: String, example: '51234', description: 'uint256 as a decimal string' }) gasUsed: string | null;
  @ApiProperty({ enum: ContractCallStatus, example: ContractCallStatus.Success }) status: ContractCallStatus;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2026-03-04T15:09:58.000Z' }) timestamp: Date | null;
  @ApiProperty({ format: 'date-time', example: EX.confirmedAt }) createdAt: Date;
}

export class ContractInteractionPageDto {
  @ApiProperty({ type: [ContractInteractionDto] }) items: ContractInteractionDto[];
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}
