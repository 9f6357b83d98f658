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

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @NoNulCharacter()
  contractName?: string | null;

  @ApiProperty({ example: '19000000', description: 'Decimal string or safe integer' })
  @IsBlockNumber()
  blockNumber: string | number;

  @ApiPropertyOptional({ nullable: true })
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

  @ApiPropertyOptional({ nullable: true, description: 'uint256 amount as a decimal string' })
  @IsOptional()
  @IsUint256String()
  value?: string | null;

  @ApiPropertyOptional({ nullable: true, format: 'date-time' })
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

  @ApiProperty({ example: '19000000' })
  @IsBlockNumber()
  blockNumber: string | number;

  @ApiPropertyOptional({ nullable: true })
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

  @ApiPropertyOptional({ type: [Object] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  args?: unknown[];

  @ApiPropertyOptional({ example: '0', description: 'uint256 wei as a decimal string' })
  @IsOptional()
  @IsUint256String()
  value?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsUint256String()
  gasUsed?: string | null;

  @ApiProperty({ enum: ContractCallStatus })
  @IsEnum(ContractCallStatus)
  status: ContractCallStatus;

  @ApiPropertyOptional({ nullable: true, format: 'date-time' })
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
