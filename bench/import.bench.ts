/**
 * npm run bench:import -- [--users N] [--transactions-per-user M] [--seed S] [--batch-size B] [--writers W]
 *   [--only all|first|copy|reruns|validate|clean] [--database NAME] [--repeat R] [--keep-databases]
 *
 * Generates a legacy store (cached under bench-results/import/stores/, keyed by its parameters),
 * imports it with the real importer CLI into a fresh database, and in the same run loads the same
 * rows with PostgreSQL's own COPY (from CSV exported out of the imported database into empty
 * copies of the tables: same columns, indexes and constraints), the physical limit. Prints rows,
 * seconds, rows/s, importer/COPY ratio and the importer's peak RSS (VmHWM), and the targets.
 *
 * Then the delta sync: the importer again on the unchanged store, and on a copy with 1 % of the
 * users changed, side by side with the first import (R times each, median), and the cutover's
 * final step (docs/cutover.md: final delta + `db:validate --strict`).
 *
 * At 1M users one run takes the better part of an hour; `--only` splits it into steps that each
 * hold the machine for less time, under the same conditions: `first` (generate the store if
 * needed, first import into the database `--database`, kept), `copy` (the COPY baseline against
 * it), `reruns` (the delta sync against it), `validate` (the final step's `db:validate --strict`, against
 * the store of the last re-run), `clean` (drop it). What a step
 * measured is kept in bench-results/import/state-NAME.json and printed by the later ones.
 * `uptime` is printed before and after each timed run.
 *
 * BENCH_IMPORT_DIST=<other build>/dist/src runs that build's CLIs instead of this one's (a before/after pair).
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
/** The compiled CLIs run (BENCH_IMPORT_DIST: another build's dist/src, to compare two versions side by side). */
const DIST = path.resolve(process.env.BENCH_IMPORT_DIST ?? path.join(ROOT, 'dist', 'src'));
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
      only: { type: 'string', default: 'all' },
      database: { type: 'string' },
      repeat: { type: 'string', default: '1' },
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
    only: phase(values.only),
    database: database(values.database),
    repeat: Math.max(1, int('repeat', values.repeat)),
  };
}

const PHASES = ['all', 'first', 'copy', 'reruns', 'validate', 'clean'] as const;
type Phase = (typeof PHASES)[number];

function phase(value: string): Phase {
  if (!(PHASES as readonly string[]).includes(value)) throw new Error(`--only must be one of ${PHASES.join(', ')}`);
  return value as Phase;
}

function database(value: string | undefined): string | undefined {
  if (value !== undefined && !/^[a-z_][a-z0-9_]{0,50}$/.test(value)) throw new Error('--database must be a lower-case identifier');
  return value;
}

/** The load average line, printed beside each timed run (the figures are only as good as the machine was quiet). */
async function uptime(): Promise<string> {
  return (await run('uptime')).stdout.trim();
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function table(header: string[], lines: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i].length)));
  const row = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)];
}

interface Machine {
  uptimeBefore: string;
  uptimeAfter: string;
}

interface Timed extends Machine {
  seconds: number;
  peakRssMb: number;
}

interface RerunResult extends Timed {
  store: 'unchanged' | 'changed copy' | 'original (reverts the change)';
  records: number;
  skipped: number;
  written: number;
  usersUpdated: number;
  gone: number;
  scanMegabytesPerSecond: number;
}

/** What the steps measured, kept between `--only` steps (bench-results/import/state-NAME.json). */
interface State {
  store: string;
  bytes: number;
  walletBytes: number;
  users: number;
  transactionsPerUser: number;
  database: string;
  first?: Timed & { rows: number; counts: Record<string, number> };
  copy?: Machine & { seconds: number; rows: number };
  reruns?: {
    changedUsers: number;
    unchanged: RerunResult[];
    changed: RerunResult[];
    /** The store the last 1 %-changed run read (what the validation compares with). */
    lastStore: 'changed copy' | 'original';
  };
  validate?: Machine & { seconds: number; exitCode: number; output: string };
}

async function timed<T extends { seconds: number }>(work: () => Promise<T>): Promise<T & Machine> {
  const uptimeBefore = await uptime();
  log(`uptime before: ${uptimeBefore}`);
  const result = await work();
  const uptimeAfter = await uptime();
  log(`uptime after:  ${uptimeAfter}`);
  return { ...result, uptimeBefore, uptimeAfter };
}

/** `db:validate --source … --strict` against the database, timed (its CLI, as the runbook runs it). */
async function validateStrict(url: string, store: string): Promise<{ seconds: number; exitCode: number; output: string }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [path.join(DIST, 'cli/db-validate.cli.js'), '--source', store, '--strict'], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
  const [code] = (await once(child, 'exit')) as [number];
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, exitCode: code, output };
}

