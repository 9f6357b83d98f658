import { JsonNumber, JsonObject, JsonValue } from './json-types';

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Parses one record with the engine's own JSON.parse (several times faster than a tokenizer in
 * JavaScript) while keeping every number's literal text: each number is first wrapped in a
 * string behind a marker character no string of the record can hold, then unwrapped into a
 * JsonNumber. Returns undefined when every marker is taken (the caller parses another way).
 * Throws on anything that is not exactly one JSON value.
 */
export function parseJsonNatively(text: string): JsonValue | undefined {
  const marker = freeMarker(text);
  if (marker === undefined) return undefined;
  return unwrap(JSON.parse(quoteNumbers(text, marker)) as unknown, String.fromCharCode(marker));
}

/** A control character that no string of the text holds: raw control characters are not valid JSON, so only escapes count. */
function freeMarker(text: string): number | undefined {
  if (!text.includes('\\u00')) return 1;
  const escapes = text.toLowerCase();
  for (let code = 1; code < 0x20; code++) {
    if (!escapes.includes(`\\u00${code.toString(16).padStart(2, '0')}`)) return code;
  }
  return undefined;
}

function quoteNumbers(text: string, marker: number): string {
  const prefix = `"\\u00${marker.toString(16).padStart(2, '0')}`;
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: to the next quote not escaped by an odd run of backslashes.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return text; // unterminated: JSON.parse reports it
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      i = end + 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < n && isNumberChar(text.charCodeAt(end))) end++;
      const literal = text.slice(i, end);
      if (!NUMBER.test(literal)) throw new SyntaxError(`invalid number ${JSON.stringify(literal)} at position ${i}`);
      out += `${text.slice(copied, i)}${prefix}${literal}"`;
      copied = end;
      i = end;
    } else {
      i++;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45;
}

/** Numbers back to JsonNumber; objects without a prototype, so even a `__proto__` key is an ordinary own property. */
function unwrap(value: unknown, marker: string): JsonValue {
  if (typeof value === 'string') return value.length > 0 && value[0] === marker ? new JsonNumber(value.slice(1)) : value;
  if (value === null || typeof value !== 'object') return value as JsonValue;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = unwrap(value[i], marker);
    return value as JsonValue[];
  }
  const object = Object.create(null) as JsonObject;
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) object[key] = unwrap(source[key], marker);
  return object;
}
