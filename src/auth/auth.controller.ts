import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';
import { AdminAuthService } from './admin-auth.service';
import { Public } from './decorators';
import { AdminLoginDto } from './dto/admin-login.dto';
import { AdminAccessTokenDto, NonceRequestDto, NonceResponseDto, UserAccessTokenDto, WalletSignInDto } from './dto/wallet-sign-in.dto';
import { ClientIp } from '../common/http/client-ip.decorator';
import { signInOrigin } from './request-context';
import { WalletAuthService } from './wallet-auth.service';
import { ApiErrors, ApiRequestExample } from '../common/openapi/api-errors.decorator';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly wallet: WalletAuthService,
    private readonly admin: AdminAuthService,
  ) {}

  @Public()
  @Post('nonce')
  @ApiRequestExample({ address: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F' })
  @ApiErrors('too_many_attempts')
  @ApiOperation({
    summary: 'Start wallet sign-in: a one-time nonce and the EIP-4361 message to sign',
    description: '429 when one client address asks for more than SIWE_NONCE_RATE_PER_MINUTE nonces a minute (default 60).',
  })
  @ApiResponse({ status: 201, type: NonceResponseDto })
  issueNonce(@Body() body: NonceRequestDto, @ClientIp() ip: string | null): Promise<NonceResponseDto> {
    return this.wallet.issueChallenge(body.address, signInOrigin(this.config), ip);
  }

  @Public()
  @Post('wallet')
  @ApiRequestExample({
    message:
      'app.pend.example wants you to sign in with your Ethereum account:\n' +
      '0x71C7656EC7ab88b098defB751B7401B5f6d8976F\n\nSign in to Pend\n\nURI: https://app.pend.example\nVersion: 1\nChain ID: 1\n' +
      'Nonce: 3f2b9c7d1e4a5b6c\nIssued At: 2026-11-30T09:00:00.000Z\nExpiration Time: 2026-11-30T09:05:00.000Z',
    signature: `0x${'1b'.repeat(65)}`,
  })
  @HttpCode(200)
  @ApiErrors('invalid_sign_in', 'wallet_not_registered', 'account_not_active')
  @ApiOperation({
    summary: 'Finish wallet sign-in with the signed message',
    description:
      'Returns an access token for the investor owning the wallet. 401 `invalid_sign_in` for a bad, expired or replayed ' +
      'message, or any message other than the exact one issued with the nonce' +
      '; 404 `wallet_not_registered` when the signature is valid but no investor uses the wallet (register it with ' +
      'POST /api/users, reusing the same message and signature); 403 `account_not_active` for a suspended or closed account.',
  })
  @ApiResponse({ status: 200, type: UserAccessTokenDto })
  signInWithWallet(@Body() body: WalletSignInDto): Promise<UserAccessTokenDto> {
    return this.wallet.signIn(body.message, body.signature, signInOrigin(this.config));
  }

  @Public()
  @Post('admin/login')
  @ApiRequestExample({ email: 'ops@pend.example', password: 'correct horse battery staple' })
  @HttpCode(200)
  @ApiErrors('invalid_credentials', 'too_many_attempts')
  @ApiOperation({
    summary: 'Admin sign-in with email and password',
    description: '401 for any wrong credential or disabled admin; 429 after repeated failures (per email and address, and per account).',
  })
  @ApiResponse({ status: 200, type: AdminAccessTokenDto })
  loginAdmin(@Body() body: AdminLoginDto, @ClientIp() ip: string | null): Promise<AdminAccessTokenDto> {
    return this.admin.login(body.email, body.password, ip);
  }
}
