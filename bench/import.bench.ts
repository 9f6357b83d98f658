/**
 * npm run bench:import -- [--users N] [--transactions-per-user M] [--seed S] [--batch-size B] [--writers W]
 *
 * Generates a legacy store (cached under bench-results/import/stores/, keyed by its parameters),
 * imports it with the real importer CLI into a fresh database, and in the same run loads the same
 * rows with PostgreSQL's own COPY (from CSV exported out of the imported database into empty
 * copies of the tables: same columns, indexes and constraints), the physical limit. Prints rows,
 * seconds, rows/s, importer/COPY ratio and the importer's peak RSS (VmHWM), and the targets.
 *
 * Database: DATABASE_URL's server (two databases created and dropped), or an embedded server of
 * the bench's own (EMBEDDED_PG_PORT, default 55421; data under bench-results/import/pg).
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs, promisify } from 'node:util';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { defaultOptions } from '../src/migration/generator/legacy-store-generator';
import { storeKey } from './store-key';

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist', 'src');
const WORK = path.join(ROOT, 'bench-results', 'import');
const run = promisify(execFile);

/** The imported tables, parents before children (COPY order). */
const TABLES = [
  'user_tiers',
  'admin_users',
  'admin_permissions',
  'scanner_checkpoints',
  'assets',
  'users',
  'user_profiles',
  'investments',
  'investment_agreements',
  'transactions',
  'kyc_applications',
  'kyc_documents',
  'admin_logs',
  'blockchain_events',
  'contract_interactions',
];

function log(message: string): void {
  process.stderr.write(`[bench:import] ${message}\n`);
}

function options() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      users: { type: 'string', default: '100000' },
      'transactions-per-user': { type: 'string', default: '10' },
      seed: { type: 'string', default: 'bench' },
      'batch-size': { type: 'string' },
      writers: { type: 'string' },
      'keep-databases': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const int = (name: string, value: string) => {
    if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer`);
    return Number(value);
  };
  return {
    users: int('users', values.users),
    transactionsPerUser: int('transactions-per-user', values['transactions-per-user']),
    seed: values.seed,
    batchSize: values['batch-size'],
    writers: values.writers,
    keepDatabases: values['keep-databases'],
  };
}

/** The store for these parameters: generated once (into a temp folder, renamed when complete). */
async function ensureStore(users: number, transactionsPerUser: number, seed: string): Promise<{ dir: string; bytes: number }> {
  const generator = defaultOptions({ out: '', users, transactionsPerUser, seed });
  const key = storeKey(generator);
  const dir = path.join(WORK, 'stores', key);
  const counts = `${dir}.counts.json`;
  if (existsSync(counts)) {
    log(`reusing the store ${path.relative(ROOT, dir)}`);
  } else {
    const partial = `${dir}.partial`;
    await rm(partial, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
    log(`generating ${users} users × ${transactionsPerUser} transactions into ${path.relative(ROOT, dir)} …`);
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [
        path.join(DIST, 'cli/generate-store.cli.js'),
        '--out',
        partial,
        '--users',
        String(users),
        '--transactions-per-user',
        String(transactionsPerUser),
        '--seed',
        seed,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    if (code !== 0) throw new Error(`the generator exited with ${code}`);
    await rename(partial, dir);
    await writeFile(counts, stdout);
    log(`generated in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const parsed = JSON.parse(await readFile(counts, 'utf8')) as { bytes: Record<string, number> };
  return { dir, bytes: Object.values(parsed.bytes).reduce((sum, n) => sum + n, 0) };
}

interface Server {
  url: string;
  stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => undefined };
  const port = process.env.EMBEDDED_PG_PORT ?? '55421';
  const dataDir = process.env.EMBEDDED_PG_DATA_DIR ?? path.join(WORK, 'pg');
  const child: ChildProcess = spawn(process.execPath, [path.join(DIST, 'cli/postgres-server.cli.js'), dataDir, port], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with ${code}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database with the schema (migrations + seed, as `npm run db:setup`). */
async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  await withClient(databaseUrl(serverUrl, 'postgres'), async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const url = databaseUrl(serverUrl, name);
  await run(process.execPath, [path.join(DIST, 'cli/db.cli.js'), 'setup'], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' },
  });
  return url;
}

