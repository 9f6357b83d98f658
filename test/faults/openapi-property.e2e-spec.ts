import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin, createUser, randomPhone } from '../utils/auth';
import { timedFetch } from '../utils/fault-load';
import { agreement, insertAsset, setKycStatus } from '../utils/market-fixtures';
import { createTestApp, TestApp } from '../utils/test-app';

/**
 * OpenAPI-driven property test (#11): for every operation of docs/openapi.json, requests built from its
 * parameters and body schema, valid-ish and hostile, sent over real HTTP to the real app with real investor
 * and admin tokens (so guarded handlers are reached). Invariants: never a 5xx or no answer; a 4xx writes
 * nothing outside the documented bookkeeping (a checksum of every other table before and after).
 *
 * PROPERTY_RUNS (default 450) is the total number of cases, spread evenly over the operations;
 * PROPERTY_SEED replays a run.
 */
const TOTAL_RUNS = Number(process.env.PROPERTY_RUNS ?? 450);
const SEED = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);

/**
 * What a refused request may write (docs/security.md): usage logs, rate-limit and failed-login windows,
 * stored idempotent refusals; and what background jobs write whatever the requests do.
 */
const BOOKKEEPING = new Set([
  'api_usage_logs',
  'rate_limit_windows',
  'login_failure_windows',
  'idempotency_keys',
  'system_logs',
  'system_metrics',
  'migrations',
  'typeorm_metadata',
]);
const isBookkeeping = (table: string) => BOOKKEEPING.has(table) || table.startsWith('investment_rollup_');
/** Bookkeeping columns of business tables: a refused admin login counts the failure on the account. */
const BOOKKEEPING_COLUMNS: Record<string, string[]> = { admin_users: ['failed_login_count'] };

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  nullable?: boolean;
  description?: string;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}
interface Operation {
  method: string;
  route: string;
  parameters: Parameter[];
  body?: Schema;
  security: 'investor' | 'admin' | 'none';
}

const document = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8')) as {
  paths: Record<
    string,
    Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> }; security?: object[] }>
  >;
  components: { schemas: Record<string, Schema> };
};
const resolve = (schema: Schema): Schema =>
  schema.$ref ? resolve(document.components.schemas[schema.$ref.replace('#/components/schemas/', '')]) : schema;

const operations: Operation[] = Object.entries(document.paths).flatMap(([route, item]) =>
  Object.entries(item).map(([method, op]) => ({
    method: method.toUpperCase(),
    route,
    parameters: op.parameters ?? [],
    body: op.requestBody ? op.requestBody.content['application/json']?.schema : undefined,
    security: (op.security?.[0] ? Object.keys(op.security[0])[0] : 'none') as Operation['security'],
  })),
);

