import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AssetCategory, AssetDocument, AssetStatus } from './entities/asset.entity';

/** An asset as the API returns it: money and APY as exact decimal strings. */
export class AssetView {
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

export class AssetDetailView extends AssetView {
  @ApiProperty({ description: 'Sum of confirmed investments', example: '1200.000000' }) raisedAmount: string;
  @ApiProperty({ description: 'Sum of pending and confirmed investments', example: '1500.000000' }) committedAmount: string;
}

export class AssetPage {
  @ApiProperty({ type: [AssetView] }) items: AssetView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

/** One line of the analytics aggregate: an asset, a category total or the platform total. */
export class AssetAnalyticsRow {
  @ApiProperty({ enum: ['asset', 'category', 'platform'] }) kind: 'asset' | 'category' | 'platform';
  @ApiPropertyOptional({ nullable: true, type: String }) id: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) name: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) category: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) status: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) currency: string | null;
  @ApiProperty() assets: number;
  @ApiProperty({ example: '1000.000000' }) targetAmount: string;
  @ApiProperty({ example: '400.000000' }) raisedAmount: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: '40.00' }) fundedPercent: string | null;
  @ApiProperty({ description: 'Distinct investors with a confirmed investment' }) investors: number;
  @ApiProperty({ description: 'Confirmed investments' }) investments: number;
  @ApiPropertyOptional({ nullable: true, type: String, example: '200.000000' }) averageTicket: string | null;
}

type AnalyticsLine = Omit<AssetAnalyticsRow, 'kind'>;

export class AssetAnalyticsView {
  @ApiProperty({ type: [AssetAnalyticsRow] }) assets: AnalyticsLine[];
  @ApiProperty({ type: [AssetAnalyticsRow] }) categories: AnalyticsLine[];
  @ApiProperty({ type: AssetAnalyticsRow }) platform: AnalyticsLine;
}
