import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsEthAddress } from '../../common/validation/chain.validators';
import { SIGNATURE_PATTERN, SIWE_MESSAGE_MAX_LENGTH } from '../../common/validation/wallet-signature';
import { EX } from '../../common/openapi/examples';

export class NonceRequestDto {
  @ApiProperty({ example: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F', description: 'The wallet that will sign' })
  @IsEthAddress()
  address: string;
}

export class NonceResponseDto {
  @ApiProperty({ example: EX.nonce, description: 'One-time value, valid until expiresAt' })
  nonce: string;

  @ApiProperty({ example: EX.siweMessage, description: 'The EIP-4361 message to sign with personal_sign, verbatim' })
  message: string;

  @ApiProperty({ format: 'date-time', example: EX.now })
  issuedAt: string;

  @ApiProperty({ format: 'date-time', example: EX.nowPlus5m })
  expiresAt: string;
}

export class WalletSignInDto {
  @ApiProperty({ example: EX.siweMessage, description: 'The EIP-4361 message from POST /api/auth/nonce, exactly as signed' })
  @IsString()
  @MinLength(1)
  @MaxLength(SIWE_MESSAGE_MAX_LENGTH)
  message: string;

  @ApiProperty({ example: EX.signature, description: '65-byte signature, 0x-prefixed hex' })
  @IsString()
  @Matches(SIGNATURE_PATTERN, { message: 'signature must be a 0x-prefixed 65-byte hex signature' })
  signature: `0x${string}`;
}

export class AccessTokenDto {
  @ApiProperty({ example: EX.accessToken })
  accessToken: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({ example: EX.accessTokenTtl, description: 'Seconds until the token expires' })
  expiresIn: number;
}

export class UserAccessTokenDto extends AccessTokenDto {
  @ApiProperty({ format: 'uuid', example: EX.userId })
  userId: string;
}

export class AdminAccessTokenDto extends AccessTokenDto {
  @ApiProperty({ format: 'uuid', example: EX.adminId })
  adminId: string;

  @ApiProperty({ enum: ['superadmin', 'compliance', 'support', 'analyst'], example: 'compliance' })
  role: string;
}
