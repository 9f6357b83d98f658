import { ApiProperty } from '@nestjs/swagger';
import { AssetCategory, AssetDocument, AssetStatus } from './entities/asset.entity';
import { AssetDocumentDto } from './dto/asset-write.dto';
import { EX } from '../common/openapi/examples';

/** An asset as the API returns it: money and APY as exact decimal strings. */
export class AssetDto {
  @ApiProperty({ format: 'uuid', example: EX.assetId }) id: string;
  @ApiProperty({ example: 'Harbour Lofts Lisbon' }) name: string;
  @ApiProperty({ enum: AssetCategory, example: AssetCategory.RealEstate }) category: AssetCategory;
  @ApiProperty({ enum: AssetStatus, example: AssetStatus.Open }) status: AssetStatus;
  @ApiProperty({ example: 'USDC' }) currency: string;
  @ApiProperty({ example: '250000.000000', description: 'Exact decimal string' }) targetAmount: string;
  @ApiProperty({ example: '100.000000', description: 'Exact decimal string' }) minInvestment: string;
  @ApiProperty({ nullable: true, type: String, example: '50000.000000', description: 'Exact decimal string; null = no limit' })
  maxInvestment: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'HLL' }) tokenSymbol: string | null;
  @ApiProperty({ nullable: true, type: String, example: '1.000000', description: 'Exact decimal string' }) tokenPrice: string | null;
  @ApiProperty({ nullable: true, type: Number, example: EX.chainId }) chainId: number | null;
  @ApiProperty({ nullable: true, type: String, example: EX.contractAddress, description: 'EIP-55 checksummed' })
  contractAddress: string | null;
  @ApiProperty({ nullable: true, type: String, example: '8.5000', description: 'Percentage as an exact decimal string' })
  expectedApy: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: EX.opensAt }) opensAt: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: EX.closesAt }) closesAt: Date | null;
  @ApiProperty({ nullable: true, type: String, example: 'Twelve renovated loft apartments in Lisbon’s harbour district, let long-term.' })
  description: string | null;
  @ApiProperty({ nullable: true, type: [AssetDocumentDto] }) documents: AssetDocument[] | null;
  @ApiProperty({ nullable: true, type: String, example: EX.adminId, description: 'Id of the admin who created it' }) createdBy:
    string | null;
  @ApiProperty({ format: 'date-time', example: EX.assetCreatedAt }) createdAt: Date;
  @ApiProperty({ format: 'date-time', example: EX.opensAt }) updatedAt: Date;
}

export class AssetDetailDto extends AssetDto {
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'opp_sunset',
    description: 'The id in the legacy JSON store for an imported asset (GET /api/assets/{id} takes it too); null for assets created here',
  })
  legacyId: string | null;
  @ApiProperty({ description: 'Sum of confirmed investments, exact decimal', example: '182400.500000' }) raisedAmount: string;
  @ApiProperty({ description: 'Sum of pending and confirmed investments, exact decimal', example: '190150.500000' })
  committedAmount: string;
}

export class AssetPageDto {
  @ApiProperty({ type: [AssetDto] }) items: AssetDto[];
  @ApiProperty({ example: 27, description: 'All matching assets, on every page' }) total: number;
  @ApiProperty({ example: 1 }) limit: number;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'WyJjcmVhdGVkQXQiLCIyMDI2LTAyLTIwVDEwOjAwOjAwLjAwMDAwMFoiLCIzZjFjMmE0ZS04YjdkLTRjNmUtOWExZi0yYjNjNGQ1ZTZmNzAiXQ',
    description: 'Pass as `cursor` (with the same sort and order) for the next page; null on the last page',
  })
  nextCursor: string | null;
}

/** One line of the analytics aggregate as the repository reads it: an asset, a category total or the platform total. */
export interface AssetAnalyticsRow {
  kind: 'asset' | 'category' | 'platform';
  id: string | null;
  name: string | null;
  category: string | null;
  status: string | null;
  currency: string | null;
  assets: number;
  targetAmount: string;
  raisedAmount: string;
  fundedPercent: string | null;
  investors: number;
  investments: number;
  averageTicket: string | null;
}

/** The figures every analytics line carries. */
export class AnalyticsFiguresDto {
  @ApiProperty({ example: 1 }) assets: number;
  @ApiProperty({ example: '250000.000000' }) targetAmount: string;
  @ApiProperty({ example: '182400.500000' }) raisedAmount: string;
  @ApiProperty({ nullable: true, type: String, example: '72.96' }) fundedPercent: string | null;
  @ApiProperty({ example: 311, description: 'Distinct investors with a confirmed investment' }) investors: number;
  @ApiProperty({ example: 342, description: 'Confirmed investments' }) investments: number;
  @ApiProperty({ nullable: true, type: String, example: '533.334795' }) averageTicket: string | null;
}

export class AssetAnalyticsAssetDto extends AnalyticsFiguresDto {
  @ApiProperty({ format: 'uuid', example: EX.assetId }) id: string;
  @ApiProperty({ example: 'Harbour Lofts Lisbon' }) name: string;
  @ApiProperty({ enum: AssetCategory, example: AssetCategory.RealEstate }) category: string;
  @ApiProperty({ enum: AssetStatus, example: AssetStatus.Open }) status: string;
  @ApiProperty({ example: 'USDC' }) currency: string;
}

export class AssetAnalyticsCategoryDto extends AnalyticsFiguresDto {
  @ApiProperty({ enum: AssetCategory, example: AssetCategory.RealEstate }) category: string;
}

export class AssetAnalyticsDto {
  @ApiProperty({ type: [AssetAnalyticsAssetDto] }) assets: AssetAnalyticsAssetDto[];
  @ApiProperty({ type: [AssetAnalyticsCategoryDto] }) categories: AssetAnalyticsCategoryDto[];
  @ApiProperty({ type: AnalyticsFiguresDto }) platform: AnalyticsFiguresDto;
}
