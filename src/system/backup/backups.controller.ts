import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AdminAuditService } from '../../admin-audit/admin-audit.service';
import { CurrentPrincipal, RequirePermissions } from '../../auth/decorators';
import type { AuthPrincipal } from '../../auth/principal';
import { ConflictError } from '../../common/errors/domain.error';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { BackupScheduler } from './backup.scheduler';
import { BackupService } from './backup.service';
import { ApiErrors } from '../../common/openapi/api-errors.decorator';

class BackupVerificationDto {
  @ApiProperty({ enum: ['pending', 'verified', 'failed'] }) status: string;
  @ApiProperty({ required: false, format: 'date-time' }) at?: string;
  @ApiProperty({ required: false }) durationMs?: number;
  @ApiProperty({ required: false }) error?: string;
}

class BackupSummaryDto {
  @ApiProperty() id: string;
  @ApiProperty() file: string;
  @ApiProperty() schemaFile: string;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty() durationMs: number;
  @ApiProperty() sizeBytes: number;
  @ApiProperty() sha256: string;
  @ApiProperty({ enum: ['scheduled', 'manual'] }) trigger: string;
  @ApiProperty({ description: 'Rows per table in the dump' }) rowCounts: Record<string, number>;
  @ApiProperty({ type: BackupVerificationDto }) verification: BackupVerificationDto;
}

class BackupStartedDto {
  @ApiProperty({ enum: ['started'], example: 'started' }) status: 'started';
}

class BackupListDto {
  @ApiProperty() enabled: boolean;
  @ApiProperty({ example: '0 6 * * *' }) cron: string;
  @ApiProperty({ example: { daily: 7, weekly: 4, monthly: 6 } }) retention: { daily: number; weekly: number; monthly: number };
  @ApiProperty({ description: 'A backup is running in this instance' }) running: boolean;
  @ApiProperty({ type: [BackupSummaryDto], description: 'Newest first' }) backups: BackupSummaryDto[];
}

@ApiTags('system')
@ApiBearerAuth()
@Controller('admin/backups')
export class BackupsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly backups: BackupService,
    private readonly scheduler: BackupScheduler,
    private readonly audit: AdminAuditService,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @RequirePermissions('system:read')
  @ApiOperation({ summary: 'The backups in BACKUP_DIR with their verification, and the schedule' })
  @ApiOkResponse({ type: BackupListDto })
  list(): BackupListDto {
    const { enabled, cron, retention } = this.config.backup;
    return {
      enabled,
      cron,
      retention,
      running: this.scheduler.isRunning,
      backups: this.backups.store
        .list()
        .map(({ id, file, schemaFile, startedAt, durationMs, sizeBytes, sha256, trigger, rowCounts, verification }) => ({
          id,
          file,
          schemaFile,
          startedAt,
          durationMs,
          sizeBytes,
          sha256,
          trigger,
          rowCounts,
          verification: {
            status: verification.status,
            at: verification.at,
            durationMs: verification.durationMs,
            error: verification.error,
          },
        })),
    };
  }

  @Post()
  @HttpCode(202)
  @RequirePermissions('system:backup')
  @ApiErrors('backup_running')
  @ApiOperation({ summary: 'Start a verified backup now (runs in the background; watch GET /api/admin/backups)' })
  @ApiAcceptedResponse({ description: 'Started', type: BackupStartedDto })
  @ApiConflictResponse({ description: 'A backup is already running in this instance' })
  async start(@CurrentPrincipal() principal: AuthPrincipal): Promise<BackupStartedDto> {
    if (!this.scheduler.startManual()) throw new ConflictError('backup_running', 'A backup is already running');
    await this.audit.record(this.dataSource.manager, { adminId: principal.id, action: 'backup.run', targetType: 'backup' });
    return { status: 'started' };
  }
}