function stateFile(name: string): string {
  return path.join(WORK, `state-${name}.json`);
}

async function readState(name: string): Promise<State> {
  const file = stateFile(name);
  if (!existsSync(file)) throw new Error(`no ${path.relative(ROOT, file)}: run --only first --database ${name} before`);
  return JSON.parse(await readFile(file, 'utf8')) as State;
}

async function saveState(state: State): Promise<void> {
  await writeFile(stateFile(state.database), `${JSON.stringify(state, null, 2)}\n`);
}

async function firstImport(state: State, serverUrl: string, opts: ReturnType<typeof options>): Promise<void> {
  const importUrl = await freshDatabase(serverUrl, state.database);
  const baseline = await tableCounts(importUrl);
  await withClient(importUrl, (client) => client.query('CHECKPOINT'));
  log(`importing ${(state.bytes / 1e9).toFixed(2)} GB with the importer CLI …`);
  const imported = await timed(() => runImporter(importUrl, state.store, opts.batchSize, opts.writers));
  const counts = await tableCounts(importUrl);
  const delta = Object.fromEntries(TABLES.map((t) => [t, counts[t] - baseline[t]]));
  const rows = TABLES.reduce((sum, t) => sum + delta[t], 0);
  log(`importer done in ${imported.seconds.toFixed(1)} s`);
  state.first = {
    seconds: imported.seconds,
    peakRssMb: imported.peakRssMb,
    uptimeBefore: imported.uptimeBefore,
    uptimeAfter: imported.uptimeAfter,
    rows,
    counts: delta,
  };
}

async function copyStep(state: State, serverUrl: string, copyDb: string): Promise<void> {
  const copyUrl = await freshDatabase(serverUrl, copyDb);
  log('loading the same rows with COPY …');
  const copy = await timed(() => copyBaseline(databaseUrl(serverUrl, state.database), copyUrl));
  state.copy = copy;
}

function rerunResult(label: RerunResult['store'], run: Timed & { report: RunReport }): RerunResult {
  const tables = Object.values(run.report.tables);
  return {
    store: label,
    seconds: run.seconds,
    peakRssMb: run.peakRssMb,
    uptimeBefore: run.uptimeBefore,
    uptimeAfter: run.uptimeAfter,
    records: run.report.records,
    skipped: tables.reduce((sum, t) => sum + t.skipped, 0),
    written: tables.reduce((sum, t) => sum + t.inserted + t.updated, 0),
    usersUpdated: run.report.tables.users.updated,
    gone: run.report.gone.total,
    scanMegabytesPerSecond: run.report.scan.megabytesPerSecond,
  };
}

/**
 * The delta sync on the imported database: R re-runs on the unchanged store, then R runs that each
 * change 1 % of the users (the changed copy, then the original again, which changes the same users
 * back, alternately), then the final step's validation against the store of the last run.
 */
async function rerunStep(state: State, serverUrl: string, opts: ReturnType<typeof options>): Promise<void> {
  const url = databaseUrl(serverUrl, state.database);
  // Untimed: the database in step with the store whatever ran before (an interrupted step's changes undone).
  log('settling run on the store (not timed) …');
  const settle = await rerun(url, state.store, 'settle', opts);
  log(
    `settled in ${settle.seconds.toFixed(1)} s, ${format(rerunResult('unchanged', { ...settle, uptimeBefore: '', uptimeAfter: '' }).written)} rows written`,
  );
  const unchanged: RerunResult[] = [];
  for (let i = 0; i < opts.repeat; i++) {
    log(`re-running the importer on the unchanged store (${i + 1}/${opts.repeat}) …`);
    const result = await timed(() => rerun(url, state.store, 'unchanged', opts));
    unchanged.push(rerunResult('unchanged', result));
    log(`unchanged re-run in ${result.seconds.toFixed(1)} s`);
  }
  log('changing 1 % of the users …');
  const delta = await changedStore(state.store, 100);
  const changed: RerunResult[] = [];
  let last = state.store;
  try {
    for (let i = 0; i < opts.repeat; i++) {
      last = i % 2 === 0 ? delta.dir : state.store;
      log(`re-running the importer with 1 % of the users changed (${i + 1}/${opts.repeat}) …`);
      const result = await timed(() => rerun(url, last, 'changed', opts));
      changed.push(rerunResult(i % 2 === 0 ? 'changed copy' : 'original (reverts the change)', result));
      log(`1 %-changed re-run in ${result.seconds.toFixed(1)} s`);
    }
    state.reruns = {
      changedUsers: delta.changed.length,
      unchanged,
      changed,
      lastStore: last === state.store ? 'original' : 'changed copy',
    };
  } finally {
    await rm(delta.dir, { recursive: true, force: true });
  }
}

