import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ParseIdPipe } from '../common/validation/parse-id.pipe';
import { ParseRecordRefPipe } from '../common/validation/parse-record-ref.pipe';
import type { RecordRef } from '../common/validation/parse-record-ref.pipe';
import { CurrentPrincipal, InvestorOnly, RequirePermissions } from '../auth/decorators';
import type { ErrorBody } from '../common/filters/all-exceptions.filter';
import { fieldInvalid } from '../common/validation/validation.pipe';
import type { AuthPrincipal } from '../auth/principal';
import { CreateInvestmentDto } from './dto/create-investment.dto';
import { ConfirmInvestmentDto, InvestmentReasonDto, ListMyInvestmentsQueryDto } from './dto/investment-action.dto';
import { InvestmentsService } from './investments.service';
import { InvestmentDetailDto, InvestmentDto, MyInvestmentPageDto } from './investments.types';
import { ApiErrors, ApiRequestExample } from '../common/openapi/api-errors.decorator';
import { ClientIp } from '../common/http/client-ip.decorator';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** GET /api/investments/:id also takes the legacy store's investment ids (issue 12 §4). */
const LEGACY_INVESTMENT_ID = new ParseRecordRefPipe('inv');

function parseIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(value)) throw fieldInvalid('Idempotency-Key', 'must be 1–255 visible ASCII characters');
  return value;
}

@ApiTags('investments')
@ApiBearerAuth()
@Controller('investments')
export class InvestmentsController {
  constructor(private readonly investments: InvestmentsService) {}

  @Post()
  @ApiRequestExample({
    assetId: '3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70',
    amount: '100.50',
    agreement: { version: '2024-01', signature: `0x${'1b'.repeat(65)}` },
  })
  @InvestorOnly()
  @ApiErrors(
    'investor_not_found',
    'investor_not_active',
    'kyc_not_approved',
    'asset_not_found',
    'asset_not_open',
    'asset_not_open_yet',
    'asset_closed',
    'asset_oversubscribed',
    'amount_below_minimum',
    'amount_above_maximum',
    'tier_limit_exceeded',
    'idempotency_key_reused',
  )
  @ApiOperation({ summary: 'Invest in an open asset (pending until an admin confirms); honours Idempotency-Key' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Same key + same body replays the first answer, a refusal (403/404/409/422) included; another body is 422. A 400 does not use the key.',
  })
  @ApiCreatedResponse({ type: InvestmentDto })
  async create(
    @CurrentPrincipal() principal: AuthPrincipal,
    @Body() dto: CreateInvestmentDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @ClientIp() ip: string | null,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<InvestmentDto | ErrorBody> {
    const result = await this.investments.invest({
      userId: principal.id,
      dto,
      ip,
      idempotencyKey: parseIdempotencyKey(idempotencyKey),
    });
    response.status(result.status);
    if (result.replayed) response.header('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Get('me')
  @InvestorOnly()
  @ApiOperation({ summary: 'The caller’s investments, newest first' })
  @ApiOkResponse({ type: MyInvestmentPageDto })
  listMine(@CurrentPrincipal() principal: AuthPrincipal, @Query() query: ListMyInvestmentsQueryDto): Promise<MyInvestmentPageDto> {
    return this.investments.listMine(principal.id, query.limit, query.cursor);
  }

  @Get(':id')
  @InvestorOnly()
  @ApiErrors('investment_not_found')
  @ApiOperation({
    summary: 'One of the caller’s investments (another investor’s is 404)',
    description:
      'The id is the uuid or the legacy id client apps of the old server hold (`inv_…`): same answer, same authorisation. ' +
      'An unknown legacy id is 404 `investment_not_found`.',
  })
  @ApiParam({ name: 'id', description: 'uuid, or legacy id (`inv_0dd62973`)', example: 'inv_0dd62973', schema: { type: 'string' } })
  @ApiOkResponse({ type: InvestmentDetailDto })
  getMine(@CurrentPrincipal() principal: AuthPrincipal, @Param('id', LEGACY_INVESTMENT_ID) id: RecordRef): Promise<InvestmentDetailDto> {
    return this.investments.getMine(principal.id, id);
  }
}

@ApiTags('investments')
@ApiBearerAuth()
@Controller('admin/investments')
export class AdminInvestmentsController {
  constructor(private readonly investments: InvestmentsService) {}

  @Post(':id/confirm')
  @ApiRequestExample({ txHash: `0x${'ab'.repeat(32)}` })
  @HttpCode(200)
  @RequirePermissions('investments:manage')
  @ApiErrors('investment_not_found', 'illegal_investment_transition')
  @ApiOperation({ summary: 'pending → confirmed; its transaction completes; audited' })
  @ApiOkResponse({ type: InvestmentDto })
  confirm(
    @CurrentPrincipal() admin: AuthPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ConfirmInvestmentDto,
    @ClientIp() ip: string | null,
  ) {
    return this.investments.act(admin, id, 'confirm', { ...dto }, ip);
  }

  @Post(':id/cancel')
  @ApiRequestExample({ reason: 'The investor asked to cancel' })
  @HttpCode(200)
  @RequirePermissions('investments:manage')
  @ApiErrors('investment_not_found', 'illegal_investment_transition')
  @ApiOperation({ summary: 'pending → cancelled; its transaction fails; audited' })
  @ApiOkResponse({ type: InvestmentDto })
  cancel(
    @CurrentPrincipal() admin: AuthPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: InvestmentReasonDto,
    @ClientIp() ip: string | null,
  ) {
    return this.investments.act(admin, id, 'cancel', { ...dto }, ip);
  }

  @Post(':id/refund')
  @ApiRequestExample({ reason: 'The asset did not reach its target' })
  @HttpCode(200)
  @RequirePermissions('investments:manage')
  @ApiErrors('investment_not_found', 'illegal_investment_transition')
  @ApiOperation({ summary: 'confirmed → refunded, with a refund transaction; audited' })
  @ApiOkResponse({ type: InvestmentDto })
  refund(
    @CurrentPrincipal() admin: AuthPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: InvestmentReasonDto,
    @ClientIp() ip: string | null,
  ) {
    return this.investments.act(admin, id, 'refund', { ...dto }, ip);
  }
}
