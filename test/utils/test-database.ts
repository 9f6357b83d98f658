import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TEMPLATE_DATABASE, withDatabase } from './global-setup';

function serverUrl(): string {
  const url = process.env.PEND_TEST_SERVER_URL;
  if (!url) throw new Error('PEND_TEST_SERVER_URL is not set: run the tests through `npm test` (jest globalSetup starts PostgreSQL)');
  return url;
}

async function onServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database for one test file: migrated and seeded (cloned from the template), or empty. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<string> {
  const name = `pend_test_${randomBytes(5).toString('hex')}`;
  await onServer((client) =>
    client.query(options.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`),
  );
  return withDatabase(serverUrl(), name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
}

/** Runs one statement on the database at `url` over a connection of its own. */
export async function queryDatabase<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
