import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';

/** The folder (made by globalSetup) where each Jest worker writes the answers it saw; the contract reporter reads it. */
export const CONTRACT_OBSERVED_DIR_ENV = 'PEND_CONTRACT_OBSERVED_DIR';

/** One kind of answer: `GET /api/assets/{id}` answered 404 with code `asset_not_found`. */
export interface ObservedAnswer {
  method: string;
  /** The OpenAPI path of the matched route, or null when no route matched. */
  path: string | null;
  status: number;
  code: string | null;
  /** The first test that saw it (to find where an undeclared answer came from). */
  test?: string;
}

const seen = new Set<string>();

/** Fastify's `/api/assets/:id` as the document writes it, `/api/assets/{id}`. */
export function openApiPath(route: string): string {
  return route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function errorCode(payload: unknown): string | null {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
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
 * kind of answer in this worker's file. Nothing is written when the run has no folder for it (a test run by hand).
 */
export function observeContract(fastify: FastifyInstance): void {
  const dir = process.env[CONTRACT_OBSERVED_DIR_ENV];
  if (!dir) return;
  const file = path.join(dir, `worker-${process.pid}.jsonl`);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const route = request.is404 ? undefined : request.routeOptions.url;
    const answer: ObservedAnswer = {
      method: request.method.toLowerCase(),
      path: route ? openApiPath(route) : null,
      status: reply.statusCode,
      code: reply.statusCode >= 400 ? errorCode(payload) : null,
    };
    const kind = JSON.stringify(answer);
    if (!seen.has(kind)) {
      seen.add(kind);
      fs.appendFileSync(file, `${JSON.stringify({ ...answer, test: currentTest() })}\n`);
    }
    done(null, payload);
  });
}
