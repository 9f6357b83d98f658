import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorFunction, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../../auth/decorators';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { BackupFreshnessIndicator } from './backup-freshness.indicator';
import { DiskSpaceIndicator } from './disk-space.indicator';
import { HeapIndicator } from './heap.indicator';
import { MigrationsIndicator } from './migrations.indicator';
import { ReplicaIndicator } from './replica.indicator';

/** Checks whose failure still leaves reads servable: the primary's (when a replica is up) and the replicas' (when the primary is). */
const DEGRADABLE = new Set(['database', 'migrations', 'database_replicas']);
import { ApiErrors, ApiNoDatabase } from '../../common/openapi/api-errors.decorator';

@ApiTags('system')
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
    private readonly replicas: ReplicaIndicator,
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
      '200 with status `degraded` while only reads are served (MAINTENANCE_MODE=read_only, or the primary down and a replica up) ' +
      'or a read replica is down',
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
    if (this.replicas.configured) checks.push(() => this.replicas.check('database_replicas'));
    let result: HealthCheckResult;
    try {
      result = await this.health.check(checks);
    } catch (error) {
      // Reads are still served when only the primary's checks failed and a replica is up, or only the replicas
      // failed: 200 `degraded` (a load balancer keeps routing here); 503 only when nothing can be served.
      const body = error instanceof ServiceUnavailableException ? (error.getResponse() as HealthCheckResult) : undefined;
      const failing = Object.keys(body?.error ?? {});
      const replicaUp = body?.info?.database_replicas?.status === 'up';
      const primaryDown = failing.includes('database');
      // The migrations check fails with the primary (it queries it); pending migrations alone stay a 503.
      const servable =
        failing.length > 0 &&
        failing.every((key) => DEGRADABLE.has(key)) &&
        (!failing.includes('migrations') || primaryDown) &&
        (!primaryDown || replicaUp);
      if (!body || !servable) throw error;
      return { ...body, status: 'degraded' };
    }
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
