import type { OpenAPIObject, OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ERROR_CODES, ErrorCode } from '../errors/error-codes';
import { READ_METHODS } from '../http/maintenance-mode';
import { RouteAuth, X_AUTH, X_ERROR_CODES, X_NO_DATABASE, X_PERMISSIONS, X_REQUEST_EXAMPLE } from './api-errors.decorator';

type ReferenceObject = { $ref: string };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Codes every route of a kind can answer, whatever its own rules (the guard, the pipes, the HTTP layer, the pool). */
const GENERIC_CODES = {
  withToken: ['unauthorized'],
  withRole: ['forbidden'],
  withInput: ['validation_failed'],
  withBody: ['malformed_json', 'json_too_deep', 'payload_too_large', 'unsupported_media_type'],
  withDatabase: ['database_unavailable', 'overloaded'],
  // MAINTENANCE_MODE=read_only refuses every write before it is routed (src/common/http/maintenance-mode.ts), and
  // with the primary unreachable and a replica up the exception filter answers writes with it too.
  write: ['maintenance_read_only'],
} as const satisfies Record<string, readonly ErrorCode[]>;

const SECURITY: Record<RouteAuth, Record<string, string[]>[]> = {
  none: [],
  investor: [{ investor: [] }],
  admin: [{ admin: [] }],
  token: [{ investor: [] }, { admin: [] }],
};

const AUTH_NOTE: Record<RouteAuth, string> = {
  none: 'No token.',
  investor: 'Investor token (from POST /api/auth/wallet or POST /api/users); an admin token is 403.',
  admin: 'Admin token (from POST /api/auth/admin/login)',
  token: 'Investor or admin token.',
};

const RETRY_AFTER = {
  description: 'Seconds to wait before retrying',
  schema: { type: 'integer', minimum: 1, example: 5 },
};

/** The one error body, with every catalogued code and its meaning. */
function errorBodySchema(): SchemaObject {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];
  return {
    type: 'object',
    description:
      'Every error answer. Branch on `code` (stable), never on `message` (for people). Codes:\n\n' +
      codes.map((code) => `- \`${code}\` (${ERROR_CODES[code].status}): ${ERROR_CODES[code].meaning}`).join('\n'),
    required: ['statusCode', 'error', 'message', 'code'],
    properties: {
      statusCode: { type: 'integer', example: 400 },
      error: { type: 'string', example: 'Bad Request' },
      message: {
        oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
        example: ['amount must be a decimal string'],
      },
      code: { type: 'string', enum: codes, example: 'validation_failed' },
      details: { type: 'object', additionalProperties: true, description: 'Code-specific facts, e.g. `fields` or `remaining`' },
    },
  };
}

function errorResponse(status: number, codes: ErrorCode[], existing: ResponseObject | undefined): ResponseObject {
  const lines = codes.map((code) => `- \`${code}\`: ${ERROR_CODES[code].meaning}`).join('\n');
  const first = codes[0];
  const response: ResponseObject & { 'x-codes': ErrorCode[] } = {
    description: `${existing?.description ?? STATUS_CODES[status] ?? 'Error'}\n\n${lines}`,
    content: existing?.content ?? {
      'application/json': {
        schema: {
          allOf: [
            { $ref: '#/components/schemas/ErrorBody' },
            { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: codes } } },
          ],
        },
        example: { statusCode: status, error: STATUS_CODES[status], message: ERROR_CODES[first].meaning, code: first },
      },
    },
    'x-codes': codes,
  };
  if (status === 429 || status === 503) response.headers = { ...existing?.headers, 'Retry-After': RETRY_AFTER };
  else if (existing?.headers) response.headers = existing.headers;
  return response;
}

/** The codes an operation can answer: its own, and those every route of its kind gets. */
function codesOf(operation: OperationObject, auth: RouteAuth, method: (typeof METHODS)[number]): ErrorCode[] {
  const record = operation as unknown as Record<string, unknown>;
  const codes = new Set<ErrorCode>((record[X_ERROR_CODES] as ErrorCode[] | undefined) ?? []);
  const add = (list: readonly ErrorCode[]) => list.forEach((code) => codes.add(code));
  if (auth !== 'none') add(GENERIC_CODES.withToken);
  if (auth === 'investor' || auth === 'admin') add(GENERIC_CODES.withRole);
  // Path and query values are validated; a header parameter is not by itself (the dashboard's Cache-Control is read
  // leniently, never refused; Idempotency-Key's rules come with the body it belongs to).
  const validatedParameters = operation.parameters?.some((parameter) => !('in' in parameter) || parameter.in !== 'header');
  if (operation.requestBody || validatedParameters) add(GENERIC_CODES.withInput);
  if (operation.requestBody) add(GENERIC_CODES.withBody);
  if (record[X_NO_DATABASE] !== true) add(GENERIC_CODES.withDatabase);
  if (!READ_METHODS.has(method.toUpperCase())) add(GENERIC_CODES.write);
  for (const code of codes) {
    if (!(code in ERROR_CODES)) throw new Error(`${operation.operationId}: ${code} is not in the error code catalogue`);
  }
  return [...codes];
}

