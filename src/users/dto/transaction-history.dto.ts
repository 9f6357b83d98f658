import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsISO8601, IsOptional } from 'class-validator';
import { TransactionStatus, TransactionType } from '../../investments/entities/transaction.entity';
import { KeysetPageQueryDto } from '../../common/pagination/keyset-page-query.dto';
import { EX } from '../../common/openapi/examples';

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
  @ApiProperty({ format: 'uuid', example: EX.transactionId }) id: string;
  @ApiProperty({ enum: TransactionType, example: TransactionType.Investment }) type: TransactionType;
  @ApiProperty({ example: EX.amount, description: 'Exact decimal string' }) amount: string;
  @ApiProperty({ example: 'USDC' }) currency: string;
  @ApiProperty({ enum: TransactionStatus, example: TransactionStatus.Completed }) status: TransactionStatus;
  @ApiProperty({ nullable: true, type: String, example: EX.txHash }) txHash: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: EX.assetId }) assetId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: EX.investmentId }) investmentId: string | null;
  @ApiProperty({ format: 'date-time', example: EX.investedAt }) createdAt: Date;
}

export class TransactionPageDto {
  @ApiProperty({ type: [TransactionDto] }) items: TransactionDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    example: EX.cursor,
    description: 'Pass as ?cursor= for the next (older) page; null on the last page',
  })
  nextCursor: string | null;
}
