import 'reflect-metadata';
import { SingleBar } from 'cli-progress';
import { BackupRepository } from '../system/backup/backup.repository';
import { BackupService } from '../system/backup/backup.service';
import { systemClock } from '../system/backup/clock';
import { PgDumpRunner } from '../system/backup/pg-dump.runner';
import { openCliContext, runCli } from './cli-context';

const USAGE = `Usage: npm run db:backup [-- --base]
  Takes a full backup now (pg_dump -Fc + schema-only SQL + manifest) into BACKUP_DIR, verifies it by
  restoring into a scratch database, then applies the retention policy; with WAL archiving on
  (WAL_ARCHIVE_ENABLED) it also takes a base backup for point-in-time recovery (BACKUP_DIR/base).
  --base: the base backup alone (pg_basebackup, then the PITR_WINDOW_DAYS rotation of base backups and WAL).
  Uses DATABASE_URL or the embedded server.`;

runCli('db:backup', async () => {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const context = await openCliContext();
  if (process.argv.includes('--base')) {
    try {
      const service = new BackupService(context.config, new BackupRepository(context.dataSource), new PgDumpRunner(), systemClock);
      const log = (stage: string, detail = '') => process.stdout.write(`[${new Date().toISOString()}] ${stage}: ${detail}\n`);
      const base = await service.takeBaseBackup('manual', log);
      service.rotatePitr(log);
      process.stdout.write(`Base backup ${base.id}: ${service.baseStore.folderOf(base.id)} (${base.durationMs} ms)\n`);
      return 0;
    } finally {
      await context.close();
    }
  }
  // The bar only draws on a terminal; piped output gets the stage lines alone.
  const bar = new SingleBar({ format: '  tables [{bar}] {value}/{total} {table}', hideCursor: true });
  let tables = 0;
  let barActive = false;
  const stopBar = () => {
    if (barActive) bar.stop();
    barActive = false;
  };
  try {
    const service = new BackupService(context.config, new BackupRepository(context.dataSource), new PgDumpRunner(), systemClock);
    process.stdout.write(`Backing up into ${service.store.dir}\n`);
    const outcome = await service.runBackup({
      trigger: 'manual',
      onProgress: (stage, detail = '', info) => {
        if (info?.tables) tables = info.tables;
        const table = /dumping contents of table "([^"]+)"/.exec(detail)?.[1];
        if (stage === 'dumping' && detail.startsWith('pg_dump: ')) {
          if (table && barActive) bar.increment({ table });
          return;
        }
        stopBar();
        process.stdout.write(`[${new Date().toISOString()}] ${stage}: ${detail}\n`);
        if (stage === 'dumping' && !detail.includes('schema only') && process.stdout.isTTY && tables > 0) {
          bar.start(tables, 0, { table: '' });
          barActive = true;
        }
      },
    });
    stopBar();
    if (outcome.status === 'skipped') {
      process.stdout.write(`Skipped: ${outcome.reason}\n`);
      return 1;
    }
    const { manifest } = outcome;
    process.stdout.write(
      `Backup ${manifest.id}: ${service.store.pathOf(manifest.file)} (${manifest.sizeBytes} bytes, ${manifest.durationMs} ms), ` +
        `verification ${manifest.verification.status}${manifest.verification.error ? ` (${manifest.verification.error})` : ''}\n`,
    );
    return manifest.verification.status === 'verified' ? 0 : 1;
  } finally {
    stopBar();
    await context.close();
  }
});
