import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsEthAddress, ToChecksumAddress } from '../../common/validation/chain.validators';
import { NoNulCharacter } from '../../common/validation/text.validator';

const BLOCK = /^(0|[1-9][0-9]{0,17})$/;

class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  cursor?: string;
}

export class ListEventsQueryDto extends PageQueryDto {
  @ApiProperty({
    description: 'Contract address (any case; canonicalised to EIP-55)',
    example: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F',
  })
  @ToChecksumAddress()
  @IsEthAddress()
  contract: string;

  @ApiPropertyOptional({ example: 'Transfer' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @NoNulCharacter()
  event?: string;

  @ApiPropertyOptional({ example: '19000000' })
  @IsOptional()
  @Matches(BLOCK, { message: 'fromBlock must be a non-negative integer' })
  fromBlock?: string;

  @ApiPropertyOptional({ example: '19100000' })
  @IsOptional()
  @Matches(BLOCK, { message: 'toBlock must be a non-negative integer' })
  toBlock?: string;
}

export class ListInteractionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Contract address; contract or from is required',
    example: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F',
  })
  @IsOptional()
  @ToChecksumAddress()
  @IsEthAddress()
  contract?: string;

  @ApiPropertyOptional({ example: 'invest(uint256)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @NoNulCharacter()
  method?: string;

  @ApiPropertyOptional({ description: 'Caller address; contract or from is required' })
  @IsOptional()
  @ToChecksumAddress()
  @IsEthAddress()
  from?: string;
}
