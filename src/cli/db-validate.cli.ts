import 'reflect-metadata';
import * as fs from 'node:fs';
import { openCliContext, runCli } from './cli-context';
import { TABLE_ORDER } from '../migration/import/table-specs';
import { validateStore } from '../migration/validate/store-validator';
import { parseCliArgs } from './cli-args';

runCli('db:validate', async () => {
  const args = parseCliArgs(process.argv.slice(2), { values: ['source'], flags: [] });
  const source = args.source;
  if (typeof source !== 'string') throw new Error('--source is required (usage: npm run db:validate -- --source <store dir>)');
  if (!fs.existsSync(source) || !fs.statSync(source).isDirectory()) throw new Error(`source folder not found: ${source}`);
  const context = await openCliContext();
  try {
    const result = await validateStore({ dataSource: context.dataSource, source });
    const lines = ['kind                   source  imported  quarantined'];
    for (const table of TABLE_ORDER) {
      const k = result.kinds[table];
      lines.push(
        `${table.padEnd(21)}  ${String(k.source).padStart(6)}  ${String(k.imported).padStart(8)}  ${String(k.quarantined).padStart(11)}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    if (result.differences.length === 0) {
      process.stdout.write('The store and the database match.\n');
      return 0;
    }
    process.stdout.write(`${result.differences.length} difference(s):\n${result.differences.map((d) => `  - ${d}`).join('\n')}\n`);
    return 1;
  } finally {
    await context.close();
  }
});
