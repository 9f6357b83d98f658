import { JsonValue, stringifyJson } from '../reader/json-value';
import { countNormalisations, RecordRejected } from '../values/legacy-values';
import { TableName } from './table-specs';

export type Row = Record<string, string | null>;

/** A reference to another legacy record that must already be in the database. */
export interface LegacyReference {
  table: 'users' | 'assets';
  legacyId: string;
  reason: string;
}

/** One legacy record on its way to one table row, with the records nested in it. */
export interface ImportUnit {
  table: TableName;
  file: string;
  location: string;
  legacyId: string | null;
  /** The original text; for a record nested in another, its parsed value (written out only when quarantined). */
  raw: string | null;
  rawValue?: JsonValue;
  row: Row | null;
  /** Value of the table's key column, to spot repeats within a batch. */
  key: string | null;
  children: ImportUnit[];
  references: LegacyReference[];
  rejected: string | null;
  merged: boolean;
  /** Extra facts a batch check needs (users: phone hash and wallet). */
  facts?: Record<string, string | null>;
  /** A record read whole: the fingerprint of its bytes (see fingerprints.ts), recorded once it is written. */
  fingerprint?: number;
  /** Values its mapping stored in another form than the file's, counted per kind. */
  normalised?: Record<string, number>;
}

export function unit(init: Pick<ImportUnit, 'table' | 'file' | 'location' | 'legacyId' | 'raw'> & Partial<ImportUnit>): ImportUnit {
  return { row: null, key: null, children: [], references: [], rejected: null, merged: false, ...init };
}

/** Builds a unit's row; a broken rule quarantines the unit (and what is nested in it) with its reason. */
export function buildUnit(target: ImportUnit, build: (u: ImportUnit) => void): ImportUnit {
  try {
    countNormalisations(target, () => build(target));
  } catch (error) {
    if (!(error instanceof RecordRejected)) throw error;
    target.rejected = error.reason;
    target.row = null;
  }
  return target;
}

export function rawText(u: ImportUnit): string {
  if (u.raw !== null) return u.raw;
  return u.rawValue === undefined ? '' : stringifyJson(u.rawValue);
}

export { walk } from './unit-tree';
