import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AssetCategory, AssetStatus } from '../entities/asset.entity';
import { IsApy } from '../../common/validation/money.validator';
import { NoNulCharacter } from '../../common/validation/text.validator';
import { KeysetPageQueryDto } from '../../common/pagination/keyset-page-query.dto';

export const ASSET_SORT_KEYS = ['createdAt', 'expectedApy', 'targetAmount', 'name'] as const;
export type AssetSortKey = (typeof ASSET_SORT_KEYS)[number];

/** Filters and sort of the catalogue, and the common keyset page (`?limit=&cursor=`, as KeysetPageQueryDto). */
export class ListAssetsQueryDto implements KeysetPageQueryDto {
  @ApiPropertyOptional({ description: 'Text searched in name and description (case-insensitive)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @NoNulCharacter()
  q?: string;

  @ApiPropertyOptional({ enum: AssetCategory })
  @IsOptional()
  @IsEnum(AssetCategory)
  category?: AssetCategory;

  @ApiPropertyOptional({ enum: AssetStatus, description: 'Investors never see drafts' })
  @IsOptional()
  @IsEnum(AssetStatus)
  status?: AssetStatus;

  @ApiPropertyOptional({ description: 'Lowest expected APY, a percentage as a decimal string', example: '5' })
  @IsOptional()
  @IsApy()
  minApy?: string;

  @ApiPropertyOptional({ description: 'Highest expected APY, a percentage as a decimal string', example: '12.5' })
  @IsOptional()
  @IsApy()
  maxApy?: string;

  @ApiPropertyOptional({ enum: ASSET_SORT_KEYS, default: 'createdAt' })
  @IsOptional()
  @IsIn(ASSET_SORT_KEYS)
  sort?: AssetSortKey;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page, as returned (same sort and order)' })
  @IsOptional()
  @IsString()
  // Longer than KeysetPageQueryDto's: a cursor by name carries the name (up to 200 characters).
  @MaxLength(2000)
  cursor?: string;
}
