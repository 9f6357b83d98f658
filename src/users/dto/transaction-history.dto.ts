import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { TransactionStatus, TransactionType } from '../../investments/entities/transaction.entity';

export class TransactionHistoryQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page, as returned' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ enum: TransactionType })
  @IsOptional()
  @IsEnum(TransactionType)
  type?: TransactionType;

  @ApiPropertyOptional({ enum: TransactionStatus })
  @IsOptional()
  @IsEnum(TransactionStatus)
  status?: TransactionStatus;

  @ApiPropertyOptional({ format: 'date-time', description: 'Inclusive lower bound on createdAt' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Exclusive upper bound on createdAt' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class TransactionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: TransactionType }) type: TransactionType;
  @ApiProperty({ example: '250.000000', description: 'Exact decimal string' }) amount: string;
  @ApiProperty({ example: 'USDC' }) currency: string;
  @ApiProperty({ enum: TransactionStatus }) status: TransactionStatus;
  @ApiProperty({ nullable: true, type: String }) txHash: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) assetId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) investmentId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class TransactionPageDto {
  @ApiProperty({ type: [TransactionDto] }) items: TransactionDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as ?cursor= for the next (older) page; null on the last page' })
  nextCursor: string | null;
}
