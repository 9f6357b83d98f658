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
  @ApiProperty({ enum: ['pending', 'verified', 'failed'], example: 'verified' }) status: string;
  @ApiProperty({ required: false, format: 'date-time', example: '2026-03-05T06:02:31.000Z' }) at?: string;
  @ApiProperty({ required: false, example: 151234 }) durationMs?: number;
  @ApiProperty({ required: false, example: 'row counts differ: users 1284 vs 1283', description: 'Why verification failed' })
  error?: string;
}

class BackupSummaryDto {
  @ApiProperty({ example: 'pend-20260305T060000000Z' }) id: string;
  @ApiProperty({ example: 'pend-20260305T060000000Z.dump' }) file: string;
  @ApiProperty({ example: 'pend-20260305T060000000Z.schema.sql' }) schemaFile: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-05T06:00:00.000Z' }) startedAt: string;
  @ApiProperty({ example: 8421 }) durationMs: number;
  @ApiProperty({ example: 9342771 }) sizeBytes: number;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) sha256: string;
  @ApiProperty({ enum: ['scheduled', 'manual'], example: 'scheduled' }) trigger: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { users: 1284, investments: 3410, assets: 27 },
    description: 'Rows per table in the dump',
  })
  rowCounts: Record<string, number>;
  @ApiProperty({ type: BackupVerificationDto }) verification: BackupVerificationDto;
}

class BackupStartedDto {
  @ApiProperty({ enum: ['started'], example: 'started' }) status: 'started';
}

class BackupListDto {
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ example: '0 6 * * *' }) cron: string;
  @ApiProperty({ example: { daily: 7, weekly: 4, monthly: 6 } }) retention: { daily: number; weekly: number; monthly: number };
  @ApiProperty({ example: false, description: 'A backup is running in this instance' }) running: boolean;
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
