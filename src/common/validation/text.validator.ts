import { Matches, ValidationOptions } from 'class-validator';

/** PostgreSQL text cannot hold U+0000; refuse it up front so the 400 names the field. */
export const NoNulCharacter = (options?: ValidationOptions) =>
  Matches(/^[^\u0000]*$/, { message: ({ property }) => `${property} must not contain the NUL character`, ...options });

/**
 * The path of the first string or key in a parsed body or query that `bad` refuses, dotted as the validation pipe
 * names fields (`events.0.args.memo`); `path` alone (or `(body)`) for a bare string; undefined when none.
 */
export function findTextPath(value: unknown, bad: (text: string) => boolean, path = ''): string | undefined {
  if (typeof value === 'string') return bad(value) ? path || '(body)' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (bad(key)) return childPath;
    const found = findTextPath(child, bad, childPath);
    if (found !== undefined) return found;
  }
  return undefined;
}

const hasNul = (text: string) => text.includes('\u0000');

/** Where `\u0000` is, which PostgreSQL text cannot store (it would surface as a database error, not a 400 naming the field). */
export const findNulCharacter = (value: unknown, path = ''): string | undefined => findTextPath(value, hasNul, path);

/** How a 400 words a NUL character, after the field's path. */
export const NUL_PROBLEM = 'must not contain the NUL character (\\u0000)';
