import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsString, IsUUID, Matches, ValidateNested } from 'class-validator';
import { IsPositiveMoney } from '../../common/validation/money.validator';

export class AgreementAcceptanceDto {
  @ApiProperty({ example: '2024-01', description: 'Version of the investment agreement the investor accepted' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, { message: 'version must be 1–32 letters, digits, dots, dashes or underscores' })
  version: string;

  @ApiProperty({ example: '0x…', description: 'The investor’s signature over the agreement, hex' })
  @IsString()
  @Matches(/^0x(?:[0-9a-fA-F]{2}){1,2048}$/, { message: 'signature must be 0x-prefixed hex bytes' })
  signature: string;
}

export class CreateInvestmentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  assetId: string;

  @ApiProperty({ example: '100.50', description: 'Decimal string > 0 with at most 6 decimals, no exponent' })
  @IsPositiveMoney()
  amount: string;

  @ApiProperty({ type: AgreementAcceptanceDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AgreementAcceptanceDto)
  agreement: AgreementAcceptanceDto;
}
