import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { observeClientAnswer } from './contract-observer';
import { agreement } from './market-fixtures';

/** One answered (or failed) HTTP request of a fault test. */
export interface Outcome {
  kind: string;
  status: number; // 0: no answer (connection refused, reset, or our own abort)
  startedAt: number;
  ms: number;
  idempotencyKey?: string;
  /** What was sent (a retry with the same Idempotency-Key must send the same). */
  requestBody?: string;
  body?: Record<string, unknown>;
  retryAfter?: string | null;
  error?: string;
}

/** A request with a hard client-side abort, so that a hang shows up as a failed assertion, not a stuck test. */
export async function timedFetch(
  kind: string,
  url: string,
  init: RequestInit & { idempotencyKey?: string } = {},
  abortAfterMs = 30_000,
): Promise<Outcome> {
  const startedAt = Date.now();
  const headers = new Headers(init.headers);
  if (init.idempotencyKey) headers.set('Idempotency-Key', init.idempotencyKey);
  if (init.body) headers.set('Content-Type', 'application/json');
  try {
    const res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(abortAfterMs) });
    const text = await res.text();
    observeClientAnswer(init.method ?? 'GET', url, res.status, res.headers, text);
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { text };
    }
    return {
      kind,
      status: res.status,
      startedAt,
      ms: Date.now() - startedAt,
      idempotencyKey: init.idempotencyKey,
      requestBody: typeof init.body === 'string' ? init.body : undefined,
      body,
      retryAfter: res.headers.get('retry-after'),
    };
  } catch (error) {
    const requestBody = typeof init.body === 'string' ? init.body : undefined;
    return {
      kind,
      status: 0,
      startedAt,
      ms: Date.now() - startedAt,
      idempotencyKey: init.idempotencyKey,
      requestBody,
      error: String(error),
    };
  }
}

export function investBody(assetId: string, amount = '10') {
  return JSON.stringify({ assetId, amount, agreement: agreement() });
}

export function invest(
  baseUrl: string,
  token: string,
  assetId: string,
  amount = '10',
  key: string = randomUUID(),
  body: string = investBody(assetId, amount),
): Promise<Outcome> {
  return timedFetch('invest', `${baseUrl}/api/investments`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body,
    idempotencyKey: key,
  });
}

/**
 * After a fault: retries every investment that got a 503 or no answer, with the same Idempotency-Key
 * and the same body, until it gets a final answer (a request committed without its answer must come
 * back as that investment). Returns the final outcomes, one per key.
 */
export async function settleInvestments(baseUrl: string, token: string, outcomes: Outcome[], assetId: string): Promise<Outcome[]> {
  const settled: Outcome[] = [];
  for (const outcome of outcomes.filter((o) => o.kind === 'invest')) {
    let current = outcome;
    for (let attempt = 0; (current.status === 503 || current.status === 0) && attempt < 20; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250));
      current = await invest(baseUrl, token, assetId, undefined, outcome.idempotencyKey, outcome.requestBody);
    }
    settled.push(current);
  }
  return settled;
}

/** Statuses a fault may produce: success, the client's own refusals, or a 503 with Retry-After. Never a 500 or no answer. */
export function unexpectedOutcomes(outcomes: Outcome[]): Outcome[] {
  return outcomes.filter(
    (o) => !((o.status >= 200 && o.status < 500) || (o.status === 503 && o.retryAfter && typeof o.body?.code === 'string')),
  );
}

/**
 * The books after a fault: every investment answered 201 exists with its
 * transaction and agreement, each key stands for at most one investment (a retry of a request
 * committed without its answer returns that investment), and no asset is above its target.
 */
export async function checkInvestmentBooks(
  databaseUrl: string,
  acknowledged: { id: string; key?: string }[],
  /** Count only this investor's investments (a test's own), or all. */
  userId?: string,
): Promise<{ investments: number; missing: string[]; duplicatedKeys: number; assetsAboveTarget: number }> {
  const client = new Client({ connectionString: databaseUrl });
  client.on('error', () => undefined); // a server killed under it: the query rejects
  await client.connect();
  try {
    const ids = acknowledged.map((a) => a.id);
    const { rows: found } = await client.query<{ id: string }>(
      `SELECT i.id FROM investments i
         JOIN transactions t ON t.investment_id = i.id
         JOIN investment_agreements a ON a.investment_id = i.id
        WHERE i.id = ANY($1::uuid[])`,
      [ids],
    );
    const present = new Set(found.map((r) => r.id));
    const [{ n }] = (
      await client.query<{ n: number }>('SELECT count(*)::int AS n FROM investments WHERE $1::uuid IS NULL OR user_id = $1', [
        userId ?? null,
      ])
    ).rows;
    const [{ over }] = (
      await client.query<{ over: number }>(
        `SELECT count(*)::int AS over FROM assets a
          WHERE a.target_amount < (SELECT coalesce(sum(amount), 0) FROM investments i WHERE i.asset_id = a.id AND i.status IN ('pending', 'confirmed'))`,
      )
    ).rows;
    return {
      investments: n,
      missing: ids.filter((id) => !present.has(id)),
      duplicatedKeys: ids.length - new Set(ids).size,
      assetsAboveTarget: over,
    };
  } finally {
    await client.end();
  }
}
