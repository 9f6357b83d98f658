import { BackupManifest } from './backup-manifest';
import { selectBackupsToDelete } from './backup-rotation';

function backup(at: string, status: BackupManifest['verification']['status'] = 'verified'): BackupManifest {
  return {
    id: at,
    file: `${at}.dump`,
    schemaFile: `${at}.schema.sql`,
    startedAt: new Date(at).toISOString(),
    finishedAt: new Date(at).toISOString(),
    durationMs: 1,
    sizeBytes: 1,
    sha256: '',
    database: { name: 'pend', serverVersion: '15' },
    pgDumpVersion: '15',
    trigger: 'scheduled',
    rowCounts: {},
    verification: { status },
  };
}

/** Replays `days` daily backups at 06:00 UTC from `start`, rotating after each like the job does. */
function simulate(start: string, days: number, policy = { daily: 7, weekly: 4, monthly: 6 }): string[] {
  let kept: BackupManifest[] = [];
  for (let d = 0; d < days; d++) {
    const at = new Date(Date.parse(start) + d * 86_400_000).toISOString().slice(0, 10) + 'T06:00:00Z';
    kept.push(backup(at));
    const doomed = new Set(selectBackupsToDelete(kept, policy).map((m) => m.id));
    kept = kept.filter((m) => !doomed.has(m.id));
  }
  return kept.map((m) => m.id.slice(0, 10)).sort();
}

describe('selectBackupsToDelete (grandfather-father-son)', () => {
  it('keeps 7 daily, 4 weekly and 6 monthly backups after a year of daily runs', () => {
    const kept = simulate('2026-01-01', 365);
    // 7 newest days; newest of each of the 4 newest ISO weeks; newest of each of the 6 newest months.
    expect(kept).toEqual([
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      '2026-10-31',
      '2026-11-30',
      '2026-12-13',
      '2026-12-20',
      '2026-12-25',
      '2026-12-26',
      '2026-12-27',
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
    ]);
  });

  it('follows the settable policy', () => {
    expect(simulate('2026-03-01', 40, { daily: 2, weekly: 0, monthly: 1 })).toEqual(['2026-04-08', '2026-04-09']);
    expect(simulate('2026-03-01', 40, { daily: 1, weekly: 0, monthly: 2 })).toEqual(['2026-03-31', '2026-04-09']);
  });

  it('never deletes the newest verified backup, and keeps failures newer than it visible', () => {
    const manifests = [backup('2026-01-01T06:00:00Z'), backup('2026-01-05T06:00:00Z', 'failed'), backup('2026-01-06T06:00:00Z', 'failed')];
    expect(selectBackupsToDelete(manifests, { daily: 1, weekly: 0, monthly: 0 })).toEqual([]);
  });

  it('deletes failed backups older than the newest verified one', () => {
    const manifests = [backup('2026-01-01T06:00:00Z', 'failed'), backup('2026-01-02T06:00:00Z')];
    expect(selectBackupsToDelete(manifests, { daily: 7, weekly: 4, monthly: 6 }).map((m) => m.id)).toEqual(['2026-01-01T06:00:00Z']);
  });
});
