import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ContractCallStatus } from '../entities/contract-interaction.entity';
import {
  IsBlockNumber,
  IsEthAddress,
  IsTxHash,
  IsUint256String,
  ToChecksumAddress,
  ToLowerCase,
} from '../../common/validation/chain.validators';
import { NoNulCharacter } from '../../common/validation/text.validator';

export const MAX_INGEST_BATCH = 1000;

export class IngestEventDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(2147483647)
  chainId: number;

  @ApiProperty({ description: 'Stored EIP-55 checksummed' })
  @ToChecksumAddress()
  @IsEthAddress()
  contractAddress: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'PendAssetToken' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @NoNulCharacter()
  contractName?: string | null;

  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'integer' }], example: '19000000', description: 'Decimal string or safe integer' })
  @IsBlockNumber()
  blockNumber: string | number;

  @ApiPropertyOptional({ type: String, nullable: true, example: '0x88e96d4537bea4d9c05d12549907b32561d3bf31f45aae734cdc119f13406cb6' })
  @IsOptional()
  @ToLowerCase()
  @IsTxHash()
  blockHash?: string | null;

  @ApiProperty()
  @ToLowerCase()
  @IsTxHash()
  transactionHash: string;

  @ApiProperty({ example: 0 })
  @IsInt()
  @Min(0)
  @Max(2147483647)
  logIndex: number;

  @ApiProperty({ example: 'Transfer' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @NoNulCharacter()
  eventType: string;

  @ApiPropertyOptional({ type: Object, description: 'Event arguments, kept whole' })
  @IsOptional()
  @IsObject()
  args?: Record<string, unknown>;

  @ApiPropertyOptional({ type: String, nullable: true, example: '250500000', description: 'uint256 amount as a decimal string' })
  @IsOptional()
  @IsUint256String()
  value?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time', example: '2026-03-04T15:09:58.000Z' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  timestamp?: string | null;
}

export class IngestEventsDto {
  @ApiProperty({ type: [IngestEventDto], maxItems: MAX_INGEST_BATCH })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INGEST_BATCH)
  @ValidateNested({ each: true })
  @Type(() => IngestEventDto)
  events: IngestEventDto[];
}

export class IngestInteractionDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(2147483647)
  chainId: number;

  @ApiProperty()
  @ToChecksumAddress()
  @IsEthAddress()
  contractAddress: string;

  @ApiProperty()
  @ToLowerCase()
  @IsTxHash()
  transactionHash: string;

  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'integer' }], example: '19000000', description: 'Decimal string or safe integer' })
  @IsBlockNumber()
  blockNumber: string | number;

  @ApiPropertyOptional({ type: String, nullable: true, example: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F' })
  @IsOptional()
  @ToChecksumAddress()
  @IsEthAddress()
  fromAddress?: string | null;

  @ApiProperty({ example: 'invest(uint256)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @NoNulCharacter()
  method: string;

  @ApiPropertyOptional({ type: 'array', items: {}, example: ['250500000'], description: 'Call arguments, any JSON values, kept whole' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  args?: unknown[];

  @ApiPropertyOptional({ example: '0', description: 'uint256 wei as a decimal string' })
  @IsOptional()
  @IsUint256String()
  value?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '51234', description: 'uint256 as a decimal string' })
  @IsOptional()
  @IsUint256String()
  gasUsed?: string | null;

  @ApiProperty({ enum: ContractCallStatus })
  @IsEnum(ContractCallStatus)
  status: ContractCallStatus;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time', example: '2026-03-04T15:09:58.000Z' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  timestamp?: string | null;
}

export class IngestInteractionsDto {
  @ApiProperty({ type: [IngestInteractionDto], maxItems: MAX_INGEST_BATCH })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INGEST_BATCH)
  @ValidateNested({ each: true })
  @Type(() => IngestInteractionDto)
  interactions: IngestInteractionDto[];
}
