import 'reflect-metadata';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadAppConfig } from '../config/app.config';
import { EMBEDDED_DATABASE_NAME } from '../database/database-server';
import { attachToRunningEmbeddedPostgres } from '../database/embedded-postgres';
import { restoreToPointInTime } from '../system/backup/point-in-time-restore';
import { BackupRepository } from '../system/backup/backup.repository';
import { BackupService, databaseNameOf } from '../system/backup/backup.service';
import { systemClock } from '../system/backup/clock';
import { PgDumpRunner } from '../system/backup/pg-dump.runner';
import { openCliContext, runCli } from './cli-context';

const USAGE = `Usage: npm run db:restore -- --file <dump> [--target-db <name>] [--no-verify]
       npm run db:restore -- --to-time <ISO-8601> [--target-dir <folder>] [--port <n>] [--no-verify]
  Restores a custom-format dump (npm run db:backup) into a database of the same server:
  --target-db (created when missing, refused when it already has tables), by default a new
  <database>_restore_<timestamp>. The live database is never overwritten: point DATABASE_URL at
  the restored one to switch over. The dump's sha256 is checked against the manifest beside it;
  a dump without one is refused unless --no-verify is given.

  --to-time: point-in-time recovery. Builds a new server in --target-dir (default: beside the embedded
  data folder, <folder>-pitr-<timestamp>; with DATABASE_URL, BACKUP_DIR/pitr-<timestamp>) from the newest base backup that finished before that instant,
  replays the WAL archive (BACKUP_DIR/wal) up to it, promotes it and leaves it running on --port (default:
  a free one). A reachable live server is first asked to switch WAL so its newest commits are archived.
  The live data folder and the archive are never written. The last line printed is the new server's URL.
  --to-time latest: everything the archive holds (the primary lost: replay to the end of the archived WAL).`;

function loginOf(url: string): { user: string; password: string; database: string } {
  const parsed = new URL(url);
  return {
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
  };
}

/** --to-time: never starts the live server; uses it only when it already runs (to switch WAL). */
async function restoreToTime(values: { 'to-time'?: string; 'target-dir'?: string; port?: string; 'no-verify'?: boolean }): Promise<number> {
  const config = loadAppConfig();
  const latest = values['to-time'] === 'latest';
  const targetTime = latest ? new Date() : new Date(values['to-time'] ?? '');
  if ((!latest && !/^\d{4}-\d{2}-\d{2}T/.test(values['to-time'] ?? '')) || Number.isNaN(targetTime.getTime())) {
    process.stderr.write(`--to-time must be an ISO-8601 instant, e.g. 2026-12-05T06:30:00Z, or latest (got ${values['to-time']})\n`);
    return 2;
  }
  let liveUrl: string | undefined;
  let login: { user: string; password: string; database: string };
  if (config.database.url) {
    liveUrl = config.database.directUrl ?? config.database.url;
    login = loginOf(liveUrl);
  } else {
    const running = await attachToRunningEmbeddedPostgres(
      { dataDir: config.database.embeddedDataDir, database: EMBEDDED_DATABASE_NAME },
      5_000,
    ).catch(() => undefined);
    liveUrl = running?.url;
    const credentialsFile = `${config.database.embeddedDataDir}.credentials.json`;
    if (!fs.existsSync(credentialsFile))
      throw new Error(`No credentials at ${credentialsFile}: was the embedded server ever started here?`);
    const credentials = JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) as { user: string; password: string };
    login = { ...credentials, database: EMBEDDED_DATABASE_NAME };
  }
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const result = await restoreToPointInTime({
    targetTime,
    latest,
    walDir: config.backup.pitr.walDir,
    baseDir: config.backup.pitr.baseDir,
    // Beside the embedded data folder; with DATABASE_URL (compose: the app image, the node user) in BACKUP_DIR.
    targetDir: path.resolve(
      values['target-dir'] ??
        (config.database.url ? path.join(config.backup.dir, `pitr-${stamp}`) : `${config.database.embeddedDataDir}-pitr-${stamp}`),
    ),
    login,
    liveUrl,
    port: values.port ? Number(values.port) : undefined,
    pgBinDir: config.backup.pgBinDir,
    verify: !values['no-verify'],
    progress: (stage, detail) => process.stdout.write(`[${new Date().toISOString()}] ${stage}: ${detail}\n`),
  });
  process.stdout.write(
    `Restored to ${latest ? 'the end of the archive' : targetTime.toISOString()} from ${result.baseBackup} in ${result.durationMs} ms` +
      `${result.lastTransactionAt ? ` (last transaction kept: ${result.lastTransactionAt})` : ''}.\n` +
      `Data folder ${result.dataDir}, server pid ${result.pid}; it keeps running: stop it with kill -INT ${result.pid}.\n`,
  );
  process.stdout.write(`${result.url}\n`);
  return 0;
}

runCli('db:restore', async () => {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      'target-db': { type: 'string' },
      'to-time': { type: 'string' },
      'target-dir': { type: 'string' },
      port: { type: 'string' },
      'no-verify': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    allowPositionals: false,
  });
  if (!values.help && values['to-time'] !== undefined) return restoreToTime(values);
  if (values.help || !values.file) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const context = await openCliContext();
  try {
    const service = new BackupService(context.config, new BackupRepository(context.dataSource), new PgDumpRunner(), systemClock);
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
