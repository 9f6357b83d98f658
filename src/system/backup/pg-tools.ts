import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackupError } from './backup.errors';

export interface PgTools {
  binDir: string;
  pgDump: string;
  pgRestore: string;
  /** pg_basebackup beside them (base backups for point-in-time recovery), when installed. */
  pgBasebackup?: string;
  /** The server binary beside them (a point-in-time restore starts one), when installed. */
  postgres?: string;
  /** The tools' major version (15 for pg_dump 15.18). */
  major: number;
  version: string;
}

function versionOf(binary: string): string | undefined {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function pgConfigBinDir(): string | undefined {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function pathBinDir(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'pg_dump'))) return dir;
  }
  return undefined;
}

/**
 * Finds pg_dump/pg_restore whose major version equals the server's: PG_BIN_DIR when set,
 * else /usr/lib/postgresql/<major>/bin, `pg_config --bindir`, then PATH. A dump made by
 * another major version is refused with the folders tried, never attempted.
 */
export function locatePgTools(serverMajor: number, configuredBinDir?: string): PgTools {
  const candidates = configuredBinDir
    ? [configuredBinDir]
    : [`/usr/lib/postgresql/${serverMajor}/bin`, pgConfigBinDir(), pathBinDir()].filter((d): d is string => !!d);
  const seen: string[] = [];
  for (const binDir of [...new Set(candidates)]) {
    const pgDump = path.join(binDir, 'pg_dump');
    const pgRestore = path.join(binDir, 'pg_restore');
    const version = fs.existsSync(pgDump) && fs.existsSync(pgRestore) ? versionOf(pgDump) : undefined;
    if (!version) {
      seen.push(`${binDir} (no pg_dump/pg_restore)`);
      continue;
    }
    const major = Number(/(\d+)(?:\.\d+)?/.exec(version.replace(/^[^\d]*/, ''))?.[1]);
    if (major === serverMajor) {
      const beside = (name: string) => (fs.existsSync(path.join(binDir, name)) ? path.join(binDir, name) : undefined);
      return { binDir, pgDump, pgRestore, pgBasebackup: beside('pg_basebackup'), postgres: beside('postgres'), major, version };
    }
    seen.push(`${binDir} (${version})`);
  }
  throw new BackupError(
    'pg_tools_mismatch',
    `No pg_dump/pg_restore of PostgreSQL ${serverMajor} (the server's major version) found; tried: ${seen.join('; ') || 'nothing'}. ` +
      `Install the PostgreSQL ${serverMajor} client tools or set PG_BIN_DIR to their folder.`,
  );
}
