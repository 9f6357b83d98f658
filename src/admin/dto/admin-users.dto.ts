import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsEthAddress } from '../../common/validation/chain.validators';
import { IsExactE164Phone } from '../../common/validation/e164-phone';
import { UserStatus } from '../../users/entities/user.entity';
import { KeysetPageQueryDto } from '../../common/pagination/keyset-page-query.dto';

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
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) walletAddress: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) displayName: string | null;
  @ApiProperty({ enum: UserStatus }) status: UserStatus;
  @ApiProperty({ nullable: true, type: String }) tier: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class AdminUserPageDto {
  @ApiProperty({ type: [AdminUserListItemDto] }) items: AdminUserListItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ChangeUserStatusDto {
  @ApiProperty({ enum: UserStatus })
  @IsEnum(UserStatus)
  status: UserStatus;

  @ApiProperty({ minLength: 3, maxLength: 2000, description: 'Why; kept in the audit trail' })
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
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) adminId: string | null;
  @ApiProperty({ nullable: true, type: String }) adminEmail: string | null;
  @ApiProperty() action: string;
  @ApiProperty({ nullable: true, type: String }) targetType: string | null;
  @ApiProperty({ nullable: true, type: String }) targetId: string | null;
  @ApiProperty({ nullable: true, type: Object }) details: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
  @ApiProperty({ format: 'date-time' }) timestamp: Date;
}

export class AdminLogPageDto {
  @ApiProperty({ type: [AdminLogDto] }) items: AdminLogDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
