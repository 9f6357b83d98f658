import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsEthAddress } from '../../common/validation/chain.validators';
import { IsExactE164Phone } from '../../common/validation/e164-phone';
import { SIGNATURE_PATTERN, SIWE_MESSAGE_MAX_LENGTH } from '../../common/validation/wallet-signature';
import { EX } from '../../common/openapi/examples';

export class RegisterUserDto {
  @ApiProperty({ example: EX.phone, description: 'International format; stored as E.164' })
  @IsString()
  @MaxLength(32)
  @IsExactE164Phone()
  phone: string;

  @ApiProperty({ example: EX.wallet })
  @IsEthAddress()
  address: string;

  @ApiProperty({ example: EX.siweMessage, description: 'The EIP-4361 message from POST /api/auth/nonce for this address, as signed' })
  @IsString()
  @MinLength(1)
  @MaxLength(SIWE_MESSAGE_MAX_LENGTH)
  message: string;

  @ApiProperty({ example: EX.signature })
  @IsString()
  @Matches(SIGNATURE_PATTERN, { message: 'signature must be a 0x-prefixed 65-byte hex signature' })
  signature: `0x${string}`;
}
