export type VerificationStatus = 'pending' | 'verified' | 'failed';

/** `<id>.manifest.json` beside the dump: what the backup holds and whether a restore of it was proven. */
export interface BackupManifest {
  id: string;
  /** File names relative to the backup folder. */
  file: string;
  schemaFile: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  sizeBytes: number;
  sha256: string;
  database: { name: string; serverVersion: string };
  pgDumpVersion: string;
  trigger: 'scheduled' | 'manual';
  /** Exact row counts per table, taken in the same snapshot the dump was taken from. */
  rowCounts: Record<string, number>;
  verification: {
    status: VerificationStatus;
    at?: string;
    durationMs?: number;
    /** Tables whose restored count differs: `{table: {source, restored}}`. */
    mismatches?: Record<string, { source: number; restored: number | null }>;
    error?: string;
  };
}