/** Runs the importer CLI, sampling its peak RSS (VmHWM) from /proc until it exits. */
async function runImporter(
  url: string,
  store: string,
  batchSize: string | undefined,
  writers: string | undefined,
  extra: string[] = [],
): Promise<{ seconds: number; peakRssMb: number; summary: string }> {
  // The heap cap of the migrate:json npm script, so the figure is the one a real run has.
  const args = ['--max-old-space-size=256', path.join(DIST, 'cli/migrate-json.cli.js'), '--source', store, ...extra];
  if (batchSize) args.push('--batch-size', batchSize);
  if (writers) args.push('--writers', writers);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderrTail = '';
  let lastLine = '';
  const remember = (text: string) => {
    const line = text
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('[migrate:json]'))
      .pop();
    if (line) lastLine = line;
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-64_000);
    remember(chunk.toString());
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
    remember(chunk.toString());
  });
  let peakKb = 0;
  const sample = async () => {
    try {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // exited between two samples
    }
  };
  const timer = setInterval(() => void sample(), 100);
  let lastProgress = Date.now();
  const progress = setInterval(() => {
    if (lastLine && Date.now() - lastProgress > 60_000) {
      log(`importer: ${lastLine.slice(0, 160)}`);
      lastProgress = Date.now();
    }
  }, 5_000);
  const [code] = (await once(child, 'exit')) as [number];
  clearInterval(timer);
  clearInterval(progress);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`the importer exited with ${code}: ${stderrTail.slice(-1000)}`);
  return { seconds, peakRssMb: peakKb / 1024, summary: stdout };
}

async function tableCounts(url: string): Promise<Record<string, number>> {
  return withClient(url, async (client) => {
    const counts: Record<string, number> = {};
    for (const table of TABLES) counts[table] = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    return counts;
  });
}

/**
 * COPY baseline: the imported rows exported to CSV files (not timed), then loaded with
 * COPY FROM STDIN into the empty tables of a second fresh database (timed), table by table.
 */
