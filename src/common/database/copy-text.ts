import type { PoolClient } from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';

/**
 * One field in COPY's text format: \N is null; backslash, tab, newline and carriage return are
 * escaped. NUL cannot be stored in text: it becomes the six characters `\u0000`.
 */
export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r\u0000]/g, (c) => COPY_ESCAPES[c]);
}

const COPY_SPECIAL = /[\\\t\n\r\u0000]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u0000': '\\\\u0000' };

/**
 * Runs `COPY … FROM STDIN` on the client with rows already in COPY's text format; resolves once
 * the server has confirmed it ('finish'). The stream is written directly: stream.pipeline would
 * build an AbortController and a DOMException (with its stack) per call.
 */
export function copyFrom(client: PoolClient, sql: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFromStdin(sql));
    // `on`, not `once`: a COPY that timed out errors again when its connection is then destroyed, and an
    // 'error' with no listener left would end the process.
    stream.on('error', reject);
    stream.once('finish', resolve);
    stream.end(data);
  });
}
