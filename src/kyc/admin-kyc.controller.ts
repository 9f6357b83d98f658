import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ParseIdPipe } from '../common/validation/parse-id.pipe';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions } from '../auth/decorators';
import type { AuthPrincipal } from '../auth/principal';
import { ClientIp } from '../common/http/client-ip.decorator';
import { ApproveKycDto, KycApplicationDto, KycApplicationPageDto, KycQueueQueryDto, RejectKycDto } from './dto/kyc.dto';
import { KycStatus } from './entities/kyc-application.entity';
import { KycService } from './kyc.service';
import { ApiErrors, ApiRequestExample } from '../common/openapi/api-errors.decorator';

@ApiTags('kyc')
@ApiBearerAuth()
@Controller('admin/kyc')
export class AdminKycController {
  constructor(private readonly kyc: KycService) {}

  @Get()
  @RequirePermissions('kyc:read')
  @ApiOperation({ summary: 'Review queue, oldest first, keyset-paginated; filter by status' })
  @ApiResponse({ status: 200, type: KycApplicationPageDto })
  list(@Query() query: KycQueueQueryDto): Promise<KycApplicationPageDto> {
    return this.kyc.listReviewQueue(query);
  }

  @Get(':id')
  @RequirePermissions('kyc:read')
  @ApiErrors('kyc_application_not_found')
  @ApiOperation({ summary: 'One application with its documents' })
  @ApiResponse({ status: 200, type: KycApplicationDto })
  get(@Param('id', ParseIdPipe) id: string): Promise<KycApplicationDto> {
    return this.kyc.getApplication(id);
  }

  @Post(':id/start-review')
  @HttpCode(200)
  @RequirePermissions('kyc:review')
  @ApiErrors('kyc_application_not_found', 'kyc_illegal_transition')
  @ApiOperation({ summary: 'pending → in_review (409 from any other state)' })
  @ApiResponse({ status: 200, type: KycApplicationDto })
  startReview(@Param('id', ParseIdPipe) id: string, @CurrentPrincipal() admin: AuthPrincipal, @ClientIp() ip: string | null) {
    return this.kyc.decide(id, KycStatus.InReview, { adminId: admin.id, ip });
  }

  @Post(':id/approve')
  @ApiRequestExample({ note: 'Passport and address match' })
  @HttpCode(200)
  @RequirePermissions('kyc:review')
  @ApiErrors('kyc_application_not_found', 'kyc_illegal_transition')
  @ApiOperation({ summary: 'pending or in_review → approved (409 from a final state); audited' })
  @ApiResponse({ status: 200, type: KycApplicationDto })
  approve(
    @Param('id', ParseIdPipe) id: string,
    @Body() body: ApproveKycDto,
    @CurrentPrincipal() admin: AuthPrincipal,
    @ClientIp() ip: string | null,
  ) {
    return this.kyc.decide(id, KycStatus.Approved, { adminId: admin.id, ip }, body.note ? { note: body.note } : {});
  }

  @Post(':id/reject')
  @ApiRequestExample({ reason: 'The passport scan is unreadable' })
  @HttpCode(200)
  @RequirePermissions('kyc:review')
  @ApiErrors('kyc_application_not_found', 'kyc_illegal_transition')
  @ApiOperation({ summary: 'pending or in_review → rejected with a reason (409 from a final state); audited' })
  @ApiResponse({ status: 200, type: KycApplicationDto })
  reject(
    @Param('id', ParseIdPipe) id: string,
    @Body() body: RejectKycDto,
    @CurrentPrincipal() admin: AuthPrincipal,
    @ClientIp() ip: string | null,
  ) {
    return this.kyc.decide(id, KycStatus.Rejected, { adminId: admin.id, ip }, { reason: body.reason });
  }
}
