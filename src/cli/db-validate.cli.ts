import 'reflect-metadata';
import * as fs from 'node:fs';
import { openCliContext, runCli } from './cli-context';
import { TABLE_ORDER } from '../migration/import/table-specs';
import { validateStore } from '../migration/validate/store-validator';
import { parseCliArgs } from './cli-args';

runCli('db:validate', async () => {
  const args = parseCliArgs(process.argv.slice(2), { values: ['source'], flags: ['strict'] });
  const source = args.source;
  if (typeof source !== 'string') throw new Error('--source is required (usage: npm run db:validate -- --source <store dir> [--strict])');
  const strict = args.strict === true;
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
    const { gone } = result;
    if (gone.total > 0) {
      const more = gone.total - gone.records.length;
      process.stdout.write(
        `${gone.total} record(s) imported earlier are no longer in the store (kept in the database; ${strict ? 'a failure with --strict' : 'not a difference, --strict makes them one'}):\n` +
          `${gone.records.map((g) => `  - gone: ${g.kind} ${g.legacyId}`).join('\n')}${more > 0 ? `\n  - … and ${more} more` : ''}\n`,
      );
    }
    if (result.differences.length === 0) {
      process.stdout.write(
        gone.total > 0
          ? 'The store and the database match, but for the records gone from the store.\n'
          : 'The store and the database match.\n',
      );
      return strict && gone.total > 0 ? 1 : 0;
    }
    process.stdout.write(`${result.differences.length} difference(s):\n${result.differences.map((d) => `  - ${d}`).join('\n')}\n`);
    return 1;
  } finally {
    await context.close();
  }
});
