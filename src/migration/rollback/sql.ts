import { QueryRunner } from 'typeorm';

/** A timestamptz as ISO-8601 UTC text: milliseconds, or microseconds when it has them (exact). */
export function iso(column: string): string {
  return `CASE WHEN ${column} IS NULL THEN NULL
    WHEN extract(microseconds FROM ${column})::bigint % 1000 = 0 THEN to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    ELSE to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END`;
}

/** A timestamptz as epoch seconds text (explorer-data), fractional only when it has a fraction. */
export function epochSeconds(column: string): string {
  return `trim_scale(extract(epoch FROM ${column}))::text`;
}

/** A legacy id for a row created after the import (legacy_id NULL): prefix + its uuid's hex. */
export function legacyKey(prefix: string, legacyIdColumn: string, uuidColumn: string): string {
  return `COALESCE(${legacyIdColumn}, '${prefix}' || replace(${uuidColumn}::text, '-', ''))`;
}

export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** JSON text of a string (or null). */
export function str(value: string | null | undefined): string {
  return value === null || value === undefined ? 'null' : JSON.stringify(value);
}

/** Money from numeric(24,6) text as a decimal string without trailing zeros past the cents. */
export function money(value: string | null): string {
  if (value === null) return 'null';
  if (!value.includes('.')) return `"${value}.00"`;
  let text = value.replace(/0+$/, '');
  const decimals = text.length - text.indexOf('.') - 1;
  if (decimals < 2) text += '0'.repeat(2 - decimals);
  return `"${text}"`;
}

/** Raw JSON text from PostgreSQL (jsonb::text, numbers) or null. */
export function raw(value: string | null): string {
  return value === null ? 'null' : value;
}

let cursorCount = 0;

/**
 * Rows of `sql` through a server-side cursor in batches of `batchSize`: one sorted pass in
 * PostgreSQL, never more than a batch in memory here. Must run inside a transaction.
 */
export async function* cursorBatches<T>(runner: QueryRunner, sql: string, batchSize = 2000): AsyncGenerator<T[]> {
  const name = `rollback_cursor_${++cursorCount}`;
  await runner.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`);
  try {
    for (;;) {
      const rows: T[] = await runner.query(`FETCH ${batchSize} FROM ${name}`);
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < batchSize) return;
    }
  } finally {
    await runner.query(`CLOSE ${name}`);
  }
}
