import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsISO8601, IsOptional } from 'class-validator';
import { TransactionStatus, TransactionType } from '../../investments/entities/transaction.entity';
import { KeysetPageQueryDto } from '../../common/pagination/keyset-page-query.dto';

export class TransactionHistoryQueryDto extends KeysetPageQueryDto {
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
