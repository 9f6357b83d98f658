import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { OpenApiDocument, OpenApiSchemas } from './openapi-schema';

/** The folder (made by globalSetup) where each Jest worker writes the answers it saw; the contract reporter reads it. */
export const CONTRACT_OBSERVED_DIR_ENV = 'PEND_CONTRACT_OBSERVED_DIR';

/** Where test/utils/contract-environment.ts puts the worker's shared schemas (a function that loads them once). */
export const CONTRACT_SCHEMAS_GLOBAL = '__pendContractSchemas';

/** The committed contract (`npm run openapi:write` rewrites it); the answers are checked against it. */
export const COMMITTED_DOCUMENT = path.join(__dirname, '..', '..', 'docs', 'openapi.json');

/** The methods the document has operations for; HEAD and OPTIONS are Fastify's and CORS's, for every route. */
const OPERATION_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

/** One kind of answer: `GET /api/assets/{id}` answered 404 with code `asset_not_found`. */
export interface ObservedAnswer {
  method: string;
  /** The OpenAPI path of the matched route, or null when no route matched. */
  path: string | null;
  status: number;
  code: string | null;
  /** The first test that saw it (to find where an undeclared answer came from). */
  test?: string;
  /**
   * How the answer differs from what the document declares for (operation, status): its body from the schema
   * (`<JSON path> <Ajv message>`), a declared header it lacks.
   */
  bodyErrors?: string[];
}

const seen = new Set<string>();
let ownSchemas: OpenApiSchemas | undefined;
let suspended = 0;

/**
 * Runs `act` without recording the answers the app gives meanwhile: for a request a test makes fail on purpose (a
 * constraint it added to the database, a fault it injected), whose answer is not one the contract promises clients.
 */
export async function outsideContract<T>(act: () => PromiseLike<T>): Promise<T> {
  suspended += 1;
  try {
    return await act();
  } finally {
    suspended -= 1;
  }
}

export function committedDocumentSchemas(): OpenApiSchemas {
  return new OpenApiSchemas(JSON.parse(fs.readFileSync(COMMITTED_DOCUMENT, 'utf8')) as OpenApiDocument);
}

/** The worker's shared schemas under the contract environment (jest.config.js), else this test file's own. */
function schemas(): OpenApiSchemas {
  const shared = (globalThis as Record<string, unknown>)[CONTRACT_SCHEMAS_GLOBAL] as (() => OpenApiSchemas) | undefined;
  return shared ? shared() : (ownSchemas ??= committedDocumentSchemas());
}

/** Fastify's `/api/assets/:id` as the document writes it, `/api/assets/{id}`. */
export function openApiPath(route: string): string {
  return route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function textOf(payload: unknown): string | undefined {
  return typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
}

function errorCode(text: string | undefined): string | null {
  if (!text || !text.startsWith('{')) return null;
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

function currentTest(): string | undefined {
  const state = (globalThis as { expect?: { getState(): { testPath?: string; currentTestName?: string } } }).expect?.getState();
  return state?.testPath ? `${path.relative(process.cwd(), state.testPath)} › ${state.currentTestName ?? '(hook)'}` : undefined;
}

/**
 * Records (method, route, status, error code) of every answer the app sends during the test run, one JSON line per
 * kind of answer in this worker's file, and checks each answer's body against the schema docs/openapi.json declares
 * for its (operation, status), and that it carries the headers declared there (Retry-After on 429 and 503): an answer
 * that differs is recorded with how (the reporter fails the run on it). Nothing is
 * recorded when the run has no folder for it (a test run by hand).
 */
export function observeContract(fastify: FastifyInstance): void {
  const dir = process.env[CONTRACT_OBSERVED_DIR_ENV];
  if (!dir) return;
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const route = request.is404 ? undefined : request.routeOptions.url;
    record(dir, request.method, route ? openApiPath(route) : null, reply.statusCode, reply.getHeaders(), textOf(payload));
    done(null, payload);
  });
}

/**
 * Refusals the HTTP parser or Fastify's router make before any route is matched (src/common/http/http-adapter.ts):
 * the server-side hook sees them without a route, as answers of no operation, and so does the client-side record.
 */
const BEFORE_ROUTING_CODES = new Set(['malformed_request', 'request_header_fields_too_large', 'request_timeout', 'uri_too_long']);

/**
 * The same record, made by the client, of an answer from an app this test runs as a separate process (the fault
 * suite's `node dist/src/main.js`, cluster workers), which no hook of ours sits in: its operation is the document's
 * path that matches the URL's. `timedFetch` calls it for every answer it gets.
 */
export function observeClientAnswer(method: string, url: string, status: number, headers: Headers, text: string): void {
  const dir = process.env[CONTRACT_OBSERVED_DIR_ENV];
  if (!dir) return;
  const { pathname } = new URL(url);
  if (!pathname.startsWith('/api/')) return;
  const code = status >= 400 ? errorCode(text) : null;
  const route = code !== null && BEFORE_ROUTING_CODES.has(code) ? null : schemas().pathOf(method, pathname);
  record(dir, method, route, status, Object.fromEntries(headers), text, code);
}

/** One answer, recorded once per kind in this worker's file: (method, route, status, error code) and how it differs. */
function record(
  dir: string,
  method: string,
  route: string | null,
  status: number,
  headers: Record<string, unknown>,
  text: string | undefined,
  code: string | null = status >= 400 ? errorCode(text) : null,
): void {
  if (suspended > 0) return;
  const answer: ObservedAnswer = { method: method.toLowerCase(), path: route, status, code };
  // A stream (a file download) is not read here; every JSON answer is a string by now.
  const bodyErrors =
    answer.path && OPERATION_METHODS.has(answer.method) && text !== undefined
      ? schemas().answerErrors(answer.method, answer.path, answer.status, headers, text)
      : undefined;
  if (bodyErrors?.length) answer.bodyErrors = bodyErrors;
  const kind = JSON.stringify(answer);
  if (!seen.has(kind)) {
    seen.add(kind);
    fs.appendFileSync(path.join(dir, `worker-${process.pid}.jsonl`), `${JSON.stringify({ ...answer, test: currentTest() })}\n`);
  }
}
