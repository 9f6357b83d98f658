import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsEnum, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { AdminRole } from '../entities/admin-user.entity';
import { EX } from '../../common/openapi/examples';

export class CreateAdminDto {
  @ApiProperty({ example: EX.adminEmail })
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;

  @ApiProperty({ enum: AdminRole, example: AdminRole.Compliance })
  @IsEnum(AdminRole)
  role: AdminRole;

  @ApiPropertyOptional({ maxLength: 200, example: 'Grace Hopper' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiProperty({ format: 'password', minLength: 12, maxLength: 72, description: 'Initial password (bcrypt reads 72 bytes at most)' })
  @IsString()
  @MinLength(12)
  @MaxLength(72)
  password: string;
}

export class UpdateAdminDto {
  // Left out means "keep"; null is not "keep" (the columns are NOT NULL), so only undefined skips the rule.
  @ApiPropertyOptional({ enum: AdminRole })
  @ValidateIf((_, value) => value !== undefined)
  @IsEnum(AdminRole)
  role?: AdminRole;

  @ApiPropertyOptional({ description: 'false disables the account: its tokens stop working at once' })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class AdminAccountDto {
  @ApiProperty({ format: 'uuid', example: EX.adminId }) id: string;
  @ApiProperty({ example: EX.adminEmail }) email: string;
  @ApiProperty({ nullable: true, type: String, example: 'Grace Hopper' }) name: string | null;
  @ApiProperty({ enum: AdminRole, example: AdminRole.Compliance }) role: AdminRole;
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: EX.lastLoginAt }) lastLoginAt: Date | null;
  @ApiProperty({ format: 'date-time', example: '2026-01-12T09:00:00.000Z' }) createdAt: Date;
}

export class CurrentAdminDto {
  @ApiProperty({ format: 'uuid', example: EX.adminId }) id: string;
  @ApiProperty({ example: EX.adminEmail }) email: string;
  @ApiProperty({ nullable: true, type: String, example: 'Grace Hopper' }) name: string | null;
  @ApiProperty({ enum: AdminRole, example: AdminRole.Compliance }) role: AdminRole;
  @ApiProperty({
    type: [String],
    example: ['kyc:review', 'users:read', 'users:manage'],
    description: 'resource:action grants of the role and the admin; * = all',
  })
  permissions: string[];
}
