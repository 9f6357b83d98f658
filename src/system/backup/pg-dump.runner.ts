import { spawn } from 'node:child_process';
import { Injectable } from '@nestjs/common';
import { BackupError } from './backup.errors';
import { PgTools } from './pg-tools';

export interface DumpOptions {
  file: string;
  /** Schema only, as plain SQL (the readable companion of the full custom-format dump). */
  schemaOnly?: boolean;
  /** An exported snapshot (pg_export_snapshot) so the dump sees exactly what the row counts saw. */
  snapshot?: string;
  onProgress?: (line: string) => void;
}

/** The connection for a child process: the URL without its password, which goes in PGPASSWORD. */
function connectionFor(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { dbname: parsed.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/** Runs pg_dump and pg_restore as child processes: the side effect behind the backup service. */
@Injectable()
export class PgDumpRunner {
  async dump(tools: PgTools, databaseUrl: string, options: DumpOptions): Promise<void> {
    const { dbname, env } = connectionFor(databaseUrl);
    const args = [`--dbname=${dbname}`, `--file=${options.file}`, '--no-password'];
    if (options.schemaOnly) args.push('--schema-only', '--format=plain');
    else args.push('--format=custom', '--compress=6');
    if (options.snapshot) args.push(`--snapshot=${options.snapshot}`);
    if (options.onProgress) args.push('--verbose');
    await this.run(tools.pgDump, args, env, options.onProgress);
  }

  /** Restores a custom-format dump into an existing (empty) database. */
  async restore(
    tools: PgTools,
    databaseUrl: string,
    file: string,
    options: { jobs?: number; onProgress?: (line: string) => void } = {},
  ): Promise<void> {
    const { dbname, env } = connectionFor(databaseUrl);
    const args = [`--dbname=${dbname}`, '--no-owner', '--no-privileges', '--exit-on-error', '--no-password', `--jobs=${options.jobs ?? 2}`];
    if (options.onProgress) args.push('--verbose');
    await this.run(tools.pgRestore, [...args, file], env, options.onProgress);
  }

  /**
   * A base backup of the whole cluster (tar, gzip, the WAL it needs streamed alongside, fast
   * checkpoint) into `targetDir`, which must not exist yet. Returns pg_basebackup's verbose lines.
   */
  async basebackup(tools: PgTools, databaseUrl: string, targetDir: string, label: string): Promise<string[]> {
    if (!tools.pgBasebackup)
      throw new BackupError(
        'pg_tools_mismatch',
        `No pg_basebackup beside ${tools.pgDump}: install the PostgreSQL ${tools.major} client tools`,
      );
    const { dbname, env } = connectionFor(databaseUrl);
    const lines: string[] = [];
    const args = [`--dbname=${dbname}`, `--pgdata=${targetDir}`, '--format=tar', '--gzip', '--wal-method=stream', '--checkpoint=fast'];
    await this.run(tools.pgBasebackup, [...args, `--label=${label}`, '--verbose', '--no-password'], env, (line) => lines.push(line));
    return lines;
  }

  private run(binary: string, args: string[], env: NodeJS.ProcessEnv, onProgress?: (line: string) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(binary, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      const tail: string[] = [];
      let pending = '';
      child.stderr.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          onProgress?.(line);
          tail.push(line);
          if (tail.length > 20) tail.shift();
        }
      });
      child.on('error', (error) => reject(new BackupError('pg_tool_failed', `${binary} could not start: ${error.message}`)));
      child.on('exit', (code) => {
        if (code === 0) return resolve();
        const reason =
          tail
            .filter((l) => /error|fatal/i.test(l))
            .slice(-3)
            .join(' | ') || tail.slice(-3).join(' | ');
        reject(new BackupError('pg_tool_failed', `${binary.split('/').pop()} exited with ${code}: ${reason}`));
      });
    });
  }
}
