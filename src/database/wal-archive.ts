import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The archive_command of every server we run: `sh archive-wal.sh <archive dir> %p %f`. The file
 * docker/postgres/archive-wal.sh is the source (docker/compose.yaml's postgres mounts it); this is the
 * same text, which the embedded server writes beside its data folder (the built code has no docker/
 * folder), and wal-archive.spec.ts fails when the two differ. The script gzips one WAL file into the
 * archive and never overwrites: when a file of that name is already archived, it succeeds only if the
 * content is identical (PostgreSQL retrying after a crash between the copy and its bookkeeping), else it
 * fails and the server keeps the segment and retries. The copy is fsynced before it is linked under its
 * final name (link, not rename: a link never replaces), and the folder is fsynced after.
 */
export const ARCHIVE_WAL_SCRIPT = `#!/bin/sh
# PostgreSQL archive_command of every server Pend runs: sh archive-wal.sh <archive dir> %p %f
# The embedded server writes this same text (ARCHIVE_WAL_SCRIPT in src/database/wal-archive.ts, kept
# identical by src/database/wal-archive.spec.ts) beside its data folder; docker/compose.yaml's postgres
# mounts this file. It gzips one WAL file into the archive and never overwrites: when a file of that
# name is already archived it succeeds only if the content is identical (a retry after a crash between
# the copy and the server's bookkeeping), else it fails and the server keeps the segment and retries.
# The copy is fsynced before it is linked under its final name (a link never replaces), then the folder.
# umask 027: readable by the folder's group (compose: the app's uid reads and rotates the archive).
set -eu
umask 027
dir=$1
src=$2
name=$3
dest="$dir/$name.gz"
if [ -e "$dest" ]; then
  if gzip -dc "$dest" | cmp -s - "$src"; then exit 0; fi
  echo "archive-wal: $dest is already archived with other content; not overwriting it" >&2
  exit 1
fi
tmp="$dir/.$name.gz.tmp.$$"
trap 'rm -f "$tmp"' EXIT
gzip -c "$src" > "$tmp"
sync "$tmp"
ln "$tmp" "$dest"
sync "$dir"
`;

export interface WalArchiveOptions {
  /** The archive folder (BACKUP_DIR/wal). */
  dir: string;
  /** archive_timeout: a partly filled segment is archived after this many seconds (the RPO). */
  timeoutSeconds: number;
}

/** `<dir>/<walfile>.gz`: where the archive holds a WAL file (or a timeline .history file). */
export function archivedWalPath(dir: string, walFile: string): string {
  return path.join(dir, `${walFile}.gz`);
}

/** restore_command reading the archive (never writing it): missing files fail, as PostgreSQL expects. */
export function restoreCommandFor(dir: string): string {
  assertQuotable(dir);
  return `test -f '${dir}/%f.gz' && gzip -dc '${dir}/%f.gz' > '%p'`;
}

function assertQuotable(dir: string): void {
  if (/['\n\r%]/.test(dir)) throw new Error(`The WAL archive folder ${dir} may not contain a quote, a % or a line break`);
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * Prepares continuous archiving for the server whose data is in `dataDir`: creates the archive folder
 * (owned by the `postgres` user when we run as root, since the server runs as that user), writes the
 * archive script beside the data folder, and returns the server flags that turn archiving on.
 */
export function walArchiveFlags(dataDir: string, options: WalArchiveOptions): string[] {
  const dir = path.resolve(options.dir);
  assertQuotable(dir);
  fs.mkdirSync(dir, { recursive: true });
  const ids = postgresIds();
  if (ids) fs.chownSync(dir, ids.uid, ids.gid);
  const script = `${path.resolve(dataDir)}.archive-wal.sh`;
  assertQuotable(script);
  fs.writeFileSync(script, ARCHIVE_WAL_SCRIPT, { mode: 0o755 });
  fs.chmodSync(script, 0o755);
  return [
    '-c',
    'wal_level=replica',
    '-c',
    'archive_mode=on',
    '-c',
    `archive_command=sh '${script}' '${dir}' '%p' '%f'`,
    '-c',
    `archive_timeout=${Math.max(1, Math.round(options.timeoutSeconds))}`,
  ];
}
