import { PathSegment } from '../../reader/json-record-scanner';
import { JsonValue, stringifyJson } from '../../reader/json-value';

/** `users.usr_x.transactions[3]`: the place of a record in its file. */
export function jsonPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  return out;
}

/** jsonb text of a value, numbers exactly as written; null stays SQL NULL. */
export function jsonbText(value: JsonValue | undefined): string | null {
  return value === undefined || value === null ? null : stringifyJson(value);
}

export function idText(value: JsonValue | undefined): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}
