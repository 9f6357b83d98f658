import { ApiProperty } from '@nestjs/swagger';
import { InvestmentStatus } from './entities/investment.entity';
import { EX } from '../common/openapi/examples';

export class AgreementDto {
  @ApiProperty({ example: '2024-01', description: 'Version of the agreement the investor accepted' }) version: string;
  @ApiProperty({ format: 'date-time', example: EX.investedAt }) acceptedAt: Date;
  @ApiProperty({ nullable: true, type: String, example: EX.signature, description: 'The investor’s signature over it, hex' })
  signature: string | null;
}

/** An investment as the API returns it; money as decimal strings. */
export class InvestmentDto {
  @ApiProperty({ format: 'uuid', example: EX.investmentId }) id: string;
  @ApiProperty({ format: 'uuid', example: EX.userId }) userId: string;
  @ApiProperty({ format: 'uuid', example: EX.assetId }) assetId: string;
  @ApiProperty({ example: EX.amount, description: 'Exact decimal string' }) amount: string;
  @ApiProperty({ nullable: true, type: String, example: '250', description: 'uint256 as a decimal string' }) tokens: string | null;
  @ApiProperty({ enum: InvestmentStatus, example: InvestmentStatus.Pending }) status: InvestmentStatus;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Set when an admin confirms it' }) txHash: string | null;
  @ApiProperty({ format: 'date-time', example: EX.investedAt }) createdAt: Date;
  @ApiProperty({ format: 'date-time', example: EX.investedAt }) updatedAt: Date;
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
  @ApiProperty({ example: 'Harbour Lofts Lisbon' }) assetName: string;
  @ApiProperty({ example: 'USDC' }) currency: string;
}

export class MyInvestmentPageDto {
  @ApiProperty({ type: [MyInvestmentDto] }) items: MyInvestmentDto[];
  @ApiProperty({ example: 1, description: 'All of the caller’s investments, on every page' }) total: number;
  @ApiProperty({ example: 50 }) limit: number;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Pass as `cursor` for the next page; null on the last page' })
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
