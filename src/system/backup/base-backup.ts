import * as fs from 'node:fs';
import * as path from 'node:path';

/** `BACKUP_DIR/base/<id>/manifest.json`: one pg_basebackup (tar + gzip) and what a restore needs to know. */
export interface BaseBackupManifest {
  id: string;
  kind: 'base';
  startedAt: string;
  /** When pg_basebackup returned: a restore can reach any instant after this (with the WAL archive). */
  finishedAt: string;
  durationMs: number;
  /** WAL positions of the backup's start and end, and the first WAL file a restore from it needs. */
  startLsn: string;
  endLsn: string;
  timeline: number;
  startWalFile: string;
  /** base.tar.gz, pg_wal.tar.gz and pg_basebackup's own backup_manifest, with their sha256. */
  files: { name: string; sizeBytes: number; sha256: string }[];
  serverVersion: string;
  pgBasebackupVersion: string;
  trigger: 'scheduled' | 'manual';
}

const MANIFEST = 'manifest.json';

/** The base backups folder: one folder per backup, listed (newest first) through their manifests. */
export class BaseBackupStore {
  constructor(readonly dir: string) {}

  folderOf(id: string): string {
    return path.join(this.dir, id);
  }

  list(): BaseBackupManifest[] {
    if (!fs.existsSync(this.dir)) return [];
    const manifests: BaseBackupManifest[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      try {
        manifests.push(JSON.parse(fs.readFileSync(path.join(this.dir, name, MANIFEST), 'utf8')) as BaseBackupManifest);
      } catch {
        // a backup being written (no manifest yet) or a foreign folder
      }
    }
    return manifests.sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
  }

  write(manifest: BaseBackupManifest): void {
    const target = path.join(this.folderOf(manifest.id), MANIFEST);
    fs.writeFileSync(`${target}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.renameSync(`${target}.tmp`, target);
  }

  /** The manifest goes first, so a half-removed backup is never listed. */
  remove(manifest: BaseBackupManifest): void {
    fs.rmSync(path.join(this.folderOf(manifest.id), MANIFEST), { force: true });
    fs.rmSync(this.folderOf(manifest.id), { recursive: true, force: true });
  }
}

/** A WAL segment file name: timeline, then log and segment numbers (24 hex digits). */
const SEGMENT = /^([0-9A-F]{8})([0-9A-F]{16})(\.partial)?(\.gz)?$/;
/** `<segment>.<offset>.backup` history files pg_basebackup's start leaves in the archive. */
const BACKUP_HISTORY = /^([0-9A-F]{8})([0-9A-F]{16})\.[0-9A-F]{8}\.backup(\.gz)?$/;

export interface PitrRetention {
  /** Base backups to delete. */
  baseBackups: BaseBackupManifest[];
  /** Archived WAL files (names in the archive folder) to delete: older than every kept base backup needs. */
  walFiles: string[];
}

/**
 * What the PITR window (`windowDays`) no longer needs. Kept: every base backup that finished inside
 * the window, plus the newest one that finished before it (the starting point for the window's
 * first instant), and always the newest; the WAL from the oldest kept backup's start onwards.
 * Timeline .history files are always kept (tiny, and a restore needs them to follow timelines).
 * Without any base backup nothing is deleted: the WAL is then all there is.
 */
export function selectPitrExpired(bases: BaseBackupManifest[], walFiles: string[], now: Date, windowDays: number): PitrRetention {
  const newestFirst = [...bases].sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
  if (newestFirst.length === 0) return { baseBackups: [], walFiles: [] };
  const windowStart = now.getTime() - windowDays * 86_400_000;
  const inWindow = newestFirst.filter((b) => Date.parse(b.finishedAt) >= windowStart);
  const anchor = newestFirst.find((b) => Date.parse(b.finishedAt) < windowStart);
  const kept = new Set([...inWindow, ...(anchor ? [anchor] : []), newestFirst[0]].map((b) => b.id));
  const keptBases = newestFirst.filter((b) => kept.has(b.id));
  const oldestNeeded = keptBases.map((b) => b.startWalFile.slice(8)).sort()[0];
  const expiredWal = walFiles.filter((name) => {
    const match = SEGMENT.exec(name) ?? BACKUP_HISTORY.exec(name);
    return match !== null && match[2] < oldestNeeded;
  });
  return { baseBackups: newestFirst.filter((b) => !kept.has(b.id)), walFiles: expiredWal };
}
