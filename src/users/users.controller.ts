import { Body, Controller, Get, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ParseIdPipe } from '../common/validation/parse-id.pipe';
import { ParseRecordRefPipe } from '../common/validation/parse-record-ref.pipe';
import type { RecordRef } from '../common/validation/parse-record-ref.pipe';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, InvestorOnly, Public } from '../auth/decorators';
import type { AuthPrincipal } from '../auth/principal';
import { signInOrigin } from '../auth/request-context';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';
import { RegisterUserDto } from './dto/register-user.dto';
import { TransactionHistoryQueryDto, TransactionPageDto } from './dto/transaction-history.dto';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { RegisteredUserDto, UserDetailDto } from './dto/user-detail.dto';
import { UsersService } from './users.service';
import { ApiErrors, ApiRequestExample } from '../common/openapi/api-errors.decorator';

/** GET /api/users/:id also takes the legacy store's user ids (issue 12 §4). */
const LEGACY_USER_ID = new ParseRecordRefPipe('usr', true);

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post()
  @ApiRequestExample({
    phone: '+14155550123',
    address: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F',
    message:
      'app.pend.example wants you to sign in with your Ethereum account:\n' +
      '0x71C7656EC7ab88b098defB751B7401B5f6d8976F\n\nSign in to Pend\n\nURI: https://app.pend.example\nVersion: 1\nChain ID: 1\n' +
      'Nonce: 3f2b9c7d1e4a5b6c\nIssued At: 2026-11-30T09:00:00.000Z\nExpiration Time: 2026-11-30T09:05:00.000Z',
    signature: `0x${'1b'.repeat(65)}`,
  })
  @ApiErrors('address_mismatch', 'invalid_sign_in', 'wallet_taken', 'phone_taken')
  @ApiOperation({
    summary: 'Register a wallet with a phone number',
    description:
      'Send the EIP-4361 message from POST /api/auth/nonce signed by the wallet (the one a 404 from POST /api/auth/wallet answered ' +
      'may be reused). 409 `phone_taken` / `wallet_taken` when either is registered already. Returns an access token.',
  })
  @ApiResponse({ status: 201, type: RegisteredUserDto })
  register(@Body() body: RegisterUserDto): Promise<RegisteredUserDto> {
    return this.users.register(body, signInOrigin(this.config));
  }

  @InvestorOnly()
  @Get('me')
  @ApiErrors('user_not_found')
  @ApiOperation({ summary: 'The signed-in investor with profile, tier, KYC status and holdings' })
  @ApiResponse({ status: 200, type: UserDetailDto })
  getMe(@CurrentPrincipal() principal: AuthPrincipal): Promise<UserDetailDto> {
    return this.users.getUserDetail(principal.id);
  }

  @InvestorOnly()
  @Patch('me/profile')
  @ApiRequestExample({ displayName: 'Ada L.', country: 'DE', language: 'en-GB', notifyEmail: true, notifySms: null })
  @ApiErrors('user_not_found')
  @ApiOperation({ summary: 'Change the signed-in investor’s profile (fields sent as null are cleared)' })
  @ApiResponse({ status: 200, type: UserDetailDto })
  updateMyProfile(@CurrentPrincipal() principal: AuthPrincipal, @Body() body: UpdateProfileDto): Promise<UserDetailDto> {
    return this.users.updateProfile(principal.id, body);
  }

  @Get(':id')
  @ApiErrors('forbidden', 'user_not_found')
  @ApiOperation({
    summary: 'A user (the investor themselves, or an admin with users:read); another investor’s id is 404',
    description:
      'The id is the uuid or the legacy id client apps of the old server hold (`usr_…`, or the 64-hex phone hash of a ' +
      'schema-1 store): same answer, same authorisation. An unknown legacy id is 404 `user_not_found`.',
  })
  @ApiParam({ name: 'id', description: 'uuid, or legacy id (`usr_7Hq2`)', example: 'usr_7Hq2', schema: { type: 'string' } })
  @ApiResponse({ status: 200, type: UserDetailDto })
  getUser(@CurrentPrincipal() principal: AuthPrincipal, @Param('id', LEGACY_USER_ID) id: RecordRef): Promise<UserDetailDto> {
    return this.users.getUserDetailFor(principal, id);
  }

  @Get(':id/transactions')
  @ApiErrors('forbidden', 'user_not_found')
  @ApiOperation({ summary: 'Transaction history, newest first, keyset-paginated (?limit=&cursor=), filtered by type/status/from/to' })
  @ApiResponse({ status: 200, type: TransactionPageDto })
  getTransactions(
    @CurrentPrincipal() principal: AuthPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: TransactionHistoryQueryDto,
  ): Promise<TransactionPageDto> {
    return this.users.getTransactionHistoryFor(principal, id, query);
  }
}
