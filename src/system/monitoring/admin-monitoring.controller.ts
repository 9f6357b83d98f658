import { Controller, Get, Headers } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
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
  @ApiHeader({
    name: 'Cache-Control',
    required: false,
    description:
      '`no-cache` (or `max-age=0`): numbers read after this request arrived, e.g. right after a change, instead of a result up to DASHBOARD_STATS_MAX_AGE_MS old. Still one computation at a time: concurrent requests share it.',
  })
  @ApiOkResponse({ type: DashboardStatsDto })
  dashboardStats(@Headers('cache-control') cacheControl: string | undefined) {
    return this.monitoring.dashboardStats(wantsFreshAnswer(cacheControl));
  }
}

/** A request's Cache-Control asks for a response not served from a cache without revalidation (RFC 9111 §5.2.1). */
export function wantsFreshAnswer(cacheControl: string | undefined): boolean {
  return cacheControl !== undefined && /(?:^|,)\s*(?:no-cache|max-age\s*=\s*"?0"?)\s*(?:,|$)/i.test(cacheControl);
}
