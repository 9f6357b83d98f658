import { ApiProperty } from '@nestjs/swagger';
import { UserStatus } from '../entities/user.entity';
import { EX } from '../../common/openapi/examples';

export class UserProfileDto {
  @ApiProperty({ nullable: true, type: String, example: 'Ada' }) firstName: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Lovelace' }) lastName: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'GB', description: 'ISO 3166-1 alpha-2' }) country: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date', example: '1990-04-30' }) dateOfBirth: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'en-GB' }) language: string | null;
  @ApiProperty({ nullable: true, type: Boolean, example: true }) notifyEmail: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean, example: false }) notifySms: boolean | null;
}

export class UserTierDto {
  @ApiProperty({ example: 2 }) id: number;
  @ApiProperty({ example: 'silver' }) name: string;
  @ApiProperty({ example: 2 }) rank: number;
  @ApiProperty({ nullable: true, type: String, example: '25000.000000', description: 'Exact decimal string; null = no limit' })
  maxSingleInvestment: string | null;
  @ApiProperty({ type: [String], example: ['Early access to new assets', 'Quarterly investor call'] }) benefits: string[];
}

export class UserKycDto {
  @ApiProperty({
    enum: ['none', 'pending', 'in_review', 'approved', 'rejected'],
    example: 'approved',
    description: 'Status of the latest application',
  })
  status: string;
  @ApiProperty({ nullable: true, type: Number, example: 1, description: 'Highest approved level' }) approvedLevel: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: EX.kycApplicationId }) latestApplicationId: string | null;
}

export class HoldingDto {
  @ApiProperty({ format: 'uuid', example: EX.assetId }) assetId: string;
  @ApiProperty({ example: 'Harbour Lofts Lisbon' }) assetName: string;
  @ApiProperty({ nullable: true, type: String, example: 'HLL' }) tokenSymbol: string | null;
  @ApiProperty({ example: EX.amount, description: 'Confirmed investments, exact decimal' }) confirmedAmount: string;
  @ApiProperty({ example: '0.000000', description: 'Pending investments, exact decimal' }) pendingAmount: string;
  @ApiProperty({ example: '250', description: 'Tokens of confirmed investments (uint256 as a decimal string)' }) tokens: string;
  @ApiProperty({ example: 1, description: 'Pending and confirmed investments in the asset' }) investmentCount: number;
}

export class UserDetailDto {
  @ApiProperty({ format: 'uuid', example: EX.userId }) id: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'usr_7Hq2',
    description: 'The id in the legacy JSON store for an imported user (GET /api/users/{id} takes it too); null for users registered here',
  })
  legacyId: string | null;
  @ApiProperty({ nullable: true, type: String, example: EX.wallet }) walletAddress: string | null;
  @ApiProperty({ nullable: true, type: String, example: EX.phone, description: 'E.164' }) phone: string | null;
  @ApiProperty({ nullable: true, type: String, example: EX.email }) email: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Ada L.' }) displayName: string | null;
  @ApiProperty({ enum: UserStatus, example: UserStatus.Active }) status: UserStatus;
  @ApiProperty({ format: 'date-time', example: EX.userCreatedAt }) createdAt: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: EX.lastLoginAt }) lastLoginAt: Date | null;
  @ApiProperty({ type: UserProfileDto, nullable: true }) profile: UserProfileDto | null;
  @ApiProperty({ type: UserTierDto, nullable: true }) tier: UserTierDto | null;
  @ApiProperty({ type: UserKycDto }) kyc: UserKycDto;
  @ApiProperty({ type: [HoldingDto] }) holdings: HoldingDto[];
  @ApiProperty({ example: EX.amount, description: 'Sum of confirmed investments, exact decimal' }) totalInvested: string;
}

export class RegisteredUserDto {
  @ApiProperty({ format: 'uuid', example: EX.userId }) userId: string;
  @ApiProperty({ example: EX.accessToken }) accessToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ example: EX.accessTokenTtl, description: 'Seconds until the token expires' }) expiresIn: number;
}
