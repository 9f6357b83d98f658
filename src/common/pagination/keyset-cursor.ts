import { fieldInvalid } from '../validation/validation.pipe';

/**
 * An opaque keyset cursor over (timestamp, id): the last row's exact PostgreSQL timestamp
 * (microseconds, as text) and uuid, base64url-encoded. Clients pass it back untouched.
 */
export interface KeysetPosition {
  at: string;
  id: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SQL for a timestamptz column rendered exactly (microseconds, UTC) for a cursor. */
export const cursorTimestampSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at}|${position.id}`, 'utf8').toString('base64url');
}

/** Decodes a cursor from a client; a malformed one is a 400 naming `field`. */
export function decodeKeysetCursor(cursor: string, field = 'cursor'): KeysetPosition {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !at || !id || !TIMESTAMP.test(at) || !UUID.test(id) || Number.isNaN(Date.parse(at))) {
    throw fieldInvalid(field, 'is not a cursor this API issued');
  }
  return { at, id };
}

/**
 * A keyset position for a list the client may sort by one of several columns: the sort it was
 * issued for (e.g. `name.asc`), the last row's sort value as PostgreSQL rendered it (null for a
 * NULL value) and its id. The sort travels in the cursor so a cursor reused under another sort or
 * order is refused instead of skipping or repeating rows.
 */
export interface SortedKeysetPosition {
  sort: string;
  value: string | null;
  id: string;
}

export function encodeSortedKeysetCursor(position: SortedKeysetPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.id]), 'utf8').toString('base64url');
}

/**
 * Decodes a sorted cursor for the list's current `sort`; `isValue` says whether a sort value (null
 * for NULL) is one the column can hold (e.g. a timestamp as cursorTimestampSql renders it). Anything else is the
 * same 400 naming `field` as decodeKeysetCursor.
 */
export function decodeSortedKeysetCursor(
  cursor: string,
  sort: string,
  isValue: (value: string | null) => boolean,
  field = 'cursor',
): SortedKeysetPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (Array.isArray(decoded) && decoded.length === 3) {
    const [issuedFor, value, id] = decoded as unknown[];
    if (issuedFor === sort && typeof id === 'string' && UUID.test(id) && (value === null || typeof value === 'string') && isValue(value)) {
      return { sort, value, id };
    }
  }
  throw fieldInvalid(field, 'is not a cursor this API issued');
}

/** Whether `value` is a timestamp as cursorTimestampSql renders it. */
export const isCursorTimestamp = (value: string | null): boolean =>
  value !== null && TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
