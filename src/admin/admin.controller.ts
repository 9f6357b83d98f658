import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ParseIdPipe } from '../common/validation/parse-id.pipe';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions } from '../auth/decorators';
import type { AuthPrincipal } from '../auth/principal';
import { ClientIp } from '../common/http/client-ip.decorator';
import { UserDetailDto } from '../users/dto/user-detail.dto';
import { AdminService } from './admin.service';
import { AdminLogPageDto, AdminLogQueryDto, AdminUserListQueryDto, AdminUserPageDto, ChangeUserStatusDto } from './dto/admin-users.dto';
import { ApiErrors, ApiRequestExample } from '../common/openapi/api-errors.decorator';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('users')
  @RequirePermissions('users:read')
  @ApiOperation({ summary: 'Investor accounts, newest first, keyset-paginated; exact wallet or phone lookup' })
  @ApiResponse({ status: 200, type: AdminUserPageDto })
  listUsers(@Query() query: AdminUserListQueryDto): Promise<AdminUserPageDto> {
    return this.admin.listUsers(query);
  }

  @Patch('users/:id/status')
  @ApiRequestExample({ status: 'suspended', reason: 'Chargeback under review' })
  @RequirePermissions('users:write')
  @ApiErrors('user_not_found')
  @ApiOperation({ summary: 'Suspend, reactivate or close an investor account (audited)' })
  @ApiResponse({ status: 200, type: UserDetailDto })
  changeUserStatus(
    @Param('id', ParseIdPipe) id: string,
    @Body() body: ChangeUserStatusDto,
    @CurrentPrincipal() admin: AuthPrincipal,
    @ClientIp() ip: string | null,
  ): Promise<UserDetailDto> {
    return this.admin.changeUserStatus(id, body, { adminId: admin.id, ip });
  }

  @Get('logs')
  @RequirePermissions('admin_logs:read')
  @ApiOperation({ summary: 'The admin audit trail, newest first, keyset-paginated; filter by admin, action, target' })
  @ApiResponse({ status: 200, type: AdminLogPageDto })
  listLogs(@Query() query: AdminLogQueryDto): Promise<AdminLogPageDto> {
    return this.admin.listAdminLogs(query);
  }
}
