import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCliContext, runCli } from '../src/cli/cli-context';
import { createDataSource } from '../src/database/data-source';
import { runMigrationsWithLock } from '../src/database/migration-runner';
import { seedReferenceData } from '../src/database/seeds/reference-data.seed';
import { BackupRepository, countRowsInDatabase } from '../src/system/backup/backup.repository';
import { BackupService, withDatabase } from '../src/system/backup/backup.service';
import { systemClock } from '../src/system/backup/clock';
import { PgDumpRunner } from '../src/system/backup/pg-dump.runner';
import { locatePgTools } from '../src/system/backup/pg-tools';

/**
 * `npm run bench:backup`: the RTO/RPO figures in docs/benchmarks.md. Builds a scratch database with
 * BENCH_USERS (default 1,000,000) users from generate_series, then times pg_dump -Fc and
 * pg_restore (--jobs 1 and 2) into fresh databases and the whole backup job (dumps + verifying
 * restore), and prints the figures side by side.
 * Everything it creates is dropped at the end.
 */
runCli('bench:backup', async () => {
  const users = Number(process.env.BENCH_USERS ?? 1_000_000);
  const context = await openCliContext();
  const { dataSource, config } = context;
  const stamp = Date.now().toString(36);
  const source = `pend_bench_${stamp}`;
  const restoredDbs: string[] = [];
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-bench-backup-'));
  const runner = new PgDumpRunner();
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  try {
    const [{ num }] = (await dataSource.query(`SELECT current_setting('server_version_num')::int AS num`)) as { num: number }[];
    const tools = locatePgTools(Math.floor(num / 10_000), config.backup.pgBinDir);
    process.stdout.write(`${tools.version}; server ${num}; ${os.cpus().length} cores\n`);

    await dataSource.query(`CREATE DATABASE ${source}`);
    const sourceUrl = withDatabase(context.database.url, source);
    const bench = createDataSource(config, sourceUrl, { logging: false, maxQueryExecutionTime: 0 });
    await bench.initialize();
    let started = Date.now();
    await runMigrationsWithLock(bench);
    await seedReferenceData(bench);
    await bench.query(
      `INSERT INTO users (phone_e164, phone_hash, email, display_name, tier_id, created_at)
       SELECT p, encode(sha256(convert_to(p, 'UTF8')), 'hex'), 'user' || i || '@bench.pend', 'Bench User ' || i,
              (SELECT id FROM user_tiers ORDER BY id LIMIT 1), now() - (i % 365) * interval '1 day'
       FROM generate_series(1, $1::int) AS i, LATERAL (SELECT '+1' || lpad(i::text, 10, '0') AS p) phone`,
      [users],
    );
    await bench.query('VACUUM ANALYZE users');
    const [{ size }] = (await bench.query('SELECT pg_database_size(current_database())::bigint AS size')) as { size: string }[];
    await bench.destroy();
    process.stdout.write(`generated ${users} users in ${seconds(Date.now() - started)} s; database ${mb(Number(size))} MB\n`);

    const dumpFile = path.join(workDir, 'bench.dump');
    started = Date.now();
    await runner.dump(tools, sourceUrl, { file: dumpFile });
    const dumpMs = Date.now() - started;
    const dumpBytes = fs.statSync(dumpFile).size;

    const rows: string[][] = [['step', 'seconds', 'size MB', 'users']];
    rows.push(['pg_dump -Fc (compress 6)', seconds(dumpMs), mb(dumpBytes), '']);
    for (const jobs of [1, 2]) {
      const target = `pend_bench_${stamp}_restore_j${jobs}`;
      restoredDbs.push(target);
      await dataSource.query(`CREATE DATABASE ${target} TEMPLATE template0`);
      const targetUrl = withDatabase(context.database.url, target);
      started = Date.now();
      await runner.restore(tools, targetUrl, dumpFile, { jobs });
      const restoreMs = Date.now() - started;
      const counts = await countRowsInDatabase(targetUrl);
      rows.push([`pg_restore --jobs=${jobs}`, seconds(restoreMs), '', String(counts.users)]);
    }

    // The whole scheduled job on the same data: snapshot counts, both dumps, verifying restore, rotation.
    const jobSource = createDataSource(config, sourceUrl, { logging: false, maxQueryExecutionTime: 0 });
    await jobSource.initialize();
    try {
      const service = new BackupService(
        { ...config, backup: { ...config.backup, dir: path.join(workDir, 'job') } },
        new BackupRepository(jobSource),
        runner,
        systemClock,
      );
      started = Date.now();
      const outcome = await service.runBackup();
      if (outcome.status !== 'completed') throw new Error(`backup job skipped: ${outcome.reason}`);
      const { manifest } = outcome;
      rows.push([
        `backup job (dump + verify: ${manifest.verification.status})`,
        seconds(Date.now() - started),
        mb(manifest.sizeBytes),
        String(manifest.rowCounts.users),
      ]);
      rows.push(['  of which verifying restore', seconds(manifest.verification.durationMs ?? 0), '', '']);
    } finally {
      await jobSource.destroy();
    }

    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const row of rows) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c])).join('  ')}\n`);
    return 0;
  } finally {
    for (const db of [...restoredDbs, source]) await dataSource.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    fs.rmSync(workDir, { recursive: true, force: true });
    await context.close();
  }
});
