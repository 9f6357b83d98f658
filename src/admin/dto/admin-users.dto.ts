import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsEthAddress } from '../../common/validation/chain.validators';
import { IsExactE164Phone } from '../../common/validation/e164-phone';
import { UserStatus } from '../../users/entities/user.entity';
import { KeysetPageQueryDto } from '../../common/pagination/keyset-page-query.dto';
import { EX } from '../../common/openapi/examples';

export class AdminUserListQueryDto extends KeysetPageQueryDto {
  @ApiPropertyOptional({ enum: UserStatus })
  @IsOptional()
  @IsEnum(UserStatus)
  status?: UserStatus;

  @ApiPropertyOptional({ description: 'Exact wallet address' })
  @IsOptional()
  @IsEthAddress()
  wallet?: string;

  @ApiPropertyOptional({ description: 'Exact phone number, international format (looked up by its hash)' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @IsExactE164Phone()
  phone?: string;
}

export class AdminUserListItemDto {
  @ApiProperty({ format: 'uuid', example: EX.userId }) id: string;
  @ApiProperty({ nullable: true, type: String, example: EX.wallet }) walletAddress: string | null;
  @ApiProperty({ nullable: true, type: String, example: EX.email }) email: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Ada L.' }) displayName: string | null;
  @ApiProperty({ enum: UserStatus, example: UserStatus.Active }) status: UserStatus;
  @ApiProperty({ nullable: true, type: String, example: 'silver', description: 'Tier name' }) tier: string | null;
  @ApiProperty({ format: 'date-time', example: EX.userCreatedAt }) createdAt: Date;
}

export class AdminUserPageDto {
  @ApiProperty({ type: [AdminUserListItemDto] }) items: AdminUserListItemDto[];
  @ApiProperty({ nullable: true, type: String, example: EX.cursor, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}

export class ChangeUserStatusDto {
  @ApiProperty({ enum: UserStatus, example: UserStatus.Suspended })
  @IsEnum(UserStatus)
  status: UserStatus;

  @ApiProperty({ minLength: 3, maxLength: 2000, example: 'Chargeback under investigation', description: 'Why; kept in the audit trail' })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason: string;
}

export class AdminLogQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  adminId?: string;

  @ApiPropertyOptional({ example: 'kyc.approve' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ example: 'kyc_application' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  targetType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  targetId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class AdminLogDto {
  @ApiProperty({ format: 'uuid', example: EX.adminLogId }) id: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: EX.adminId }) adminId: string | null;
  @ApiProperty({ nullable: true, type: String, example: EX.adminEmail }) adminEmail: string | null;
  @ApiProperty({ example: 'kyc.approve' }) action: string;
  @ApiProperty({ nullable: true, type: String, example: 'kyc_application' }) targetType: string | null;
  @ApiProperty({ nullable: true, type: String, example: EX.kycApplicationId }) targetId: string | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    example: { level: 1, note: 'Documents match the register' },
    description: 'What changed, by action',
  })
  details: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String, example: '203.0.113.24' }) ip: string | null;
  @ApiProperty({ format: 'date-time', example: EX.kycReviewedAt }) timestamp: Date;
}

export class AdminLogPageDto {
  @ApiProperty({ type: [AdminLogDto] }) items: AdminLogDto[];
  @ApiProperty({ nullable: true, type: String, example: EX.cursor, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}
