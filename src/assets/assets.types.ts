import { ApiProperty } from '@nestjs/swagger';
import { AssetCategory, AssetDocument, AssetStatus } from './entities/asset.entity';

/** An asset as the API returns it: money and APY as exact decimal strings. */
export class AssetDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: AssetCategory }) category: AssetCategory;
  @ApiProperty({ enum: AssetStatus }) status: AssetStatus;
  @ApiProperty({ example: 'USDC' }) currency: string;
  @ApiProperty({ example: '250000.000000' }) targetAmount: string;
  @ApiProperty({ example: '100.000000' }) minInvestment: string;
  @ApiProperty({ nullable: true, type: String }) maxInvestment: string | null;
  @ApiProperty({ nullable: true, type: String }) tokenSymbol: string | null;
  @ApiProperty({ nullable: true, type: String }) tokenPrice: string | null;
  @ApiProperty({ nullable: true, type: Number }) chainId: number | null;
  @ApiProperty({ nullable: true, type: String }) contractAddress: string | null;
  @ApiProperty({ nullable: true, type: String, example: '8.5000' }) expectedApy: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) opensAt: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) closesAt: Date | null;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: Object, isArray: true }) documents: AssetDocument[] | null;
  @ApiProperty({ nullable: true, type: String }) createdBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
}

export class AssetDetailDto extends AssetDto {
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'opp_sunset',
    description: 'The id in the legacy JSON store for an imported asset (GET /api/assets/{id} takes it too); null for assets created here',
  })
  legacyId: string | null;
  @ApiProperty({ description: 'Sum of confirmed investments', example: '1200.000000' }) raisedAmount: string;
  @ApiProperty({ description: 'Sum of pending and confirmed investments', example: '1500.000000' }) committedAmount: string;
}

export class AssetPageDto {
  @ApiProperty({ type: [AssetDto] }) items: AssetDto[];
  @ApiProperty({ description: 'All matching assets, on every page' }) total: number;
  @ApiProperty() limit: number;
  @ApiProperty({
    nullable: true,
    type: String,
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
  @ApiProperty() assets: number;
  @ApiProperty({ example: '1000.000000' }) targetAmount: string;
  @ApiProperty({ example: '400.000000' }) raisedAmount: string;
  @ApiProperty({ nullable: true, type: String, example: '40.00' }) fundedPercent: string | null;
  @ApiProperty({ description: 'Distinct investors with a confirmed investment' }) investors: number;
  @ApiProperty({ description: 'Confirmed investments' }) investments: number;
  @ApiProperty({ nullable: true, type: String, example: '200.000000' }) averageTicket: string | null;
}

export class AssetAnalyticsAssetDto extends AnalyticsFiguresDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: AssetCategory }) category: string;
  @ApiProperty({ enum: AssetStatus }) status: string;
  @ApiProperty() currency: string;
}

export class AssetAnalyticsCategoryDto extends AnalyticsFiguresDto {
  @ApiProperty({ enum: AssetCategory }) category: string;
}

export class AssetAnalyticsDto {
  @ApiProperty({ type: [AssetAnalyticsAssetDto] }) assets: AssetAnalyticsAssetDto[];
  @ApiProperty({ type: [AssetAnalyticsCategoryDto] }) categories: AssetAnalyticsCategoryDto[];
  @ApiProperty({ type: AnalyticsFiguresDto }) platform: AnalyticsFiguresDto;
}
