import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { runCli } from './cli-context';
import { defaultOptions, generateLegacyStore, GeneratorOptions } from '../migration/generator/legacy-store-generator';

const USAGE = `Usage: npm run legacy:generate -- --out <dir> [options]
  --users N                    users in wallet-db.json (default 1000)
  --transactions-per-user M    transactions of every user (default 5)
  --seed S                     same seed and options → byte-identical files (default "pend")
  --opportunities N            assets in admin-opportunities.json (default 12)
  --investments N              investments over all opportunities (default users/5)
  --kyc-percent P              share of users with a KYC application (default 10)
  --admin-logs N               admin-logs.json entries, the first quarter without ids (default users/20)
  --contracts N                contracts scanned in explorer-data (default 3)
  --events-per-contract N      distinct events per contract (default users/30)
  --scans-per-contract N       overlapping scan files per contract (default 3)
  --wallet-format v1|v2        v1 = the old flat {phoneHash: address} map (default v2)
  --admin-logs-form array|wrapped   wrapped = the oldest {"logs":[…]} form (default array)
  --force                      replace the store files when --out is not empty`;

const INTEGER_FLAGS: Record<string, keyof GeneratorOptions> = {
  users: 'users',
  'transactions-per-user': 'transactionsPerUser',
  opportunities: 'opportunities',
  investments: 'investments',
  'kyc-percent': 'kycPercent',
  'admin-logs': 'adminLogs',
  contracts: 'contracts',
  'events-per-contract': 'eventsPerContract',
  'scans-per-contract': 'scansPerContract',
};

export function parseGeneratorArgs(argv: string[]): GeneratorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      'wallet-format': { type: 'string' },
      'admin-logs-form': { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean' },
      ...Object.fromEntries(Object.keys(INTEGER_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
    },
    strict: true,
  });
  if (values.help || !values.out) throw new Error(values.help ? USAGE : `--out is required\n${USAGE}`);
  const partial: Partial<GeneratorOptions> & { out: string } = { out: values.out };
  for (const [flag, key] of Object.entries(INTEGER_FLAGS)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw new Error(`--${flag} must be a non-negative integer`);
    (partial as Record<string, unknown>)[key] = Number(raw);
  }
  if (values.seed !== undefined) partial.seed = values.seed;
  if (values.force) partial.force = true;
  const walletFormat = values['wallet-format'];
  if (walletFormat !== undefined && walletFormat !== 'v1' && walletFormat !== 'v2') throw new Error('--wallet-format must be v1 or v2');
  if (walletFormat) partial.walletFormat = walletFormat;
  const logsForm = values['admin-logs-form'];
  if (logsForm !== undefined && logsForm !== 'array' && logsForm !== 'wrapped')
    throw new Error('--admin-logs-form must be array or wrapped');
  if (logsForm) partial.adminLogsForm = logsForm;
  return defaultOptions(partial);
}

if (require.main === module) {
  runCli('legacy:generate', async () => {
    const options = parseGeneratorArgs(process.argv.slice(2));
    const started = Date.now();
    const counts = await generateLegacyStore({
      ...options,
      onProgress: (file, records) => process.stderr.write(`${file}: ${records} records, ${((Date.now() - started) / 1000).toFixed(0)} s\n`),
    });
    process.stderr.write(`Wrote ${options.out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    process.stdout.write(`${JSON.stringify(counts, null, 2)}\n`);
  });
}
