import * as fs from 'node:fs';
import * as path from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ApiOkResponse, ApiProperty, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import { ERROR_CODES, ErrorCode } from '../../src/common/errors/error-codes';
import { exampleOf } from '../../src/common/openapi/complete-document';
import { OpenApiSchemas } from '../utils/openapi-schema';
import { schemaNameClashes } from '../utils/openapi-schema-names';
import { createTestApp, TestApp } from '../utils/test-app';

/** The committed contract; `npm run openapi:write` rewrites it from the running app. */
export const COMMITTED_DOCUMENT = path.join(__dirname, '..', '..', 'docs', 'openapi.json');

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; description?: string }[];
  requestBody?: { content: Record<string, { schema?: unknown; example?: unknown }> };
  responses: Record<string, Response>;
  'x-permissions'?: string[];
}

interface Response {
  description: string;
  content?: Record<string, { schema?: { allOf?: unknown[]; $ref?: string }; example?: unknown }>;
  headers?: Record<string, unknown>;
  'x-codes'?: ErrorCode[];
}

interface Document {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  tags?: { name: string; description?: string }[];
  components: {
    schemas: Record<string, { properties?: Record<string, { enum?: string[] }> } & Record<string, unknown>>;
    securitySchemes: Record<string, unknown>;
  };
}

function operationsOf(document: Document): { method: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([route, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ method, path: route, operation: item[method] }] : [])),
  );
}

