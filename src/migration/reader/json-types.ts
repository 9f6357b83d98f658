/** A JSON number kept as its literal text, so that money never passes through a float. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = string | JsonNumber | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}
