import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RequirePermissions } from '../../auth/decorators';
import { DashboardStatsDto, DatabaseActivityDto, DatabaseHealthDto, PerformanceMetricsDto } from './dto/monitoring.dto';
import { MonitoringService } from './monitoring.service';

@ApiTags('system')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No or invalid access token' })
@ApiForbiddenResponse({ description: 'The admin lacks the permission' })
@Controller('admin')
export class AdminMonitoringController {
  constructor(private readonly monitoring: MonitoringService) {}

  @Get('database-health')
  @RequirePermissions('system:read')
  @ApiOperation({ summary: 'Connections, query performance, size, uptime and last backup of the database' })
  @ApiOkResponse({ type: DatabaseHealthDto })
  databaseHealth() {
    return this.monitoring.databaseHealth();
  }

  @Get('database-activity')
  @RequirePermissions('system:read')
  @ApiOperation({ summary: 'Running queries, blocking locks and the longest open transactions (pg_stat_activity)' })
  @ApiOkResponse({ type: DatabaseActivityDto })
  databaseActivity() {
    return this.monitoring.databaseActivity();
  }

  @Get('performance-metrics')
  @RequirePermissions('system:read')
  @ApiOperation({ summary: 'Per-route p50/p95/p99 and error rate over the last hour, and the slowest queries' })
  @ApiOkResponse({ type: PerformanceMetricsDto })
  performanceMetrics() {
    return this.monitoring.performanceMetrics();
  }

  @Get('dashboard-stats')
  @RequirePermissions('analytics:read')
  @ApiOperation({
    summary:
      'Users, KYC, assets, amount raised and investments at a glance (one query, reused for DASHBOARD_STATS_MAX_AGE_MS; see generatedAt)',
  })
  @ApiOkResponse({ type: DashboardStatsDto })
  dashboardStats() {
    return this.monitoring.dashboardStats();
  }
}
