import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { KeysetPageQueryDto } from '../../common/pagination/keyset-page-query.dto';
import { IsTxHash, ToLowerCase } from '../../common/validation/chain.validators';

export class ConfirmInvestmentDto {
  @ApiPropertyOptional({ description: 'On-chain transaction that settled the investment' })
  @IsOptional()
  @ToLowerCase()
  @IsTxHash()
  txHash?: string;
}

export class InvestmentReasonDto {
  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason?: string;
}

/** The common keyset page (`?limit=&cursor=`, as KeysetPageQueryDto), 50 a page by default as before. */
export class ListMyInvestmentsQueryDto implements KeysetPageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
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
}