/** The final step's validation, against the store the last re-run read (the changed copy made again if it was that). */
async function validateStep(state: State, serverUrl: string): Promise<void> {
  if (!state.reruns) throw new Error('run --only reruns before --only validate');
  const url = databaseUrl(serverUrl, state.database);
  const delta = state.reruns.lastStore === 'changed copy' ? await changedStore(state.store, 100) : null;
  try {
    const against = delta?.dir ?? state.store;
    log(`db:validate --strict against ${path.relative(ROOT, against)} …`);
    state.validate = await timed(() => validateStrict(url, against));
    log(`db:validate --strict exited ${state.validate.exitCode} in ${state.validate.seconds.toFixed(1)} s`);
  } finally {
    if (delta) await rm(delta.dir, { recursive: true, force: true });
  }
}

/** Everything measured so far, side by side with the first import. */
function printState(state: State): void {
  const out = [
    `store: ${path.relative(ROOT, state.store)}  ${(state.bytes / 1e9).toFixed(2)} GB (wallet-db.json ${(state.walletBytes / 1e9).toFixed(2)} GB), ${format(state.users)} users × ${state.transactionsPerUser} transactions`,
  ];
  const first = state.first;
  if (!first) {
    process.stdout.write(`${out.join('\n')}\n(no first import measured yet)\n`);
    return;
  }
  out.push(
    `first import: ${format(first.seconds, 1)} s, ${format(first.rows)} rows (${format(first.rows / first.seconds)} rows/s), peak RSS ${format(first.peakRssMb)} MB`,
  );
  if (state.copy) {
    const importRate = first.rows / first.seconds;
    const copyRate = state.copy.rows / state.copy.seconds;
    const ratio = importRate / copyRate;
    out.push(
      ...table(
        ['', 'rows', 'seconds', 'rows/s', 'vs COPY', 'peak RSS MB'],
        [
          [
            'importer (npm run migrate:json)',
            format(first.rows),
            format(first.seconds, 1),
            format(importRate),
            `${ratio.toFixed(2)}×`,
            format(first.peakRssMb),
          ],
          ['PostgreSQL COPY FROM STDIN', format(state.copy.rows), format(state.copy.seconds, 1), format(copyRate), '1.00×', '—'],
        ],
      ),
      '',
      `target rows/s ≥ 0.5× COPY: ${ratio >= 0.5 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}×)`,
    );
  }
  out.push(
    `target peak RSS < 512 MB: ${first.peakRssMb < 512 ? 'met' : 'NOT met'} (${format(first.peakRssMb)} MB)${state.bytes > 2e9 ? '' : ' — store under 2 GB: run with --users 1000000 for the real target'}`,
    '',
    'rows per table (importer = COPY):',
    ...TABLES.map((t) => `  ${t.padEnd(24)} ${format(first.counts[t]).padStart(12)}`),
  );
  const reruns = state.reruns;
  if (reruns) {
    const runLine = (label: string, run: RerunResult) => [
      label,
      format(run.seconds, 1),
      `${((run.seconds / first.seconds) * 100).toFixed(1)} %`,
      format(run.records),
      format(run.skipped),
      format(run.written),
      format(run.scanMegabytesPerSecond, 1),
      format(run.peakRssMb),
    ];
    const unchangedMedian = median(reruns.unchanged.map((r) => r.seconds));
    const changedMedian = median(reruns.changed.map((r) => r.seconds));
    const exact = reruns.changed.every((r) => r.usersUpdated === reruns.changedUsers && r.written === reruns.changedUsers);
    out.push(
      '',
      'delta sync (npm run migrate:json again on the imported database):',
      ...table(
        ['', 'seconds', 'vs first', 'records parsed', 'skipped unparsed', 'rows written', 'scan MB/s', 'peak RSS MB'],
        [
          [
            'first import',
            format(first.seconds, 1),
            '100 %',
            '—',
            '0',
            format(first.rows),
            format(state.bytes / 1e6 / first.seconds, 1),
            format(first.peakRssMb),
          ],
          ...reruns.unchanged.map((r, i) => runLine(`re-run ${i + 1}, store unchanged`, r)),
          ...reruns.changed.map((r, i) => runLine(`re-run ${i + 1}, 1 % of users changed (${r.store})`, r)),
        ],
      ),
      '',
      `median of ${reruns.unchanged.length}: unchanged ${format(unchangedMedian, 1)} s, 1 % changed ${format(changedMedian, 1)} s`,
      `target unchanged re-run ≤ 10 % of the first import: ${unchangedMedian <= first.seconds * 0.1 ? 'met' : 'NOT met'} (${((unchangedMedian / first.seconds) * 100).toFixed(1)} %)`,
      `target 1 %-changed re-run ≤ 15 % of the first import: ${changedMedian <= first.seconds * 0.15 ? 'met' : 'NOT met'} (${((changedMedian / first.seconds) * 100).toFixed(1)} %)`,
      `users updated by each 1 %-changed re-run: ${reruns.changed.map((r) => format(r.usersUpdated)).join(', ')} of ${format(reruns.changedUsers)} changed, rows written ${reruns.changed.map((r) => format(r.written)).join(', ')} — ${exact ? 'exactly those' : 'NOT exactly those'}`,
    );
    const validate = state.validate;
    if (validate) {
      const finalSeconds = changedMedian + validate.seconds;
      out.push(
        `db:validate --strict after the last: exit ${validate.exitCode} in ${format(validate.seconds, 1)} s`,
        `cutover final step (final delta + db:validate --strict): ${format(finalSeconds, 1)} s (${((finalSeconds / first.seconds) * 100).toFixed(1)} % of the first import)`,
      );
    }
  }
  out.push('', 'load (uptime) before → after each timed run:', `  first import: ${first.uptimeBefore} → ${first.uptimeAfter}`);
  if (state.copy) out.push(`  COPY: ${state.copy.uptimeBefore} → ${state.copy.uptimeAfter}`);
  for (const [i, r] of (reruns?.unchanged ?? []).entries()) out.push(`  unchanged ${i + 1}: ${r.uptimeBefore} → ${r.uptimeAfter}`);
  for (const [i, r] of (reruns?.changed ?? []).entries()) out.push(`  1 % changed ${i + 1}: ${r.uptimeBefore} → ${r.uptimeAfter}`);
  if (state.validate) out.push(`  db:validate: ${state.validate.uptimeBefore} → ${state.validate.uptimeAfter}`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (state.validate && state.validate.exitCode !== 0) process.stdout.write(`db:validate output:\n${state.validate.output}\n`);
}

async function main(): Promise<void> {
  const opts = options();
  await mkdir(WORK, { recursive: true });
  const name = opts.database ?? (opts.only === 'all' ? `pend_bench_import_${process.pid}` : 'pend_bench_import_kept');
  const copyDb = `${name}_copy`;
  const server = await startServer();
  // One step alone keeps the imported database for the next; the whole run drops it unless told.
  const drop = opts.only === 'clean' || (opts.only === 'all' && !opts.keepDatabases);
  try {
    if (opts.only === 'clean') return;
    let state: State;
    if (opts.only === 'all' || opts.only === 'first') {
      const store = await ensureStore(opts.users, opts.transactionsPerUser, opts.seed);
      const walletBytes = (await stat(path.join(store.dir, 'wallet-db.json'))).size;
      state = {
        store: store.dir,
        bytes: store.bytes,
        walletBytes,
        users: opts.users,
        transactionsPerUser: opts.transactionsPerUser,
        database: name,
      };
      await firstImport(state, server.url, opts);
      await saveState(state);
    } else {
      state = await readState(name);
    }
    if (opts.only === 'all' || opts.only === 'copy') {
      try {
        await copyStep(state, server.url, copyDb);
      } finally {
        if (!opts.keepDatabases) await dropDatabases(server.url, [copyDb]);
      }
      await saveState(state);
    }
    if (opts.only === 'all' || opts.only === 'reruns') {
      await rerunStep(state, server.url, opts);
      await saveState(state);
    }
    if (opts.only === 'all' || opts.only === 'validate') {
      await validateStep(state, server.url);
      await saveState(state);
    }
    printState(state);
    const resultFile = path.join(WORK, `result-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(resultFile, `${JSON.stringify({ options: opts, ...state }, null, 2)}\n`);
    log(`result written to ${path.relative(ROOT, resultFile)}`);
  } finally {
    if (drop) {
      await dropDatabases(server.url, [name, copyDb]);
      await rm(stateFile(name), { force: true });
    }
    await server.stop();
  }
}

async function dropDatabases(serverUrl: string, names: string[]): Promise<void> {
  await withClient(databaseUrl(serverUrl, 'postgres'), async (client) => {
    for (const db of names) await client.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  }).catch(() => undefined);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:import: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
