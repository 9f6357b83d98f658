import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsEthAddress } from '../../common/validation/chain.validators';
import { IsExactE164Phone } from '../../common/validation/e164-phone';
import { SIGNATURE_PATTERN, SIWE_MESSAGE_MAX_LENGTH } from '../../common/validation/wallet-signature';

export class RegisterUserDto {
  @ApiProperty({ example: '+14155550123', description: 'International format; stored as E.164' })
  @IsString()
  @MaxLength(32)
  @IsExactE164Phone()
  phone: string;

  @ApiProperty({ example: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F' })
  @IsEthAddress()
  address: string;

  @ApiProperty({ description: 'The EIP-4361 message from POST /api/auth/nonce for this address, as signed' })
  @IsString()
  @MinLength(1)
  @MaxLength(SIWE_MESSAGE_MAX_LENGTH)
  message: string;

  @ApiProperty({ example: '0x…130 hex…' })
  @IsString()
  @Matches(SIGNATURE_PATTERN, { message: 'signature must be a 0x-prefixed 65-byte hex signature' })
  signature: `0x${string}`;
}
