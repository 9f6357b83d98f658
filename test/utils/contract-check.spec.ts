import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Fastify from 'fastify';
import { CONTRACT_OBSERVED_DIR_ENV, observeContract } from './contract-observer';
import { timedFetch } from './fault-load';
import { OpenApiDocument, OpenApiSchemas } from './openapi-schema';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the reporter is CommonJS, as Jest loads it
const ContractReporter = require('./contract-reporter') as new (
  globalConfig: object,
  options: { observedDir?: string },
) => { onRunComplete(contexts: Set<unknown>, results: { testResults: unknown[] }): void; getLastError(): Error | undefined };

/** A small document in the shape @nestjs/swagger writes: a named DTO, a nullable field, an enum, the error body. */
const DOCUMENT: OpenApiDocument = {
  paths: {
    '/api/holdings': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/HoldingDto' } } } } },
          '404': {
            content: {
              'application/json': {
                schema: {
                  allOf: [
                    { $ref: '#/components/schemas/ErrorBody' },
                    { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: ['asset_not_found'] } } },
                  ],
                },
              },
            },
          },
          '503': {
            headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      HoldingDto: {
        type: 'object',
        required: ['assetId', 'amount', 'status', 'soldAt'],
        properties: {
          assetId: { type: 'string', format: 'uuid' },
          amount: { type: 'string', description: 'Exact decimal string' },
          status: { type: 'string', enum: ['active', 'closed'] },
          soldAt: { type: 'string', format: 'date-time', nullable: true },
        },
      },
      ErrorBody: {
        type: 'object',
        required: ['statusCode', 'error', 'message', 'code'],
        properties: {
          statusCode: { type: 'integer' },
          error: { type: 'string' },
          message: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
          code: { type: 'string' },
          details: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
};

const JSON_TYPE = 'application/json; charset=utf-8';
const holding = { assetId: '3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70', amount: '100.000000', status: 'active', soldAt: null };

describe('Answer bodies are checked against the schema the document declares for (operation, status)', () => {
  const schemas = new OpenApiSchemas(DOCUMENT);
  const check = (body: unknown, status = 200, headers: Record<string, string> = { 'content-type': JSON_TYPE }) =>
    schemas.answerErrors('GET', '/api/holdings', status, headers, JSON.stringify(body));

  it('passes a body as declared (a nullable field null, an error body with its code)', () => {
    expect(check([holding, { ...holding, status: 'closed', soldAt: '2026-03-01T00:00:00.000Z' }])).toEqual([]);
    expect(check({ statusCode: 404, error: 'Not Found', message: 'No such asset', code: 'asset_not_found' }, 404)).toEqual([]);
  });

  it('catches a wrong type, naming the JSON path', () => {
    expect(check([holding, { ...holding, amount: 100 }])).toEqual(['/1/amount must be string {"type":"string"}']);
  });

  it('catches a missing required property', () => {
    const { status: _status, ...withoutStatus } = holding;
    expect(check([withoutStatus])).toEqual([`/0 must have required property 'status' {"missingProperty":"status"}`]);
  });

  it('catches an enum value the document does not declare (in a DTO, and an error code the operation does not list)', () => {
    expect(check([{ ...holding, status: 'frozen' }])).toEqual([
      '/0/status must be equal to one of the allowed values {"allowedValues":["active","closed"]}',
    ]);
    expect(check({ statusCode: 404, error: 'Not Found', message: 'No such user', code: 'user_not_found' }, 404)).toEqual([
      '/code must be equal to one of the allowed values {"allowedValues":["asset_not_found"]}',
    ]);
  });

  it('catches a property the named DTO does not declare, null where it is not nullable, and a body that is not JSON', () => {
    expect(check([{ ...holding, secret: 'x' }])).toEqual(['/0 must NOT have additional properties {"additionalProperty":"secret"}']);
    expect(check([{ ...holding, amount: null }])).toEqual(['/0/amount must be string {"type":"string"}']);
    expect(schemas.answerErrors('GET', '/api/holdings', 200, { 'content-type': 'text/plain' }, 'ok')).toEqual([
      '/ answered text/plain where the document declares application/json',
    ]);
  });

  it('catches a header the document declares for the answer (Retry-After on a 503) that it lacks', () => {
    const outage = { statusCode: 503, error: 'Service Unavailable', message: 'Try again', code: 'database_unavailable' };
    expect(check(outage, 503, { 'content-type': JSON_TYPE, 'retry-after': '5' })).toEqual([]);
    expect(check(outage, 503)).toEqual(['header Retry-After is declared but missing']);
  });

  it('leaves an undeclared (operation, status) to the (operation, status, code) check', () => {
    expect(check({ statusCode: 500 }, 500)).toBeUndefined();
    expect(schemas.answerErrors('GET', '/api/elsewhere', 200, { 'content-type': JSON_TYPE }, '{}')).toBeUndefined();
  });
});

describe("A client's request is matched to the document's operation (answers of apps run as separate processes)", () => {
  const operation = { responses: {} };
  const schemas = new OpenApiSchemas({
    paths: {
      '/api/users/{id}': { get: operation },
      '/api/users/me': { get: operation, patch: operation },
      '/api/assets/{id}': { get: operation },
    },
    components: { schemas: {} },
  });

  it.each([
    ['GET', '/api/users/me', '/api/users/me'], // a literal segment wins over a parameter, as in the router
    ['GET', '/api/users/3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70', '/api/users/{id}'],
    ['PATCH', '/api/users/me', '/api/users/me'],
    ['PATCH', '/api/users/3f1c2a4e', null], // no PATCH on /api/users/{id}
    ['GET', '/api/users/me/extra', null],
    ['GET', '/api/elsewhere', null],
  ])('%s %s → %s', (method, requestPath, expected) => {
    expect(schemas.pathOf(method, requestPath)).toBe(expected);
  });
});

describe('A wrong body fails the run through the contract reporter, naming the test, the JSON path and the mismatch', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-contract-check-'));
  const observedDir = path.join(dir, 'observed');
  const runDir = process.env[CONTRACT_OBSERVED_DIR_ENV];

  beforeAll(() => {
    fs.mkdirSync(observedDir);
  });

  afterAll(() => {
    if (runDir === undefined) delete process.env[CONTRACT_OBSERVED_DIR_ENV];
    else process.env[CONTRACT_OBSERVED_DIR_ENV] = runDir;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records what the observer saw and the reporter fails on it', async () => {
    // The observer checks against the committed document: a real operation of it, answering a body that is wrong.
    process.env[CONTRACT_OBSERVED_DIR_ENV] = observedDir;
    const app = Fastify();
    observeContract(app);
    process.env[CONTRACT_OBSERVED_DIR_ENV] = runDir;
    app.get('/api/assets/:id', async () => ({ id: 42 }));
    const answer = await app.inject({ method: 'GET', url: '/api/assets/3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70' });
    await app.close();
    expect(answer.statusCode).toBe(200);

    const [record] = fs
      .readFileSync(path.join(observedDir, `worker-${process.pid}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { path: string; bodyErrors: string[]; test: string });
    expect(record.path).toBe('/api/assets/{id}');
    expect(record.bodyErrors).toEqual(
      expect.arrayContaining(['/id must be string {"type":"string"}', `/ must have required property 'name' {"missingProperty":"name"}`]),
    );

    // The reporter reads the committed document too (the observed answer is declared there); a name filter makes it
    // a partial run, which checks only what was seen.
    const reporter = new ContractReporter({ testNamePattern: 'x' }, { observedDir });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      reporter.onRunComplete(new Set(), { testResults: [] });
    } finally {
      stderr.mockRestore();
    }
    const message = reporter.getLastError()?.message ?? '';
    expect(message).toContain('GET /api/assets/{id} 200');
    expect(message).toContain(
      [
        '  GET /api/assets/{id} 200',
        `    seen by ${path.join('test', 'utils', 'contract-check.spec.ts')} › ${expect.getState().currentTestName}:`,
        `      / must have required property 'name' {"missingProperty":"name"}`,
      ].join('\n'),
    );
    expect(message).toContain('\n      /id must be string {"type":"string"}');
  });

  it('records an answer seen only by the client (timedFetch to an app with no hook of ours), checked the same way', async () => {
    const app = Fastify();
    // Another wrong body than the test above's: the observer records each kind of answer once.
    app.get('/api/assets/:id', async () => ({ id: 'a', name: 7 }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const file = path.join(observedDir, `worker-${process.pid}.jsonl`);
    fs.rmSync(file, { force: true });
    process.env[CONTRACT_OBSERVED_DIR_ENV] = observedDir;
    try {
      const outcome = await timedFetch('read', `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/assets/7`);
      expect(outcome.status).toBe(200);
    } finally {
      process.env[CONTRACT_OBSERVED_DIR_ENV] = runDir;
      await app.close();
    }
    const [record] = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { method: string; path: string; status: number; bodyErrors: string[] });
    expect(record).toMatchObject({ method: 'get', path: '/api/assets/{id}', status: 200 });
    expect(record.bodyErrors).toEqual(expect.arrayContaining(['/name must be string {"type":"string"}']));
  });
});
