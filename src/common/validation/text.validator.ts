import { Matches, ValidationOptions } from 'class-validator';

/** PostgreSQL text cannot hold U+0000; refuse it up front so the 400 names the field. */
export const NoNulCharacter = (options?: ValidationOptions) =>
  Matches(/^[^\u0000]*$/, { message: ({ property }) => `${property} must not contain the NUL character`, ...options });

/**
 * The path (dotted as the validation pipe names fields: `events.0.args.memo`) of the first string or key holding `\u0000`, which PostgreSQL text
 * cannot store (it would surface as a database error, not a 400 naming the field); undefined when none.
 */
export function findNulCharacter(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(body)' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return childPath;
    const found = findNulCharacter(child, childPath);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** How a 400 words a NUL character, after the field's path. */
export const NUL_PROBLEM = 'must not contain the NUL character (\\u0000)';
