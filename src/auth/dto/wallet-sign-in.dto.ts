import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsEthAddress } from '../../common/validation/chain.validators';
import { SIGNATURE_PATTERN, SIWE_MESSAGE_MAX_LENGTH } from '../../common/validation/wallet-signature';

export class NonceRequestDto {
  @ApiProperty({ example: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F', description: 'The wallet that will sign' })
  @IsEthAddress()
  address: string;
}

export class NonceResponseDto {
  @ApiProperty({ description: 'One-time value, valid until expiresAt' })
  nonce: string;

  @ApiProperty({ description: 'The EIP-4361 message to sign with personal_sign, verbatim' })
  message: string;

  @ApiProperty({ format: 'date-time' })
  issuedAt: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
}

export class WalletSignInDto {
  @ApiProperty({ description: 'The EIP-4361 message from POST /api/auth/nonce, exactly as signed' })
  @IsString()
  @MinLength(1)
  @MaxLength(SIWE_MESSAGE_MAX_LENGTH)
  message: string;

  @ApiProperty({ example: '0x…130 hex…', description: '65-byte signature, 0x-prefixed hex' })
  @IsString()
  @Matches(SIGNATURE_PATTERN, { message: 'signature must be a 0x-prefixed 65-byte hex signature' })
  signature: `0x${string}`;
}

export class AccessTokenDto {
  @ApiProperty()
  accessToken: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires' })
  expiresIn: number;
}

export class UserAccessTokenDto extends AccessTokenDto {
  @ApiProperty({ format: 'uuid' })
  userId: string;
}

export class AdminAccessTokenDto extends AccessTokenDto {
  @ApiProperty({ format: 'uuid' })
  adminId: string;

  @ApiProperty({ enum: ['superadmin', 'compliance', 'support', 'analyst'] })
  role: string;
}
