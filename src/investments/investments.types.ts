import { ApiProperty } from '@nestjs/swagger';
import { InvestmentStatus } from './entities/investment.entity';

export class AgreementDto {
  @ApiProperty() version: string;
  @ApiProperty({ format: 'date-time' }) acceptedAt: Date;
  @ApiProperty({ nullable: true, type: String }) signature: string | null;
}

/** An investment as the API returns it; money as decimal strings. */
export class InvestmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'uuid' }) assetId: string;
  @ApiProperty({ example: '100.000000' }) amount: string;
  @ApiProperty({ nullable: true, type: String, description: 'uint256 as a decimal string' }) tokens: string | null;
  @ApiProperty({ enum: InvestmentStatus }) status: InvestmentStatus;
  @ApiProperty({ nullable: true, type: String }) txHash: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
  @ApiProperty({ type: AgreementDto, nullable: true }) agreement: AgreementDto | null;
}

/** GET /api/investments/:id: the investment with its legacy id. */
export class InvestmentDetailDto extends InvestmentDto {
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'inv_0dd62973',
    description:
      'The id in the legacy JSON store for an imported investment (GET /api/investments/{id} takes it too); null for investments made here',
  })
  legacyId: string | null;
}

export class MyInvestmentDto extends InvestmentDto {
  @ApiProperty() assetName: string;
  @ApiProperty() currency: string;
}

export class MyInvestmentPageDto {
  @ApiProperty({ type: [MyInvestmentDto] }) items: MyInvestmentDto[];
  @ApiProperty({ description: 'All of the caller’s investments, on every page' }) total: number;
  @ApiProperty() limit: number;
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor: string | null;
}

/** What the rules need to know about the investor, read in one query. */
export interface InvestorEligibility {
  status: string;
  kycStatus: string | null;
  /** False: the user has no tier (the service applies the lowest tier's limit). */
  hasTier: boolean;
  tierName: string | null;
  /** null: the tier has no single-investment limit. */
  tierMaxSingleInvestment: string | null;
}

export interface StoredIdempotentResponse {
  requestHash: string;
  responseStatus: number | null;
  responseBody: unknown;
}
