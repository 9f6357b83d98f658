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
