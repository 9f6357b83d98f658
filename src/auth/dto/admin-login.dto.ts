import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class AdminLoginDto {
  @ApiProperty({ example: 'ops@pend.example' })
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1)
  // bcrypt reads 72 bytes at most; a cap keeps huge bodies from costing hash time.
  @MaxLength(200)
  password: string;
}
