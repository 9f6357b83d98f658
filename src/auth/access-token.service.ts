import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AccessTokenClaims } from './principal';

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

@Injectable()
export class AccessTokenService {
  constructor(private readonly jwt: JwtService) {}

  async issue(kind: AccessTokenClaims['kind'], subjectId: string, ttlSeconds: number): Promise<IssuedToken> {
    const claims: AccessTokenClaims = { sub: subjectId, kind };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: ttlSeconds });
    return { accessToken, tokenType: 'Bearer', expiresIn: ttlSeconds };
  }
}