describe('The OpenAPI document is the whole contract', () => {
  let testApp: TestApp;
  let served: Document;

  beforeAll(async () => {
    testApp = await createTestApp();
    served = (await request(testApp.http).get('/api/docs-json').expect(200)).body as Document;
    if (process.env.OPENAPI_WRITE === '1') fs.writeFileSync(COMMITTED_DOCUMENT, `${JSON.stringify(served, null, 2)}\n`);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('equals the committed docs/openapi.json (run `npm run openapi:write` after a contract change)', () => {
    const committed = JSON.parse(fs.readFileSync(COMMITTED_DOCUMENT, 'utf8')) as Document;
    expect(served).toEqual(committed);
  });

  it('gives every operation a summary, one tag, and its security', () => {
    const problems: string[] = [];
    for (const { method, path: route, operation } of operationsOf(served)) {
      const name = `${method.toUpperCase()} ${route}`;
      if (!operation.summary) problems.push(`${name}: no summary`);
      if (operation.tags?.length !== 1) problems.push(`${name}: ${operation.tags?.length ?? 0} tags`);
      const tag = served.tags?.find((t) => t.name === operation.tags?.[0]);
      if (!tag?.description) problems.push(`${name}: tag ${operation.tags?.[0]} is not one of the document's described module tags`);
      if (!Array.isArray(operation.security)) problems.push(`${name}: no security requirement`);
      for (const requirement of operation.security ?? []) {
        for (const scheme of Object.keys(requirement)) {
          if (!served.components.securitySchemes[scheme]) problems.push(`${name}: unknown security scheme ${scheme}`);
        }
      }
      const admin = operation.security?.length === 1 && 'admin' in operation.security[0];
      if (admin && !operation['x-permissions']?.length) problems.push(`${name}: admin route without its permission`);
    }
    expect(problems).toEqual([]);
  });

  it('declares every error status an operation can answer, with the error body and the codes it carries there', () => {
    const problems: string[] = [];
    for (const { method, path: route, operation } of operationsOf(served)) {
      const name = `${method.toUpperCase()} ${route}`;
      const statuses = Object.keys(operation.responses).map(Number);
      if (!statuses.some((status) => status >= 200 && status < 300)) problems.push(`${name}: no 2xx response`);
      for (const status of statuses.filter((s) => s >= 200 && s < 300)) {
        const content = operation.responses[status].content?.['application/json'];
        if (status !== 204 && !content?.schema) problems.push(`${name}: ${status} without a schema`);
      }
      for (const status of statuses.filter((s) => s >= 400)) {
        const response = operation.responses[status];
        const codes = response['x-codes'] ?? [];
        if (!codes.length) problems.push(`${name}: ${status} without codes`);
        for (const code of codes) {
          if (ERROR_CODES[code]?.status !== status) problems.push(`${name}: ${code} is not a ${status} code`);
          if (!response.description.includes(`\`${code}\``)) problems.push(`${name}: ${status} does not explain ${code}`);
        }
        if (!response.content?.['application/json']?.schema) problems.push(`${name}: ${status} without a body schema`);
        if ((status === 429 || status === 503) && !response.headers?.['Retry-After'])
          problems.push(`${name}: ${status} without Retry-After`);
      }
      const secured = (operation.security ?? []).length > 0;
      if (secured && !statuses.includes(401)) problems.push(`${name}: a token route without 401`);
      if (
        (operation.parameters?.some((parameter) => parameter.in !== 'header') || operation.requestBody) &&
        !operation.responses[400]?.['x-codes']?.includes('validation_failed')
      ) {
        // Path and query values are validated; a header parameter alone is read leniently (Cache-Control).
        problems.push(`${name}: takes input but declares no 400 validation_failed`);
      }
      if (operation.requestBody && !statuses.includes(413)) problems.push(`${name}: takes a body but declares no 413`);
      if (route !== '/api/health/live' && route !== '/api/health' && !statuses.includes(503)) problems.push(`${name}: no 503`);
    }
    expect(problems).toEqual([]);
  });

  it('shows an example of every request body (contract-answers.e2e-spec.ts sends each and expects it to pass validation)', () => {
    const missing = operationsOf(served)
      .filter(({ operation }) => operation.requestBody && operation.requestBody.content['application/json']?.example === undefined)
      .map(({ method, path: route }) => `${method.toUpperCase()} ${route}`);
    expect(missing).toEqual([]);
  });

  it('shows an example of every success answer (built from the DTOs’ property examples; the missing ones are named)', () => {
    const missing = operationsOf(served).flatMap(({ method, path: route, operation }) =>
      Object.entries(operation.responses)
        .filter(
          ([status, response]) => /^2/.test(status) && response.content && response.content['application/json']?.example === undefined,
        )
        .map(([status, response]) => {
          const properties: string[] = [];
          const schema = response.content?.['application/json']?.schema;
          if (schema) exampleOf(schema as never, served.components.schemas as never, properties);
          return `${method.toUpperCase()} ${route} ${status}: no example${properties.length ? ` (no example for ${properties.join(', ')})` : ''}`;
        }),
    );
    expect(missing).toEqual([]);
  });

  it('shows examples that conform to their own schemas (request bodies and every answer)', () => {
    const schemas = new OpenApiSchemas(served as never);
    const problems: string[] = [];
    for (const { method, path: route, operation } of operationsOf(served)) {
      const name = `${method.toUpperCase()} ${route}`;
      const body = operation.requestBody?.content['application/json'];
      if (body?.example !== undefined) {
        problems.push(...schemas.errors(body.schema as never, body.example).map((e) => `${name} request example: ${e}`));
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        const media = response.content?.['application/json'];
        if (media?.example === undefined) continue;
        problems.push(...schemas.errors(media.schema as never, media.example).map((e) => `${name} ${status} example: ${e}`));
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every DTO class a schema name of its own (two classes with one name would silently be one schema)', () => {
    const { clashes } = schemaNameClashes(() => SwaggerModule.createDocument(testApp.app, new DocumentBuilder().build()));
    expect(clashes).toEqual([]);
  });

  it('names two DTO classes that share a name (a small app: Nest documents both operations with the last one)', async () => {
    // Two modules' own `ItemDto`, as two feature folders could each have one.
    const assetItem = (() => {
      class ItemDto {
        @ApiProperty() assetId: string;
      }
      return ItemDto;
    })();
    const userItem = (() => {
      class ItemDto {
        @ApiProperty() userId: string;
      }
      return ItemDto;
    })();
    @Controller('assets')
    class AssetsController {
      @Get() @ApiOkResponse({ type: assetItem }) list() {
        return [];
      }
    }
    @Controller('users')
    class UsersController {
      @Get() @ApiOkResponse({ type: userItem }) list() {
        return [];
      }
    }
    @Module({ controllers: [AssetsController, UsersController] })
    class SmallModule {}

    const app = await NestFactory.create(SmallModule, new FastifyAdapter(), { logger: false });
    try {
      const { result: document, clashes } = schemaNameClashes(() => SwaggerModule.createDocument(app, new DocumentBuilder().build()));
      // What Nest does on its own: one schema, and the assets operation documented with the users' fields.
      expect(Object.keys(document.components?.schemas ?? {})).toEqual(['ItemDto']);
      expect(document.components?.schemas?.ItemDto).toMatchObject({ properties: { userId: { type: 'string' } } });
      expect(document.paths['/assets'].get?.responses['200']).toMatchObject({
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ItemDto' } } },
      });
      // What the check says.
      expect(clashes).toEqual(['ItemDto: 2 classes (assetId | userId)']);
    } finally {
      await app.close();
    }
  });

  it('documents the error body once, with every catalogued code', () => {
    const errorBody = served.components.schemas.ErrorBody;
    expect(errorBody.properties?.code.enum?.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('describes path ids, cursors, legacy ids and Idempotency-Key where they apply', () => {
    const mustDescribe = (p: { name: string; in: string }) => p.in === 'path' || /cursor|legacy|idempotency/i.test(p.name);
    const undescribed = operationsOf(served).flatMap(({ method, path: route, operation }) =>
      (operation.parameters ?? [])
        .filter((p) => mustDescribe(p) && !p.description)
        .map((p) => `${method.toUpperCase()} ${route} ${p.in}:${p.name}`),
    );
    expect(undescribed).toEqual([]);
  });
});