async function copyBaseline(importedUrl: string, copyUrl: string): Promise<{ seconds: number; rows: number }> {
  const csvDir = path.join(WORK, 'csv');
  await rm(csvDir, { recursive: true, force: true });
  await mkdir(csvDir, { recursive: true });
  await withClient(importedUrl, async (client) => {
    for (const table of TABLES) {
      const source = client.query(copyTo(`COPY ${table} TO STDOUT WITH (FORMAT csv)`));
      await pipeline(source, createWriteStream(path.join(csvDir, `${table}.csv`)));
    }
  });
  return withClient(copyUrl, async (client) => {
    // Empty copies of the tables: the seed's tiers and role grants go (the CSV has them).
    await client.query(`TRUNCATE ${TABLES.join(', ')} CASCADE`);
    await client.query('CHECKPOINT');
    let rows = 0;
    const started = process.hrtime.bigint();
    for (const table of TABLES) {
      const sink = client.query(copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT csv)`));
      await pipeline(createReadStream(path.join(csvDir, `${table}.csv`)), sink);
      rows += Number(sink.rowCount);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await rm(csvDir, { recursive: true, force: true });
    return { seconds, rows };
  });
}

interface RunReport {
  records: number;
  tables: Record<string, { read: number; inserted: number; updated: number; skipped: number }>;
  scan: { bytes: number; megabytesPerSecond: number };
  gone: { total: number };
}

/** A re-run of the importer on the imported database, with its report. */
async function rerun(
  url: string,
  store: string,
  name: string,
  opts: { batchSize?: string; writers?: string },
): Promise<{ seconds: number; peakRssMb: number; report: RunReport }> {
  const reportFile = path.join(WORK, `report-${name}.json`);
  const run = await runImporter(url, store, opts.batchSize, opts.writers, ['--report', reportFile]);
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as RunReport;
  await rm(reportFile, { force: true });
  return { seconds: run.seconds, peakRssMb: run.peakRssMb, report };
}

/**
 * A copy of the store (the other files linked, not copied) whose wallet-db.json has every
 * `every`-th user changed in place (its status), as the legacy server rewrites its files: the
 * ids of the users changed.
 */
async function changedStore(store: string, every: number): Promise<{ dir: string; changed: string[] }> {
  const dir = path.join(WORK, 'changed-store');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(store)) {
    if (name !== 'wallet-db.json') await symlink(path.join(store, name), path.join(dir, name));
  }
  const changed: string[] = [];
  let userLine = 0;
  const next: Record<string, string> = { active: 'suspended', suspended: 'active', closed: 'active' };
  const lines = createInterface({ input: createReadStream(path.join(store, 'wallet-db.json')), crlfDelay: Infinity });
  const out = createWriteStream(path.join(dir, 'wallet-db.json'));
  let first = true;
  for await (let line of lines) {
    const user = /^,?"(usr_[^"]+)":\{/.exec(line);
    if (user && userLine++ % every === 0) {
      const edited = line.replace(/"status":"(active|suspended|closed)"/, (_m, status: string) => `"status":"${next[status]}"`);
      if (edited !== line) {
        changed.push(user[1]);
        line = edited;
      }
    }
    if (!out.write(`${first ? '' : '\n'}${line}`)) await once(out, 'drain');
    first = false;
  }
  out.end('\n');
  await once(out, 'finish');
  return { dir, changed };
}

function format(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

async function main(): Promise<void> {
  const opts = options();
  await mkdir(WORK, { recursive: true });
  const store = await ensureStore(opts.users, opts.transactionsPerUser, opts.seed);
  const walletBytes = (await stat(path.join(store.dir, 'wallet-db.json'))).size;
  const server = await startServer();
  const importDb = `pend_bench_import_${process.pid}`;
  const copyDb = `pend_bench_copy_${process.pid}`;
  try {
    const importUrl = await freshDatabase(server.url, importDb);
    const copyUrl = await freshDatabase(server.url, copyDb);
    const baseline = await tableCounts(importUrl);
    await withClient(importUrl, (client) => client.query('CHECKPOINT'));
    log(`importing ${(store.bytes / 1e9).toFixed(2)} GB with the importer CLI …`);
    const imported = await runImporter(importUrl, store.dir, opts.batchSize, opts.writers);
    const counts = await tableCounts(importUrl);
    const importedRows = TABLES.reduce((sum, table) => sum + counts[table] - baseline[table], 0);
    log(`importer done in ${imported.seconds.toFixed(1)} s; loading the same rows with COPY …`);
    const copy = await copyBaseline(importUrl, copyUrl);
    // COPY loads every row of the tables, the seed's few tiers and role grants included.
    const copyRows = copy.rows;
    const importRate = importedRows / imported.seconds;
    const copyRate = copy.rows / copy.seconds;
    const ratio = importRate / copyRate;

    const header = ['', 'rows', 'seconds', 'rows/s', 'vs COPY', 'peak RSS MB'];
    const lines = [
      [
        'importer (npm run migrate:json)',
        format(importedRows),
        format(imported.seconds, 1),
        format(importRate),
        `${ratio.toFixed(2)}×`,
        format(imported.peakRssMb),
      ],
      ['PostgreSQL COPY FROM STDIN', format(copyRows), format(copy.seconds, 1), format(copyRate), '1.00×', '—'],
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i].length)));
    const row = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
    const out = [
      `store: ${path.relative(ROOT, store.dir)}  ${(store.bytes / 1e9).toFixed(2)} GB (wallet-db.json ${(walletBytes / 1e9).toFixed(2)} GB), ${format(opts.users)} users × ${opts.transactionsPerUser} transactions`,
      row(header),
      row(widths.map((w) => '-'.repeat(w))),
      ...lines.map(row),
      '',
      `target rows/s ≥ 0.5× COPY: ${ratio >= 0.5 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}×)`,
      `target peak RSS < 512 MB: ${imported.peakRssMb < 512 ? 'met' : 'NOT met'} (${format(imported.peakRssMb)} MB)${store.bytes > 2e9 ? '' : ' — store under 2 GB: run with --users 1000000 for the real target'}`,
      '',
      'rows per table (importer = COPY):',
      ...TABLES.map((table) => `  ${table.padEnd(24)} ${format(counts[table] - baseline[table]).padStart(12)}`),
    ];
    process.stdout.write(`${out.join('\n')}\n`);

    // Delta sync: the same store again (nothing changed), then with 1 % of the users changed.
    log('re-running the importer on the unchanged store …');
    const unchanged = await rerun(importUrl, store.dir, 'unchanged', opts);
    log(`unchanged re-run in ${unchanged.seconds.toFixed(1)} s; changing 1 % of the users …`);
    const delta = await changedStore(store.dir, 100);
    const changedRun = await rerun(importUrl, delta.dir, 'changed', opts);
    await rm(delta.dir, { recursive: true, force: true });
    const written = (r: RunReport) => Object.values(r.tables).reduce((sum, t) => sum + t.inserted + t.updated, 0);
    const skipped = (r: RunReport) => Object.values(r.tables).reduce((sum, t) => sum + t.skipped, 0);
    const deltaHeader = ['', 'seconds', 'vs first', 'records parsed', 'skipped unparsed', 'rows written', 'scan MB/s', 'peak RSS MB'];
    const deltaLines = [
      [
        'first import',
        format(imported.seconds, 1),
        '100 %',
        '—',
        '0',
        format(importedRows),
        format(store.bytes / 1e6 / imported.seconds, 1),
        format(imported.peakRssMb),
      ],
      ...[
        ['re-run, store unchanged', unchanged] as const,
        [`re-run, 1 % of users changed (${format(delta.changed.length)})`, changedRun] as const,
      ].map(([label, run]) => [
        label,
        format(run.seconds, 1),
        `${((run.seconds / imported.seconds) * 100).toFixed(1)} %`,
        format(run.report.records),
        format(skipped(run.report)),
        format(written(run.report)),
        format(run.report.scan.megabytesPerSecond, 1),
        format(run.peakRssMb),
      ]),
    ];
    const deltaWidths = deltaHeader.map((h, i) => Math.max(h.length, ...deltaLines.map((line) => line[i].length)));
    const deltaRow = (cells: readonly string[]) =>
      cells.map((cell, i) => (i === 0 ? cell.padEnd(deltaWidths[i]) : cell.padStart(deltaWidths[i]))).join('  ');
    const unchangedShare = unchanged.seconds / imported.seconds;
    const changedShare = changedRun.seconds / imported.seconds;
    const usersUpdated = changedRun.report.tables.users.updated;
    process.stdout.write(
      `${[
        '',
        'delta sync (npm run migrate:json again on the imported database):',
        deltaRow(deltaHeader),
        deltaRow(deltaWidths.map((w) => '-'.repeat(w))),
        ...deltaLines.map(deltaRow),
        '',
        `target unchanged re-run ≤ 10 % of the first import: ${unchangedShare <= 0.1 ? 'met' : 'NOT met'} (${(unchangedShare * 100).toFixed(1)} %)`,
        `target 1 %-changed re-run ≤ 15 % of the first import: ${changedShare <= 0.15 ? 'met' : 'NOT met'} (${(changedShare * 100).toFixed(1)} %)`,
        `users updated by the 1 %-changed re-run: ${format(usersUpdated)} of ${format(delta.changed.length)} changed — ${usersUpdated === delta.changed.length ? 'exactly those' : 'NOT exactly those'}`,
      ].join('\n')}\n`,
    );
    const resultFile = path.join(WORK, `result-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(
      resultFile,
      `${JSON.stringify({ store: store.dir, bytes: store.bytes, options: opts, importer: { rows: importedRows, ...imported }, unchanged, changed: { ...changedRun, users: delta.changed.length }, copy: { rows: copyRows, seconds: copy.seconds, rowsLoaded: copy.rows }, ratio, counts }, null, 2)}\n`,
    );
    log(`result written to ${path.relative(ROOT, resultFile)}`);
  } finally {
    if (!opts.keepDatabases) {
      await withClient(databaseUrl(server.url, 'postgres'), async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${importDb} WITH (FORCE)`);
        await client.query(`DROP DATABASE IF EXISTS ${copyDb} WITH (FORCE)`);
      }).catch(() => undefined);
    }
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:import: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
