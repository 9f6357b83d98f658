import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, InvestorOnly } from '../auth/decorators';
import type { AuthPrincipal } from '../auth/principal';
import { KycApplicationDto, SubmitKycApplicationDto } from './dto/kyc.dto';
import { KycService } from './kyc.service';
import { ApiErrors, ApiRequestExample } from '../common/openapi/api-errors.decorator';

@ApiTags('kyc')
@ApiBearerAuth()
@InvestorOnly()
@Controller('kyc/applications')
export class KycController {
  constructor(private readonly kyc: KycService) {}

  @Post()
  @ApiRequestExample({
    level: 1,
    documents: [
      {
        type: 'passport',
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        storageKey: 'kyc/2026/11/passport-front.jpg',
        mimeType: 'image/jpeg',
      },
    ],
  })
  @ApiErrors('user_not_found', 'account_not_active', 'kyc_application_open', 'kyc_already_approved')
  @ApiOperation({
    summary: 'Submit a KYC application with document metadata (the files are in object storage)',
    description:
      '409 `kyc_application_open` while another application awaits review; 409 `kyc_already_approved` for a level already approved.',
  })
  @ApiResponse({ status: 201, type: KycApplicationDto })
  submit(@CurrentPrincipal() principal: AuthPrincipal, @Body() body: SubmitKycApplicationDto): Promise<KycApplicationDto> {
    return this.kyc.submit(principal.id, body);
  }

  @Get('me')
  @ApiOperation({ summary: 'The signed-in investor’s applications, newest first, with their documents' })
  @ApiResponse({ status: 200, type: [KycApplicationDto] })
  listMine(@CurrentPrincipal() principal: AuthPrincipal): Promise<KycApplicationDto[]> {
    return this.kyc.listOwnApplications(principal.id);
  }
}
