import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { openCliContext, runCli } from './cli-context';
import { exportLegacyStore, RollbackSummary } from '../migration/rollback/legacy-store-exporter';

const USAGE = `Usage: npm run db:rollback -- --out <dir> [--batch-size N]
  Writes the database back out as a legacy JSON store (wallet-db.json, admin-opportunities.json,
  admin-logs.json, metadata.json, explorer-data/*.json) in <dir> (missing or empty), with the
  latest completed import run's quarantined records re-emitted where they were; records that
  cannot be put back (a broken file's tail, a scan record) go to <dir>/quarantine/<file>.jsonl.`;

function printSummary(summary: RollbackSummary): void {
  const lines = [`Rolled back to ${summary.out} in ${summary.seconds.toFixed(1)} s`];
  for (const file of summary.files) {
    const records = Object.entries(file.records)
      .map(([kind, count]) => `${count} ${kind}`)
      .join(', ');
    lines.push(`  ${file.file.padEnd(26)} ${records}; quarantined re-emitted ${file.reEmitted}, to quarantine/ ${file.sideFiled}`);
  }
  lines.push(
    summary.importRunId
      ? `Quarantine of import run ${summary.importRunId}: ${summary.reEmitted} re-emitted at their place, ${summary.sideFiled} in quarantine/`
      : 'No completed import run: no quarantined records to re-emit',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

runCli('db:rollback', async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { out: { type: 'string' }, 'batch-size': { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.out) throw new Error(`--out is required\n${USAGE}`);
  const batch = values['batch-size'];
  if (batch !== undefined && !/^[1-9]\d*$/.test(batch)) throw new Error('--batch-size must be a positive integer');
  const context = await openCliContext();
  try {
    printSummary(await exportLegacyStore(context.dataSource, { out: values.out, batchSize: batch ? Number(batch) : undefined }));
  } finally {
    await context.close();
  }
  return 0;
});
