import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ParseIdPipe } from '../common/validation/parse-id.pipe';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions } from '../auth/decorators';
import type { AuthPrincipal } from '../auth/principal';
import { ClientIp } from '../common/http/client-ip.decorator';
import { AdminAccountsService } from './admin-accounts.service';
import { AdminAccountDto, CreateAdminDto, CurrentAdminDto, UpdateAdminDto } from './dto/admin-accounts.dto';
import { ApiErrors, ApiRequestExample } from '../common/openapi/api-errors.decorator';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
export class AdminAccountsController {
  constructor(private readonly accounts: AdminAccountsService) {}

  @Get('me')
  @ApiErrors('forbidden', 'admin_not_found')
  @ApiOperation({ summary: 'The signed-in admin with the permissions the console should offer (403 for investors)' })
  @ApiResponse({ status: 200, type: CurrentAdminDto })
  me(@CurrentPrincipal() principal: AuthPrincipal): Promise<CurrentAdminDto> {
    return this.accounts.describeCurrentAdmin(principal);
  }

  @Get('admins')
  @RequirePermissions('admins:manage')
  @ApiOperation({ summary: 'All admin accounts' })
  @ApiResponse({ status: 200, type: [AdminAccountDto] })
  list(): Promise<AdminAccountDto[]> {
    return this.accounts.listAdmins();
  }

  @Post('admins')
  @ApiRequestExample({ email: 'reviewer@pend.example', role: 'compliance', name: 'Rita Reviewer', password: 'a long passphrase 42' })
  @RequirePermissions('admins:manage')
  @ApiErrors('admin_email_taken')
  @ApiOperation({ summary: 'Create an admin with an initial password (bcrypt); audited; 409 when the email is taken' })
  @ApiResponse({ status: 201, type: AdminAccountDto })
  create(@Body() body: CreateAdminDto, @CurrentPrincipal() admin: AuthPrincipal, @ClientIp() ip: string | null): Promise<AdminAccountDto> {
    return this.accounts.createAdmin(body, { adminId: admin.id, ip });
  }

  @Patch('admins/:id')
  @ApiRequestExample({ role: 'support' })
  @RequirePermissions('admins:manage')
  @ApiErrors('admin_not_found', 'admin_self_change')
  @ApiOperation({ summary: 'Change an admin’s role, name or active flag, or clear a login lock; audited' })
  @ApiResponse({ status: 200, type: AdminAccountDto })
  update(
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateAdminDto,
    @CurrentPrincipal() admin: AuthPrincipal,
    @ClientIp() ip: string | null,
  ): Promise<AdminAccountDto> {
    return this.accounts.updateAdmin(id, body, { adminId: admin.id, ip });
  }
}
