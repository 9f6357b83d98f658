import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EX } from '../../common/openapi/examples';

/** Every field optional; a field sent as null is cleared. */
export class UpdateProfileDto {
  @ApiPropertyOptional({ type: String, maxLength: 200, nullable: true, example: 'Ada L.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 254, nullable: true, example: EX.email })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 100, nullable: true, example: 'Ada' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  firstName?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 100, nullable: true, example: 'Lovelace' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastName?: string | null;

  @ApiPropertyOptional({ type: String, example: 'GB', description: 'ISO 3166-1 alpha-2', nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code in capitals' })
  country?: string | null;

  @ApiPropertyOptional({ type: String, example: '1990-04-30', format: 'date', nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/^(19|20)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'dateOfBirth must be a date YYYY-MM-DD' })
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ type: String, example: 'en-GB', nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/, { message: 'language must be a language tag such as en or en-GB' })
  language?: string | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true, example: true })
  @IsOptional()
  @IsBoolean()
  notifyEmail?: boolean | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true, example: false })
  @IsOptional()
  @IsBoolean()
  notifySms?: boolean | null;
}
