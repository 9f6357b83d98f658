import 'reflect-metadata';
import * as fs from 'node:fs';
import { openCliContext, runCli } from './cli-context';
import { formatSummary } from '../migration/import/import-report';
import { DEFAULT_BATCH_SIZE, DEFAULT_WRITERS, importLegacyStore } from '../migration/import/legacy-importer';
import { parseCliArgs } from './cli-args';
import * as path from 'node:path';
import { ImportProgressView } from './import-progress';

const USAGE =
  'usage: npm run migrate:json -- --source <store dir> [--dry-run] [--full] [--report <file.json>] [--batch-size N] [--writers N]';

runCli('migrate:json', async () => {
  const args = parseCliArgs(process.argv.slice(2), { values: ['source', 'report', 'batch-size', 'writers'], flags: ['dry-run', 'full'] });
  const source = args.source;
  if (typeof source !== 'string') throw new Error(`--source is required (${USAGE})`);
  if (!fs.existsSync(source) || !fs.statSync(source).isDirectory()) throw new Error(`source folder not found: ${source}`);
  const missing = missingLegacyFiles(source);
  if (missing) throw new Error(`no legacy store in ${source}: none of ${missing.join(', ')} is there`);
  const batchSize = args['batch-size'] === undefined ? DEFAULT_BATCH_SIZE : Number(args['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch-size must be a positive integer');
  const writers = args.writers === undefined ? DEFAULT_WRITERS : Number(args.writers);
  if (!Number.isInteger(writers) || writers < 1 || writers > 16) throw new Error('--writers must be an integer from 1 to 16');

  const context = await openCliContext();
  const view = new ImportProgressView();
  try {
    const report = await importLegacyStore({
      dataSource: context.dataSource,
      source,
      dryRun: args['dry-run'] === true,
      full: args.full === true,
      batchSize,
      writers,
      onProgress: (progress) => view.update(progress),
    });
    view.stop();
    if (typeof args.report === 'string') fs.writeFileSync(args.report, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${formatSummary(report)}\n`);
    return 0;
  } finally {
    view.stop();
    await context.close();
  }
});

/** The files a store may hold (FORMAT.md); null when at least one is there, else their names. */
function missingLegacyFiles(source: string): string[] | null {
  const files = ['wallet-db.json', 'admin-opportunities.json', 'admin-logs.json', 'metadata.json'];
  if (files.some((file) => fs.existsSync(path.join(source, file)))) return null;
  const explorer = path.join(source, 'explorer-data');
  if (fs.existsSync(explorer) && fs.readdirSync(explorer).some((name) => name.endsWith('.json'))) return null;
  return [...files, 'explorer-data/*.json'];
}
