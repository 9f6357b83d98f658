import { GoneRecords } from './fingerprints';
import { TABLE_ORDER, TableName } from './table-specs';

export interface TableCounts {
  /** Records parsed (nested ones too). */
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  /** Records skipped unparsed: their fingerprint is the one recorded by an earlier run (nested records not counted). */
  skipped: number;
}

export interface QuarantinedRecord {
  file: string;
  location: string;
  legacyId: string | null;
  reason: string;
}

export interface ImportReport {
  runId: string | null;
  source: string;
  dryRun: boolean;
  /** The mapping rules' version (see mapping-rules.ts). */
  mappingRulesVersion: number;
  /** Each kind's rules version (a record is read again when its kind's version changed). */
  mappingRules: Record<string, number>;
  status: 'completed' | 'failed';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  records: number;
  recordsPerSecond: number;
  tables: Record<TableName, TableCounts>;
  quarantined: QuarantinedRecord[];
  /** What was done to read a file at all (a UTF-8 byte-order mark skipped), per file. */
  fileNotes: { file: string; note: string }[];
  /**
   * Values of the records written that are stored in another form than the file's (the same
   * value: a phone's separators, an address's checksum case, a timestamp's zone), counted per kind.
   */
  normalised: Record<string, number>;
  /** The files read (rewritten in place, they are read whole by every run): bytes over all passes, and the rate. */
  scan: { bytes: number; seconds: number; megabytesPerSecond: number };
  /** Records imported by an earlier run that the store no longer has: kept in the database, listed here. */
  gone: GoneRecords;
  /** `--full`: every record read again, fingerprints or not. */
  full: boolean;
}

export function emptyCounts(): TableCounts {
  return { read: 0, inserted: 0, updated: 0, unchanged: 0, quarantined: 0, skipped: 0 };
}

export function emptyTables(): Record<TableName, TableCounts> {
  return Object.fromEntries(TABLE_ORDER.map((table) => [table, emptyCounts()])) as Record<TableName, TableCounts>;
}

/** The summary table printed at the end of a run. */
export function formatSummary(report: ImportReport): string {
  const header = ['table', 'read', 'inserted', 'updated', 'unchanged', 'quarantined', 'skipped'];
  const rows = TABLE_ORDER.map((table) => {
    const c = report.tables[table];
    return [table, c.read, c.inserted, c.updated, c.unchanged, c.quarantined, c.skipped].map(String);
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const seconds = (report.durationMs / 1000).toFixed(2);
  const skipped = Object.values(report.tables).reduce((sum, c) => sum + c.skipped, 0);
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...report.fileNotes.map((n) => `note: ${n.file}: ${n.note}`),
    ...Object.entries(report.normalised).map(([kind, count]) => `normalised: ${kind}: ${count}`),
    ...goneLines(report.gone),
    '',
    `${report.dryRun ? 'Dry run (nothing written): ' : ''}${report.records} records in ${seconds}s (${report.recordsPerSecond} records/s), ${report.quarantined.length} quarantined`,
    `${skipped} unchanged records skipped unparsed${report.full ? ' (--full: none skipped)' : ''}; files scanned: ${(report.scan.bytes / 1e6).toFixed(1)} MB at ${report.scan.megabytesPerSecond.toFixed(1)} MB/s`,
  ].join('\n');
}

function goneLines(gone: GoneRecords): string[] {
  if (gone.total === 0) return [];
  const listed = gone.records.map((r) => `gone: ${r.kind} ${r.legacyId}`);
  const more = gone.total - gone.records.length;
  return [
    `${gone.total} record(s) imported earlier are no longer in the store (kept in the database, not deleted): ${Object.entries(gone.byKind)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}`,
    ...listed,
    ...(more > 0 ? [`gone: … and ${more} more (all of them: import_fingerprints WHERE gone_since IS NOT NULL)`] : []),
  ];
}
