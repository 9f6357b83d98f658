import { BaseBackupManifest, selectPitrExpired } from './base-backup';

function base(finishedAt: string, startWalFile: string): BaseBackupManifest {
  return {
    id: `base-${finishedAt}`,
    kind: 'base',
    startedAt: finishedAt,
    finishedAt,
    durationMs: 1,
    startLsn: '0/0',
    endLsn: '0/0',
    timeline: 1,
    startWalFile,
    files: [],
    serverVersion: '15.18',
    pgBasebackupVersion: '15.18',
    trigger: 'scheduled',
  };
}

describe('selectPitrExpired (the PITR window)', () => {
  const now = new Date('2026-12-10T06:00:00Z');
  const bases = [
    base('2026-12-01T06:00:00Z', '000000010000000000000010'),
    base('2026-12-02T06:00:00Z', '000000010000000000000020'),
    base('2026-12-04T06:00:00Z', '000000010000000000000030'),
    base('2026-12-09T06:00:00Z', '000000020000000000000040'),
  ];
  const wal = [
    '00000001000000000000000F.gz',
    '000000010000000000000010.gz',
    '00000001000000000000001F.gz',
    '000000010000000000000020.00000028.backup.gz',
    '000000010000000000000020.gz',
    '000000010000000000000031.gz',
    '00000002.history.gz',
    '000000020000000000000041.gz',
    'unrelated.txt',
  ];

  it('keeps the backups inside the window plus the newest one before it, and the WAL from that one on', () => {
    const expired = selectPitrExpired(bases, wal, now, 7); // window starts 2026-12-03T06:00
    expect(expired.baseBackups.map((b) => b.id)).toEqual(['base-2026-12-01T06:00:00Z']);
    expect(expired.walFiles).toEqual(['00000001000000000000000F.gz', '000000010000000000000010.gz', '00000001000000000000001F.gz']);
  });

  it('always keeps the newest base backup, and deletes nothing without one', () => {
    const expired = selectPitrExpired(bases, wal, new Date('2027-06-01T00:00:00Z'), 1);
    expect(expired.baseBackups.map((b) => b.id)).toEqual([
      'base-2026-12-04T06:00:00Z',
      'base-2026-12-02T06:00:00Z',
      'base-2026-12-01T06:00:00Z',
    ]);
    expect(expired.walFiles).not.toContain('00000002.history.gz');
    expect(expired.walFiles).not.toContain('000000020000000000000041.gz');
    expect(selectPitrExpired([], wal, now, 1)).toEqual({ baseBackups: [], walFiles: [] });
  });
});
