import { BackupManifest } from './backup-manifest';

export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

const dayKey = (d: Date) => d.toISOString().slice(0, 10);
const monthKey = (d: Date) => d.toISOString().slice(0, 7);

/** ISO-8601 week (UTC), e.g. `2026-W48`. */
function weekKey(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Keeps the newest verified backup of each of the `count` most recent periods that have one. */
function newestPerPeriod(verified: BackupManifest[], count: number, key: (d: Date) => string): string[] {
  const kept: string[] = [];
  const periods = new Set<string>();
  for (const manifest of verified) {
    if (periods.size >= count) break;
    const period = key(new Date(manifest.startedAt));
    if (periods.has(period)) continue;
    periods.add(period);
    kept.push(manifest.id);
  }
  return kept;
}

/**
 * Grandfather-father-son rotation. Only verified backups fill the daily/weekly/monthly
 * slots; the newest verified backup is always kept; unverified backups newer than it are
 * kept (a failure stays visible), older unverified ones go. Returns what to delete.
 */
export function selectBackupsToDelete(manifests: BackupManifest[], policy: RetentionPolicy): BackupManifest[] {
  const newestFirst = [...manifests].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const verified = newestFirst.filter((m) => m.verification.status === 'verified');
  const keep = new Set<string>([
    ...newestPerPeriod(verified, policy.daily, dayKey),
    ...newestPerPeriod(verified, policy.weekly, weekKey),
    ...newestPerPeriod(verified, policy.monthly, monthKey),
  ]);
  const newestVerified = verified[0];
  if (newestVerified) keep.add(newestVerified.id);
  for (const manifest of newestFirst) {
    if (newestVerified && manifest.startedAt <= newestVerified.startedAt) break;
    keep.add(manifest.id);
  }
  return newestFirst.filter((m) => !keep.has(m.id));
}
