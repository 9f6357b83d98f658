import { jsonParser } from 'stream-json/core/parser.js';

import { isJsonObject, JsonNumber, JsonObject, JsonValue } from './json-types';
import { parseJsonNatively } from './native-json';

export { isJsonObject, JsonNumber };
export type { JsonObject, JsonValue };

type Container = JsonValue[] | JsonObject;

/**
 * Parses one record's text, numbers kept literal: natively when it can (see native-json), else
 * with stream-json's tokenizer (which hands numbers over as text; its own Assembler would turn
 * them into floats or lose the number/string difference). Throws on anything that is not
 * exactly one JSON value.
 */
export function parseJsonText(text: string): JsonValue {
  return parseJsonNatively(text) ?? parseJsonTokens(text);
}

/** The tokenizer's way, for the rare record whose strings hold every marker native-json could use. */
export function parseJsonTokens(text: string): JsonValue {
  const tokenize = jsonParser({ streamValues: false });
  // A bare number at the very end is only closed by what follows it.
  const last = text.charCodeAt(text.length - 1);
  const produced = tokenize(last === 0x7d || last === 0x5d || last === 0x22 ? text : `${text} `) as unknown;
  const tokens = (produced as { values?: { name: string; value?: unknown }[] }).values ?? [];

  const stack: Container[] = [];
  const keys: (string | null)[] = [];
  let key: string | null = null;
  let result: JsonValue | undefined;
  let complete = false;

  const add = (value: JsonValue): void => {
    if (complete) throw new Error('more than one JSON value');
    const parent = stack[stack.length - 1];
    if (parent === undefined) {
      result = value;
      complete = true;
    } else if (Array.isArray(parent)) {
      parent.push(value);
    } else {
      // Objects have no prototype, so even a `__proto__` key is an ordinary own property.
      parent[key as string] = value;
    }
  };

  for (const token of tokens) {
    switch (token.name) {
      case 'startObject':
      case 'startArray': {
        const container: Container = token.name === 'startArray' ? [] : (Object.create(null) as JsonObject);
        add(container);
        if (stack.length === 0) complete = false;
        stack.push(container);
        keys.push(key);
        key = null;
        break;
      }
      case 'endObject':
      case 'endArray':
        stack.pop();
        key = keys.pop() ?? null;
        if (stack.length === 0) complete = true;
        break;
      case 'keyValue':
        key = token.value as string;
        break;
      case 'stringValue':
        add(token.value as string);
        break;
      case 'numberValue':
        add(new JsonNumber(token.value as string));
        break;
      case 'nullValue':
        add(null);
        break;
      case 'trueValue':
        add(true);
        break;
      case 'falseValue':
        add(false);
        break;
      default:
        break;
    }
  }
  if (!complete || result === undefined) throw new Error('the JSON value is incomplete');
  return result;
}

/** JSON text of a value, numbers written back exactly as they were read. */
export function stringifyJson(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(stringifyJson).join(',')}]`;
  const parts: string[] = [];
  for (const k of Object.keys(value)) parts.push(`${JSON.stringify(k)}:${stringifyJson(value[k])}`);
  return `{${parts.join(',')}}`;
}
