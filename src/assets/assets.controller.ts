import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions } from '../auth/decorators';
import type { AuthPrincipal } from '../auth/principal';
import { ParseIdPipe } from '../common/validation/parse-id.pipe';
import { ParseRecordRefPipe } from '../common/validation/parse-record-ref.pipe';
import type { RecordRef } from '../common/validation/parse-record-ref.pipe';
import { AssetsService } from './assets.service';
import { AssetAnalyticsDto, AssetDetailDto, AssetPageDto, AssetDto } from './assets.types';
import { ListAssetsQueryDto } from './dto/asset-query.dto';
import { CreateAssetDto, UpdateAssetDto } from './dto/asset-write.dto';
import { ApiErrors, ApiRequestExample } from '../common/openapi/api-errors.decorator';
import { ClientIp } from '../common/http/client-ip.decorator';

type AdminPrincipal = Extract<AuthPrincipal, { kind: 'admin' }>;

/** GET /api/assets/:id also takes the legacy store's opportunity ids (issue 12 §4). */
const LEGACY_ASSET_ID = new ParseRecordRefPipe('opp');

/** The catalogue: any signed-in caller (investor or admin); drafts only for admins with assets:read. */
@ApiTags('assets')
@ApiBearerAuth()
@Controller('assets')
export class AssetsController {
  constructor(private readonly assets: AssetsService) {}

  @Get()
  @ApiOperation({ summary: 'Search assets (text, category, status, APY range), sorted and paginated' })
  @ApiOkResponse({ type: AssetPageDto })
  list(@CurrentPrincipal() principal: AuthPrincipal, @Query() query: ListAssetsQueryDto): Promise<AssetPageDto> {
    return this.assets.list(principal, query);
  }

  @Get('analytics')
  @RequirePermissions('analytics:read')
  @ApiOperation({ summary: 'Raised, target, funded %, investors and average ticket per asset, per category and overall' })
  @ApiOkResponse({ type: AssetAnalyticsDto })
  analytics(): Promise<AssetAnalyticsDto> {
    return this.assets.analytics();
  }

  @Get(':id')
  @ApiErrors('asset_not_found')
  @ApiOperation({
    summary: 'One asset with the amount raised (confirmed) and committed (pending + confirmed)',
    description:
      'The id is the uuid or the legacy id client apps of the old server hold (`opp_…`): same answer, same visibility ' +
      '(drafts only for admins). An unknown legacy id is 404 `asset_not_found`.',
  })
  @ApiParam({ name: 'id', description: 'uuid, or legacy id (`opp_sunset`)', example: 'opp_sunset', schema: { type: 'string' } })
  @ApiOkResponse({ type: AssetDetailDto })
  get(@CurrentPrincipal() principal: AuthPrincipal, @Param('id', LEGACY_ASSET_ID) id: RecordRef): Promise<AssetDetailDto> {
    return this.assets.get(principal, id);
  }
}

@ApiTags('assets')
@ApiBearerAuth()
@Controller('admin/assets')
export class AdminAssetsController {
  constructor(private readonly assets: AssetsService) {}

  @Post()
  @ApiRequestExample({
    name: 'Berlin Mitte Residential Fund',
    category: 'real_estate',
    targetAmount: '250000.00',
    minInvestment: '100',
    maxInvestment: '50000',
    expectedApy: '8.5',
    currency: 'USDC',
  })
  @RequirePermissions('assets:write')
  @ApiErrors('invalid_asset_field')
  @ApiOperation({ summary: 'Create an asset (draft or open); audited' })
  @ApiCreatedResponse({ type: AssetDto })
  create(@CurrentPrincipal() admin: AdminPrincipal, @Body() dto: CreateAssetDto, @ClientIp() ip: string | null): Promise<AssetDto> {
    return this.assets.create(admin, dto, ip);
  }

  @Patch(':id')
  @ApiRequestExample({ targetAmount: '300000.00', description: 'Twelve flats, fully let' })
  @RequirePermissions('assets:write')
  @ApiErrors('invalid_asset_field', 'asset_not_found', 'illegal_asset_transition', 'target_below_committed')
  @ApiOperation({ summary: 'Edit an asset or move its status (draft→open→funded/closed, →cancelled); illegal moves 409; audited' })
  @ApiOkResponse({ type: AssetDto })
  update(
    @CurrentPrincipal() admin: AdminPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: UpdateAssetDto,
    @ClientIp() ip: string | null,
  ): Promise<AssetDto> {
    return this.assets.update(admin, id, dto, ip);
  }
}
