import 'reflect-metadata';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupService, databaseNameOf } from '../system/backup/backup.service';
import { systemClock } from '../system/backup/clock';
import { PgDumpRunner } from '../system/backup/pg-dump.runner';
import { openCliContext, runCli } from './cli-context';

const USAGE = `Usage: npm run db:restore -- --file <dump> [--target-db <name>] [--no-verify]
  Restores a custom-format dump (npm run db:backup) into a database of the same server:
  --target-db (created when missing, refused when it already has tables), by default a new
  <database>_restore_<timestamp>. The live database is never overwritten: point DATABASE_URL at
  the restored one to switch over. The dump's sha256 is checked against the manifest beside it;
  a dump without one is refused unless --no-verify is given.`;

runCli('db:restore', async () => {
  const { values } = parseArgs({
    options: { file: { type: 'string' }, 'target-db': { type: 'string' }, 'no-verify': { type: 'boolean' }, help: { type: 'boolean' } },
    allowPositionals: false,
  });
  if (values.help || !values.file) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const context = await openCliContext();
  try {
    const service = new BackupService(context.config, context.dataSource, new PgDumpRunner(), systemClock);
    const file = path.resolve(values.file);
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const target = values['target-db'] ?? `${databaseNameOf(service.databaseUrl)}_restore_${stamp}`;
    const result = await service.restore(
      file,
      target,
      (stage, detail = '') => {
        if (detail.startsWith('pg_restore: ')) {
          const table = /processing data for table "([^"]+)"/.exec(detail)?.[1];
          if (table) process.stdout.write(`  restoring data of ${table}\n`);
          return;
        }
        process.stdout.write(`[${new Date().toISOString()}] ${stage}: ${detail}\n`);
      },
      { verify: !values['no-verify'] },
    );
    const rows = Object.values(result.rowCounts).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `Restored ${file} into database ${result.database} in ${result.durationMs} ms: ${Object.keys(result.rowCounts).length} tables, ${rows} rows\n`,
    );
    return 0;
  } finally {
    await context.close();
  }
});
