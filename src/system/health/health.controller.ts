import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorFunction, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../../auth/decorators';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { BackupFreshnessIndicator } from './backup-freshness.indicator';
import { DiskSpaceIndicator } from './disk-space.indicator';
import { HeapIndicator } from './heap.indicator';
import { MigrationsIndicator } from './migrations.indicator';
import { ApiErrors, ApiNoDatabase } from '../../common/openapi/api-errors.decorator';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly disk: DiskSpaceIndicator,
    private readonly heap: HeapIndicator,
    private readonly migrations: MigrationsIndicator,
    private readonly backup: BackupFreshnessIndicator,
  ) {}

  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiNoDatabase()
  @ApiOkResponse({ description: 'The process is up', schema: { example: { status: 'ok', info: {}, error: {}, details: {} } } })
  @ApiOperation({ summary: 'Liveness: the process is up (no dependency is checked)' })
  live() {
    return this.health.check([]);
  }

  @Get()
  @HealthCheck()
  @ApiNoDatabase() // an outage is reported in Terminus's own 503 body, not as database_unavailable
  @ApiErrors('health_check_failed')
  @ApiOperation({
    summary:
      'Readiness: database, disk (data and backup folders), heap, pending migrations, backup freshness; 503 naming the failing check. ' +
      '200 with status `degraded` while only reads are served (MAINTENANCE_MODE=read_only)',
  })
  async ready() {
    const timeout = this.config.monitoring.healthCheckTimeoutMs;
    const checks: HealthIndicatorFunction[] = [
      () => this.database.pingCheck('database', { timeout: Math.min(timeout, 1_500) }),
      () => this.disk.check('disk_data', () => this.disk.dataDir()),
      () => this.disk.check('disk_backup', () => this.config.backup.dir),
      () => this.heap.check('memory_heap'),
      () => this.migrations.check('migrations'),
    ];
    if (this.config.backup.enabled) checks.push(() => this.backup.check('backup'));
    const result = await this.health.check(checks);
    if (!this.config.maintenance.readOnly) return result;
    // Planned read-only maintenance: reads are served, so a load balancer keeps routing here (200), but not `ok`.
    const maintenance = { status: 'up', mode: 'read_only', writes: 'refused (503 maintenance_read_only)' };
    return {
      ...result,
      status: 'degraded',
      info: { ...result.info, maintenance },
      details: { ...result.details, maintenance },
    };
  }
}
