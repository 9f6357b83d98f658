import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackupManifest } from './backup-manifest';

const MANIFEST_SUFFIX = '.manifest.json';

/** The backup folder: manifests written to *.tmp then renamed, listed newest first. */
export class BackupStore {
  constructor(readonly dir: string) {}

  ensureDir(): void {
    fs.mkdirSync(this.dir, { recursive: true });
  }

  pathOf(file: string): string {
    return path.join(this.dir, file);
  }

  /** Every readable manifest, newest first (unreadable ones are skipped, never fatal). */
  list(): BackupManifest[] {
    if (!fs.existsSync(this.dir)) return [];
    const manifests: BackupManifest[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith(MANIFEST_SUFFIX)) continue;
      try {
        manifests.push(JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')) as BackupManifest);
      } catch {
        // a half-written or foreign file: not a backup
      }
    }
    return manifests.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  newest(): BackupManifest | undefined {
    return this.list()[0];
  }

  newestVerified(): BackupManifest | undefined {
    return this.list().find((m) => m.verification.status === 'verified');
  }

  write(manifest: BackupManifest): void {
    this.ensureDir();
    const target = path.join(this.dir, `${manifest.id}${MANIFEST_SUFFIX}`);
    fs.writeFileSync(`${target}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.renameSync(`${target}.tmp`, target);
  }

  /** Removes a backup: the manifest first, so a half-removed backup is never listed. */
  remove(manifest: BackupManifest): void {
    for (const name of [`${manifest.id}${MANIFEST_SUFFIX}`, manifest.file, manifest.schemaFile]) {
      fs.rmSync(path.join(this.dir, name), { force: true });
    }
  }
}
