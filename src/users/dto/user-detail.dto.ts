import { ApiProperty } from '@nestjs/swagger';
import { UserStatus } from '../entities/user.entity';

export class UserProfileDto {
  @ApiProperty({ nullable: true, type: String }) firstName: string | null;
  @ApiProperty({ nullable: true, type: String }) lastName: string | null;
  @ApiProperty({ nullable: true, type: String }) country: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) dateOfBirth: string | null;
  @ApiProperty({ nullable: true, type: String }) language: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) notifyEmail: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) notifySms: boolean | null;
}

export class UserTierDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() rank: number;
  @ApiProperty({ nullable: true, type: String, description: 'Exact decimal string; null = no limit' }) maxSingleInvestment: string | null;
  @ApiProperty({ type: [String] }) benefits: string[];
}

export class UserKycDto {
  @ApiProperty({ enum: ['none', 'pending', 'in_review', 'approved', 'rejected'], description: 'Status of the latest application' })
  status: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Highest approved level' }) approvedLevel: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) latestApplicationId: string | null;
}

export class HoldingDto {
  @ApiProperty({ format: 'uuid' }) assetId: string;
  @ApiProperty() assetName: string;
  @ApiProperty({ nullable: true, type: String }) tokenSymbol: string | null;
  @ApiProperty({ example: '1500.000000', description: 'Confirmed investments, exact decimal' }) confirmedAmount: string;
  @ApiProperty({ example: '0.000000', description: 'Pending investments, exact decimal' }) pendingAmount: string;
  @ApiProperty({ example: '1500', description: 'Tokens of confirmed investments (uint256 as a decimal string)' }) tokens: string;
  @ApiProperty({ description: 'Pending and confirmed investments in the asset' }) investmentCount: number;
}

export class UserDetailDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'usr_7Hq2',
    description: 'The id in the legacy JSON store for an imported user (GET /api/users/{id} takes it too); null for users registered here',
  })
  legacyId: string | null;
  @ApiProperty({ nullable: true, type: String }) walletAddress: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) displayName: string | null;
  @ApiProperty({ enum: UserStatus }) status: UserStatus;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastLoginAt: Date | null;
  @ApiProperty({ type: UserProfileDto, nullable: true }) profile: UserProfileDto | null;
  @ApiProperty({ type: UserTierDto, nullable: true }) tier: UserTierDto | null;
  @ApiProperty({ type: UserKycDto }) kyc: UserKycDto;
  @ApiProperty({ type: [HoldingDto] }) holdings: HoldingDto[];
  @ApiProperty({ example: '1500.000000', description: 'Sum of confirmed investments, exact decimal' }) totalInvested: string;
}

export class RegisteredUserDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() accessToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty() expiresIn: number;
}