/**
 * An example of a value of this schema, built from the examples of its properties (the DTOs'
 * `@ApiProperty({ example })`, shared ids and times from ./examples so the parts agree). An enum without
 * an example shows its first value. `missing` gets the path of every property that has no example; the
 * result is then undefined and the response goes without one (the contract test names the operation).
 */
export function exampleOf(
  schema: SchemaObject | ReferenceObject,
  schemas: Record<string, SchemaObject | ReferenceObject>,
  missing: string[] = [],
  path = '$',
  seen: ReadonlySet<string> = new Set(),
): unknown {
  if ('$ref' in schema) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    if (seen.has(name) || !schemas[name]) {
      missing.push(`${path} (${name})`);
      return undefined;
    }
    return exampleOf(schemas[name], schemas, missing, path, new Set([...seen, name]));
  }
  if (schema.example !== undefined) return schema.example;
  if (schema.allOf?.length === 1) return exampleOf(schema.allOf[0], schemas, missing, path, seen);
  if (schema.enum?.length) return schema.enum[0];
  if (schema.type === 'array' && schema.items) {
    const item = exampleOf(schema.items, schemas, missing, `${path}[]`, seen);
    return item === undefined ? undefined : [item];
  }
  if (schema.properties) {
    const before = missing.length;
    const value = Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [name, exampleOf(property, schemas, missing, `${path}.${name}`, seen)]),
    );
    return missing.length === before ? value : undefined;
  }
  missing.push(path);
  return undefined;
}

/** Each success answer shows an example (unless its decorator gave one), built from its schema's property examples. */
function addSuccessExamples(operation: OperationObject, schemas: Record<string, SchemaObject | ReferenceObject>): void {
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!/^2\d\d$/.test(status) || !response || !('content' in response) || !response.content) continue;
    const media = response.content['application/json'];
    if (!media?.schema || media.example !== undefined) continue;
    const missing: string[] = [];
    const example = exampleOf(media.schema, schemas, missing);
    if (!missing.length) media.example = example;
  }
}

/**
 * Makes the generated document the whole contract: each operation's security (investor, admin with
 * the permission named, or none), and one response per error status it can answer, with the error
 * body's schema, the `code` values it can carry there (`x-codes`, and an enum a typed client sees),
 * and `Retry-After` on 429 and 503. The route decorators say what is particular to a route
 * (@ApiErrors, the auth decorators, @ApiNoDatabase); the rest follows from its kind.
 */
export function completeOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, ErrorBody: errorBodySchema() };
  document.components.securitySchemes = {
    investor: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'An investor access token: POST /api/auth/wallet (Sign-In with Ethereum) or POST /api/users',
    },
    admin: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'An admin access token: POST /api/auth/admin/login; each route names the permission it needs',
    },
  };

  for (const pathItem of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      const record = operation as unknown as Record<string, unknown>;
      const auth = (record[X_AUTH] as RouteAuth | undefined) ?? 'token';
      const permissions = (record[X_PERMISSIONS] as string[] | undefined) ?? [];

      operation.security = SECURITY[auth];
      for (const parameter of operation.parameters ?? []) {
        if ('in' in parameter && parameter.in === 'path' && parameter.name === 'id' && !parameter.description) {
          parameter.description = 'The record’s id (a UUID; anything else is 400)';
        }
      }
      const note =
        auth === 'admin' && permissions.length ? `${AUTH_NOTE.admin} with permission ${permissions.join(', ')}.` : AUTH_NOTE[auth];
      operation.description = operation.description ? `${operation.description}\n\n${note}` : note;

      const byStatus = new Map<number, ErrorCode[]>();
      for (const code of codesOf(operation, auth, method)) {
        const status = ERROR_CODES[code].status;
        byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
      }
      for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
        operation.responses[status] = errorResponse(status, codes, operation.responses[status] as ResponseObject | undefined);
      }

      addSuccessExamples(operation, document.components.schemas);

      const example = record[X_REQUEST_EXAMPLE];
      const body =
        operation.requestBody && 'content' in operation.requestBody ? operation.requestBody.content['application/json'] : undefined;
      if (example !== undefined && body) body.example = example;
      else if (example !== undefined) throw new Error(`${operation.operationId}: a request example on a route without a JSON body`);

      delete record[X_REQUEST_EXAMPLE];
      delete record[X_ERROR_CODES];
      delete record[X_AUTH];
      delete record[X_NO_DATABASE];
      if (!permissions.length) delete record[X_PERMISSIONS];
    }
  }
  return document;
}
