import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsEthAddress, ToChecksumAddress } from '../../common/validation/chain.validators';
import { INITIAL_ASSET_STATUSES } from '../asset-status';
import { AssetCategory, AssetStatus } from '../entities/asset.entity';
import { IsApy, IsMoney, IsPositiveMoney } from '../../common/validation/money.validator';
import { NoNulCharacter } from '../../common/validation/text.validator';

export class AssetDocumentDto {
  @ApiProperty({ nullable: true, type: String, example: 'Offering memorandum' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  @NoNulCharacter()
  title: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'https://docs.pend.example/assets/harbour-lofts/memorandum-v2.pdf' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(/^https?:\/\//, { message: 'url must start with http:// or https://' })
  url: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  version: string | null;
}

export class CreateAssetDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @NoNulCharacter()
  name: string;

  @ApiProperty({ enum: AssetCategory })
  @IsEnum(AssetCategory)
  category: AssetCategory;

  @ApiPropertyOptional({ enum: INITIAL_ASSET_STATUSES, default: AssetStatus.Draft })
  @IsOptional()
  @IsIn(INITIAL_ASSET_STATUSES)
  status?: AssetStatus;

  @ApiPropertyOptional({ default: 'USDC', example: 'USDC' })
  @IsOptional()
  @Matches(/^[A-Z]{2,10}$/, { message: 'currency must be 2–10 capital letters' })
  currency?: string;

  @ApiProperty({ example: '250000.00', description: 'Decimal string' })
  @IsPositiveMoney()
  targetAmount: string;

  @ApiPropertyOptional({ example: '100', default: '0' })
  @IsOptional()
  @IsMoney()
  minInvestment?: string;

  @ApiPropertyOptional({ type: String, example: '50000', nullable: true })
  @IsOptional()
  @IsPositiveMoney()
  maxInvestment?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'HLL' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9]{1,16}$/, { message: 'tokenSymbol must be 1–16 letters or digits' })
  tokenSymbol?: string | null;

  @ApiPropertyOptional({ type: String, example: '1.00', nullable: true })
  @IsOptional()
  @IsPositiveMoney()
  tokenPrice?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 8453 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2147483647)
  chainId?: number | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    description: 'Stored EIP-55 checksummed',
  })
  @IsOptional()
  @ToChecksumAddress()
  @IsEthAddress()
  contractAddress?: string | null;

  @ApiPropertyOptional({ type: String, example: '8.5', nullable: true, description: 'Percentage as a decimal string' })
  @IsOptional()
  @IsApy()
  expectedApy?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, example: '2026-03-01T00:00:00.000Z' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  opensAt?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, example: '2026-06-30T23:59:59.000Z' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  closesAt?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  @NoNulCharacter()
  description?: string | null;

  @ApiPropertyOptional({ type: [AssetDocumentDto], nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AssetDocumentDto)
  documents?: AssetDocumentDto[] | null;
}

/** Every field optional; `status` may take any value the state machine allows from the current one. */
export class UpdateAssetDto extends PartialType(OmitType(CreateAssetDto, ['status'] as const)) {
  @ApiPropertyOptional({ enum: AssetStatus })
  @IsOptional()
  @IsEnum(AssetStatus)
  status?: AssetStatus;
}
