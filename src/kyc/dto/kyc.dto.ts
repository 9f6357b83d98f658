import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { KycStatus } from '../entities/kyc-application.entity';
import { KycDocumentStatus, KycDocumentType } from '../entities/kyc-document.entity';
import { KeysetPageQueryDto } from '../../common/pagination/keyset-page-query.dto';
import { EX } from '../../common/openapi/examples';

export const KYC_MIME_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/heic', 'image/webp'] as const;

export class KycDocumentInputDto {
  @ApiProperty({ enum: KycDocumentType })
  @IsEnum(KycDocumentType)
  type: KycDocumentType;

  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', description: 'SHA-256 of the file, 64 hex' })
  @IsString()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'sha256 must be 64 hexadecimal characters' })
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  sha256: string;

  @ApiProperty({ example: 'kyc/2026/11/passport-front.jpg', description: 'Object-storage key of the uploaded file' })
  @IsString()
  @MaxLength(512)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9!_.*'()/-]*$/, { message: "storageKey must be an object key of letters, digits and !_.*'()/-" })
  storageKey: string;

  @ApiProperty({ enum: KYC_MIME_TYPES })
  @IsIn(KYC_MIME_TYPES)
  mimeType: string;
}

export class SubmitKycApplicationDto {
  @ApiProperty({ minimum: 1, maximum: 3 })
  @IsInt()
  @Min(1)
  @Max(3)
  level: number;

  @ApiProperty({ type: [KycDocumentInputDto], minItems: 1, maxItems: 10 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => KycDocumentInputDto)
  documents: KycDocumentInputDto[];
}

export class RejectKycDto {
  @ApiProperty({ minLength: 3, maxLength: 2000, example: 'The passport photo is unreadable', description: 'Shown to the investor' })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason: string;
}

export class ApproveKycDto {
  @ApiPropertyOptional({ maxLength: 2000, example: 'Documents match the register', description: 'Internal note, kept in the audit trail' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class KycQueueQueryDto extends KeysetPageQueryDto {
  @ApiPropertyOptional({ enum: KycStatus })
  @IsOptional()
  @IsEnum(KycStatus)
  status?: KycStatus;
}

export class KycDocumentDto {
  @ApiProperty({ format: 'uuid', example: EX.kycDocumentId }) id: string;
  @ApiProperty({ enum: KycDocumentType, example: KycDocumentType.Passport }) type: KycDocumentType;
  @ApiProperty({ example: EX.sha256 }) sha256: string;
  @ApiProperty({ example: 'kyc/2026/03/passport-front.jpg' }) storageKey: string;
  @ApiProperty({ nullable: true, type: String, example: 'image/jpeg' }) mimeType: string | null;
  @ApiProperty({ enum: KycDocumentStatus, example: KycDocumentStatus.Accepted }) status: KycDocumentStatus;
  @ApiProperty({ format: 'date-time', example: EX.kycSubmittedAt }) uploadedAt: Date;
}

export class KycApplicationDto {
  @ApiProperty({ format: 'uuid', example: EX.kycApplicationId }) id: string;
  @ApiProperty({ format: 'uuid', example: EX.userId }) userId: string;
  @ApiProperty({ enum: KycStatus, example: KycStatus.Approved }) status: KycStatus;
  @ApiProperty({ example: 1 }) level: number;
  @ApiProperty({ format: 'date-time', example: EX.kycSubmittedAt }) submittedAt: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: EX.kycReviewedAt }) reviewedAt: Date | null;
  @ApiProperty({ nullable: true, type: String, example: EX.adminId, description: 'Id of the admin who decided' }) reviewedBy: string | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Set when rejected; shown to the investor' })
  rejectionReason: string | null;
  @ApiProperty({ type: [KycDocumentDto] }) documents: KycDocumentDto[];
}

export class KycApplicationPageDto {
  @ApiProperty({ type: [KycApplicationDto] }) items: KycApplicationDto[];
  @ApiProperty({ nullable: true, type: String, example: EX.cursor, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}
