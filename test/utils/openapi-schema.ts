import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Checks values against the schemas of an OpenAPI 3.0 document with Ajv (JSON Schema draft-07), so a
 * documented example, or a real answer, that differs from its schema fails a test. OpenAPI 3.0's
 * `nullable` becomes "or null"; a named DTO schema (components.schemas) allows no property it does not
 * declare, so a field the document does not show is drift too.
 */

type Schema = Record<string, unknown>;

interface Media {
  schema?: Schema;
  example?: unknown;
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, Media>; headers?: Record<string, unknown> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

const BASE = 'https://pend.test/openapi.json';
/** Formats OpenAPI names that JSON Schema has not: a hint for the UI, nothing to check. */
const HINT_FORMATS = ['password', 'int32', 'int64', 'float', 'double', 'binary', 'byte'];

function toJsonSchema(schema: Schema, named = false): Schema {
  if (typeof schema.$ref === 'string') {
    // OpenAPI 3.0 ignores a $ref's siblings, but a generator that writes `nullable` beside one means "or null".
    const ref = { $ref: `${BASE}#/definitions/${schema.$ref.replace('#/components/schemas/', '')}` };
    return schema.nullable === true ? { anyOf: [ref, { type: 'null' }] } : ref;
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'example' || key.startsWith('x-')) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([name, s]) => [name, toJsonSchema(s)]));
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = toJsonSchema(value as Schema);
    } else if (key === 'allOf' || key === 'oneOf' || key === 'anyOf') {
      out[key] = (value as Schema[]).map((s) => toJsonSchema(s));
    } else {
      out[key] = value;
    }
  }
  if (named && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return schema.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

/** Each of Ajv's findings as `<JSON path> <message> <params>`, e.g. `/items/0/amount must be string {"type":"string"}`. */
function problems(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}

export class OpenApiSchemas {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly byAnswer = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    for (const format of HINT_FORMATS) this.ajv.addFormat(format, true);
    const definitions = Object.fromEntries(Object.entries(document.components.schemas).map(([name, s]) => [name, toJsonSchema(s, true)]));
    this.ajv.addSchema({ $id: BASE, definitions });
  }

  /**
   * The document's path for a request as a client sent it (`GET /api/assets/3f…` → `/api/assets/{id}`), or null when
   * no operation of that method matches. Literal segments win over parameters, as in the router: `/api/users/me`, not
   * `/api/users/{id}`.
   */
  pathOf(method: string, requestPath: string): string | null {
    this.pathMatchers ??= Object.keys(this.document.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+')}$`),
      literals: template.split('/').filter((segment) => !segment.startsWith('{')).length,
    }));
    let best: { template: string; literals: number } | undefined;
    for (const matcher of this.pathMatchers) {
      if (!matcher.pattern.test(requestPath) || !this.document.paths[matcher.template][method.toLowerCase()]) continue;
      if (!best || matcher.literals > best.literals) best = matcher;
    }
    return best?.template ?? null;
  }

  private pathMatchers?: { template: string; pattern: RegExp; literals: number }[];

  /** What is wrong with `value` as a value of `schema` (a schema of this document); [] when it conforms. */
  errors(schema: Schema, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema));
      this.compiled.set(key, validate);
    }
    return validate(value) ? [] : problems(validate);
  }

  /**
   * What is wrong with a real answer of `method path` with this status, by what the document declares for it: its
   * body by the declared schema, each problem as `<JSON path> <Ajv message>`, and each declared header (Retry-After)
   * that the answer lacks; [] when it conforms. Undefined when the document declares no such (operation, status),
   * which the contract reporter reports as an undeclared answer. The schema of each (operation, status) is compiled
   * once, on its first answer. `headers` as Node gives them, names in lower case.
   */
  answerErrors(method: string, path: string, status: number, headers: Record<string, unknown>, text: string): string[] | undefined {
    const response = this.document.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
    if (!response) return undefined;
    const missingHeaders = Object.keys(response.headers ?? {})
      .filter((name) => headers[name.toLowerCase()] === undefined)
      .map((name) => `header ${name} is declared but missing`);
    return [...missingHeaders, ...this.bodyErrors(method, path, status, response, headers['content-type'] as string | undefined, text)];
  }

  private bodyErrors(
    method: string,
    path: string,
    status: number,
    response: { content?: Record<string, Media> },
    contentType: string | undefined,
    text: string,
  ): string[] {
    const json = /^application\/(.+\+)?json\b/i.test(contentType ?? '');
    const media = response.content?.['application/json'];
    if (!media?.schema) return json && text !== '' ? [`/ a JSON body where the document declares none (${contentType})`] : [];
    if (!json) return [`/ answered ${contentType ?? 'without a Content-Type'} where the document declares application/json`];
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return ['/ is not JSON'];
    }
    const key = `${method.toLowerCase()} ${path} ${status}`;
    let validate = this.byAnswer.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(media.schema));
      this.byAnswer.set(key, validate);
    }
    return validate(body) ? [] : problems(validate);
  }
}