// ---- values ----------------------------------------------------------------------------------------------

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202e\u0041',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '-1',
  '0',
  '0.0000001',
  '99999999999999999999999999999999999.999999',
  '1,5',
  '0x10',
  '9007199254740993',
  '2024-02-30T25:61:00Z',
  '0001-01-01T00:00:00Z',
  '275760-09-13T00:00:00.001Z',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '0x0000000000000000000000000000000000000000',
  '0xZZ',
  'x'.repeat(5_000),
  'é'.repeat(20_001),
];

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
);

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53 + 1, 0.1, 1.5, -0) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom([], {}, [1, 'a'], { $gt: '' }, JSON.parse('{"__proto__":{"admin":true}}') as unknown) },
  { weight: 1, arbitrary: fc.constantFrom(nested(10), nested(70), nested(500)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const decimalString = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 999_999 })).map(([a, b]) => `${a}.${b}`),
  fc.constantFrom('10', '100.50', '0.000001', '1000000'),
);
const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString('hex')}`);
const isoDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** Ids of real records the cases may hit, filled in beforeAll. */
const known = {
  users: [] as string[],
  victims: [] as string[],
  kyc: [] as string[],
  assets: [] as string[],
  investments: [] as string[],
  admins: [] as string[],
  wallets: [] as string[],
  adminEmails: [] as string[],
};

function knownIds(route: string): string[] {
  if (route.startsWith('/api/admin/users/')) return known.victims;
  if (route.startsWith('/api/users/')) return known.users;
  if (route.startsWith('/api/admin/kyc/')) return known.kyc;
  if (route.includes('/assets/')) return known.assets;
  if (route.includes('/investments/')) return known.investments;
  if (route.startsWith('/api/admin/admins/')) return known.admins;
  return [];
}

/** A value the schema would accept, or nearly (the generator does not try to be exact: the app must judge). */
function validish(raw: Schema, name = ''): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (/assetId$/i.test(name)) return fc.constantFrom(...known.assets);
  if (/^(address|contractAddress|wallet|from|contract)$/.test(name)) return fc.oneof(fc.constantFrom(...known.wallets), hex(20));
  if (/signature/i.test(name)) return hex(65);
  if (/hash$/i.test(name)) return hex(32);
  if (/email/i.test(name)) return fc.oneof(fc.constantFrom(...known.adminEmails), fc.emailAddress());
  if (/phone/i.test(name)) return fc.constant(randomPhone());
  if (name === 'agreement') return fc.constant(agreement());
  if (schema.format === 'uuid' || /Id$/.test(name)) return fc.oneof(fc.uuid(), fc.constantFrom(...known.users, ...known.assets));
  if (schema.format === 'date-time' || /At$|^from$|^to$|timestamp/.test(name)) return isoDate;
  if (schema.format === 'date') return isoDate.map((d) => d.slice(0, 10));
  if (schema.format === 'password') return fc.string({ minLength: 0, maxLength: 80 });
  switch (schema.type) {
    case 'number':
    case 'integer':
      return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1_000_000, 1_000_000_000) });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validish(schema.items ?? {}), { minLength: 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'string':
      if (typeof schema.example === 'string' && /^-?\d+(\.\d+)?$/.test(schema.example)) return decimalString;
      if (/decimal/i.test(schema.description ?? '')) return decimalString;
      return fc.oneof(
        ...(typeof schema.example === 'string' ? [fc.constant(schema.example)] : []),
        fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) }),
      );
    default:
      if (schema.properties) return objectOf(schema);
      // Nullable scalars that the document types as "object": decimal strings, names, dates.
      return fc.oneof(
        fc.constant(null),
        ...(schema.example !== undefined ? [fc.constant(schema.example)] : []),
        typeof schema.example === 'string' && /^\d/.test(schema.example) ? decimalString : fc.string({ maxLength: 30 }),
      );
  }
}

/** An object with each property valid-ish, hostile or left out, and sometimes one it does not know. */
function objectOf(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([name, property]) =>
    fc
      .oneof(
        { weight: 7, arbitrary: validish(property, name).map((value) => ({ present: true, value })) },
        { weight: 2, arbitrary: hostileValue.map((value) => ({ present: true, value })) },
        { weight: required.has(name) ? 1 : 3, arbitrary: fc.constant({ present: false, value: undefined as unknown }) },
      )
      .map((field) => [name, field] as const),
  );
  return fc
    .tuple(fc.tuple(...fields), fc.option(fc.tuple(fc.constantFrom('extra', 'isAdmin', '__proto__', 'id', 'status'), hostileValue)))
    .map(([entries, extra]) => {
      const body: Record<string, unknown> = {};
      for (const [name, field] of entries) if (field.present) body[name] = field.value;
      if (extra) Object.defineProperty(body, extra[0], { value: extra[1], enumerable: true });
      return body;
    });
}

/** UTF-8 percent-encoding of every byte but the unreserved ones (a lone surrogate becomes U+FFFD, as a browser sends it). */
function encodePathSegment(value: string | { raw: string }): string {
  if (typeof value !== 'string') return value.raw;
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

interface Case {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

type Auth = 'right' | 'none' | 'other' | 'garbage';

function caseOf(op: Operation, tokens: { investor: string; admin: string }): fc.Arbitrary<Case> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const ids = knownIds(op.route);
  const pathValue = fc.oneof(
    { weight: ids.length ? 5 : 0, arbitrary: ids.length ? fc.constantFrom(...ids) : fc.constant('') },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: hostileString.filter((s) => s.length > 0) },
    // Sent as they are: broken percent-encoding and an overlong UTF-8 slash.
    { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '%C0%AF', '%E0%A4%A', '..%2F..%2F').map((raw) => ({ raw })) },
  );
  const queryValue = (p: Parameter) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant<unknown[]>([]) },
      { weight: 4, arbitrary: validish(p.schema, p.name).map((v) => [v]) },
      { weight: 2, arbitrary: hostileString.map((v) => [v]) },
      { weight: 1, arbitrary: fc.tuple(validish(p.schema, p.name), hostileString).map((v) => [...v]) }, // repeated key
    );
  // POST /api/admin/backups with a valid token would start a real pg_dump each time: only refusals are tried there.
  const startsBackup = op.method === 'POST' && op.route === '/api/admin/backups';
  const auth: fc.Arbitrary<Auth> = fc.oneof(
    { weight: startsBackup ? 0 : 16, arbitrary: fc.constant<Auth>('right') },
    { weight: 2, arbitrary: fc.constant<Auth>('none') },
    { weight: 1, arbitrary: fc.constant<Auth>('other') },
    { weight: 1, arbitrary: fc.constant<Auth>('garbage') },
  );
  const body: fc.Arbitrary<{ text?: string; contentType?: string }> = op.body
    ? fc.oneof(
        { weight: 12, arbitrary: objectOf(resolve(op.body)).map((b) => ({ text: JSON.stringify(b) })) },
        { weight: 2, arbitrary: hostileValue.map((b) => ({ text: JSON.stringify(b) ?? 'null' })) },
        { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', 'nul', '\u0000', '{"a":1}{"b":2}').map((text) => ({ text })) },
        { weight: 1, arbitrary: fc.constant({ text: 'a=1', contentType: 'application/x-www-form-urlencoded' }) },
        { weight: 1, arbitrary: fc.constant({}) },
      )
    : op.method === 'GET' // fetch sends no body with a GET
      ? fc.constant({})
      : fc.oneof({ weight: 8, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.constant({ text: '{"unexpected":true}' }) });
  const header = fc.stringMatching(/^[\x21-\x7e]{1,300}$/);

  return fc
    .record({
      path: fc.tuple(...pathParams.map(() => pathValue)),
      query: fc.tuple(...queryParams.map(queryValue)),
      auth,
      body,
      idempotencyKey: fc.option(fc.oneof(fc.uuid(), header), { freq: 4 }),
      xForwardedFor: fc.option(fc.constantFrom('10.0.0.1', '1.2.3.4, 5.6.7.8', 'not-an-ip'), { freq: 4 }),
    })
    .map((c) => {
      let route = op.route;
      pathParams.forEach((p, i) => (route = route.replace(`{${p.name}}`, encodePathSegment(c.path[i]))));
      const search = new URLSearchParams();
      queryParams.forEach((p, i) => {
        for (const value of c.query[i]) search.append(p.name, typeof value === 'string' ? value : JSON.stringify(value));
      });
      const headers: Record<string, string> = {};
      const token = op.security === 'admin' ? tokens.admin : tokens.investor;
      if (c.auth === 'right') headers.Authorization = `Bearer ${token}`;
      if (c.auth === 'other') headers.Authorization = `Bearer ${op.security === 'admin' ? tokens.investor : tokens.admin}`;
      if (c.auth === 'garbage') headers.Authorization = `Bearer ${token.slice(0, -4)}AAAA`;
      if (c.body.text !== undefined) headers['Content-Type'] = c.body.contentType ?? 'application/json';
      if (c.idempotencyKey !== null) headers['Idempotency-Key'] = c.idempotencyKey;
      if (c.xForwardedFor !== null) headers['X-Forwarded-For'] = c.xForwardedFor;
      const query = search.toString();
      return { method: op.method, url: `${route}${query ? `?${query}` : ''}`, headers, body: c.body.text };
    });
}

// ---- the test --------------------------------------------------------------------------------------------

describe('OpenAPI property test: every operation, valid-ish and hostile requests: never a 5xx, a 4xx writes nothing', () => {
  let testApp: TestApp;
  let baseUrl: string;
  let tokens: { investor: string; admin: string };
  let checksumSql: string;
  let lastChecksum: Record<string, string>;
  const statuses = new Map<string, number>();
  let cases = 0;

  async function checksum(): Promise<Record<string, string>> {
    const [row]: { sums: Record<string, string> }[] = await testApp.dataSource.query(checksumSql);
    return row.sums;
  }

  beforeAll(async () => {
    testApp = await createTestApp({ env: { LOG_LEVEL: 'silent', BACKUP_ENABLED: 'false' } });
    await testApp.app.listen(0, '127.0.0.1');
    baseUrl = (await testApp.app.getUrl()).replace('[::1]', '127.0.0.1');

    const investor = await createUser(testApp);
    await setKycStatus(testApp, investor.id, 'approved');
    const victim = await createUser(testApp);
    await setKycStatus(testApp, victim.id, 'pending');
    const admin = await createAdmin(testApp, AdminRole.Superadmin);
    const otherAdmin = await createAdmin(testApp, AdminRole.Compliance);
    const open = await insertAsset(testApp, { targetAmount: '1000000', minInvestment: '10' });
    const draft = await insertAsset(testApp, { status: 'draft' });
    tokens = { investor: investor.token, admin: admin.token };
    const placed = await timedFetch('setup', `${baseUrl}/api/investments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${investor.token}` },
      body: JSON.stringify({ assetId: open, amount: '10', agreement: agreement() }),
      idempotencyKey: randomUUID(),
    });
    expect(placed.status).toBe(201);
    const [kyc]: { id: string }[] = await testApp.dataSource.query(
      'SELECT id FROM kyc_applications WHERE user_id = $1 ORDER BY submitted_at DESC LIMIT 1',
      [victim.id],
    );
    Object.assign(known, {
      users: [investor.id, victim.id],
      victims: [victim.id],
      kyc: [kyc.id],
      assets: [open, draft],
      investments: [String(placed.body?.id)],
      admins: [otherAdmin.id],
      wallets: [investor.account.address, victim.account.address, `0x${randomBytes(20).toString('hex')}`],
      adminEmails: [admin.email, otherAdmin.email],
    });

    const tables: { name: string }[] = await testApp.dataSource.query(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    );
    const checked = tables.map((t) => t.name).filter((name) => !isBookkeeping(name));
    expect(checked).toEqual(expect.arrayContaining(['users', 'investments', 'assets', 'kyc_applications', 'admin_users', 'admin_logs']));
    checksumSql = `SELECT jsonb_build_object(${checked
      .map((name) => {
        const row = (BOOKKEEPING_COLUMNS[name] ?? []).reduce((expr, column) => `(${expr} - '${column}')`, 'to_jsonb(t)');
        return `'${name}', (SELECT md5(coalesce(string_agg(${row}::text, '|' ORDER BY ${row}::text), '')) FROM "${name}" t)`;
      })
      .join(', ')}) AS sums`;
    lastChecksum = await checksum();
  }, 120_000);

  afterAll(async () => {
    const byStatus = [...statuses.entries()].sort().map(([status, n]) => `${status}×${n}`);
    console.log(`OpenAPI property test: ${cases} cases over ${operations.length} operations; statuses ${byStatus.join(' ')}`);
    await testApp?.close();
  });

  const runsPerOperation = Math.max(1, Math.ceil(TOTAL_RUNS / operations.length));

  it.each(operations.map((op) => [`${op.method} ${op.route}`, op] as const))(
    '%s',
    async (_name, op) => {
      await fc.assert(
        fc.asyncProperty(caseOf(op, tokens), async (request) => {
          cases++;
          const outcome = await timedFetch(
            'property',
            `${baseUrl}${request.url}`,
            {
              method: request.method,
              headers: request.headers,
              body: request.body,
            },
            15_000,
          );
          statuses.set(String(outcome.status), (statuses.get(String(outcome.status)) ?? 0) + 1);
          const after = await checksum();
          const before = lastChecksum;
          lastChecksum = after;
          const shown = { ...request, body: request.body?.slice(0, 300) };
          if (outcome.status === 0 || outcome.status >= 500) {
            throw new Error(
              `${outcome.status || 'no answer'} for ${JSON.stringify(shown)}: ${JSON.stringify(outcome.body ?? outcome.error)}`,
            );
          }
          if (outcome.status >= 400) {
            const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
            if (changed.length) {
              throw new Error(
                `${outcome.status} ${String(outcome.body?.code)} wrote to ${changed.join(', ')} for ${JSON.stringify(shown)}`,
              );
            }
          }
        }),
        { numRuns: runsPerOperation, seed: SEED, endOnFailure: true },
      );
    },
    120_000,
  );
});
