import { TABLE_ORDER, TableName } from './table-specs';

export interface TableCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
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
}

export function emptyCounts(): TableCounts {
  return { read: 0, inserted: 0, updated: 0, unchanged: 0, quarantined: 0 };
}

export function emptyTables(): Record<TableName, TableCounts> {
  return Object.fromEntries(TABLE_ORDER.map((table) => [table, emptyCounts()])) as Record<TableName, TableCounts>;
}

/** The summary table printed at the end of a run. */
export function formatSummary(report: ImportReport): string {
  const header = ['table', 'read', 'inserted', 'updated', 'unchanged', 'quarantined'];
  const rows = TABLE_ORDER.map((table) => {
    const c = report.tables[table];
    return [table, c.read, c.inserted, c.updated, c.unchanged, c.quarantined].map(String);
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const seconds = (report.durationMs / 1000).toFixed(2);
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...report.fileNotes.map((n) => `note: ${n.file}: ${n.note}`),
    ...Object.entries(report.normalised).map(([kind, count]) => `normalised: ${kind}: ${count}`),
    '',
    `${report.dryRun ? 'Dry run (nothing written): ' : ''}${report.records} records in ${seconds}s (${report.recordsPerSecond} records/s), ${report.quarantined.length} quarantined`,
  ].join('\n');
}
