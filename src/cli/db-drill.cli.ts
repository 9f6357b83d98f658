import 'reflect-metadata';
import { BackupRepository } from '../system/backup/backup.repository';
import { BackupService } from '../system/backup/backup.service';
import { systemClock } from '../system/backup/clock';
import { DrillService } from '../system/backup/drill';
import { PgDumpRunner } from '../system/backup/pg-dump.runner';
import { openCliContext, runCli } from './cli-context';

const USAGE = `Usage: npm run db:drill
  Disaster-recovery drill: marks the live database (a named restore point, row counts and schema read in
  the same snapshot), restores the newest base backup and the WAL archive up to that mark into a scratch
  server, compares row counts, schema and applied migrations, measures the restore time (the RTO),
  records the verdict (BACKUP_DIR/drills, system_logs, /metrics) and removes the scratch server.
  Needs WAL archiving and a base backup (npm run db:backup). Exit code 0 when the drill passes.`;

runCli('db:drill', async () => {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const context = await openCliContext();
  try {
    const backups = new BackupService(context.config, new BackupRepository(context.dataSource), new PgDumpRunner(), systemClock);
    const drills = new DrillService(context.config, context.dataSource, backups, systemClock);
    const outcome = await drills.runDrill({
      trigger: 'manual',
      progress: (stage, detail) => process.stdout.write(`[${new Date().toISOString()}] ${stage}: ${detail}\n`),
    });
    if (outcome.status === 'skipped') {
      process.stdout.write(`Skipped: ${outcome.reason}\n`);
      return 1;
    }
    const { record } = outcome;
    process.stdout.write(
      `Drill ${record.id} ${record.status}: restore (RTO) ${record.rtoMs ?? '-'} ms, whole drill ${record.durationMs} ms` +
        `${record.tables !== undefined ? `, ${record.tables} tables, ${record.rows} rows` : ''}${record.error ? ` (${record.error})` : ''}\n`,
    );
    return record.status === 'passed' ? 0 : 1;
  } finally {
    await context.close();
  }
});
