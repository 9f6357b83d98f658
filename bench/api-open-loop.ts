import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/**
 * Open-loop load for `bench:api --users-online N --rate-per-user R`: N users, each sending R
 * requests a second on a fixed schedule whether or not earlier answers have come back. Latency is
 * measured from each request's scheduled send time, so a server that falls behind shows it in the
 * percentiles instead of slowing the load down (no coordinated omission). autocannon's rate options
 * are still closed-loop (a connection waits for its answer), hence this small scheduler over undici.
 */

export interface OpenLoopRoute {
  name: string;
  /** Share of the requests, 0..1; the shares add up to 1. */
  share: number;
  /** p95 target in ms (the seed's figures). */
  targetP95: number;
  /** The request a given user sends (user index, request counter). */
  request: (user: number, n: number) => { path: string; token?: string };
}

export interface RouteFigures {
  name: string;
  targetP95: number;
  offeredRps: number;
  servedRps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  /** Error statuses/messages seen, with counts (at most a few). */
  errorKinds: Record<string, number>;
}

export interface OpenLoopResult {
  offeredRps: number;
  seconds: number;
  routes: RouteFigures[];
  /** Every route met its p95 and none had an error. */
  meetsTargets: boolean;
}

export interface OpenLoopOptions {
  url: string;
  usersOnline: number;
  ratePerUser: number;
  seconds: number;
  warmupSeconds: number;
  routes: OpenLoopRoute[];
  /** An answer slower than this counts as an error. */
  timeoutMs?: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * A fixed, deterministic route per slot: slot k of every 100 goes to the route whose cumulative
 * share covers it, with the slots interleaved (k × 37 mod 100) so the mix is even over time.
 */
function routePicker(routes: OpenLoopRoute[]): (n: number) => number {
  const slots: number[] = [];
  routes.forEach((route, index) => {
    for (let i = 0; i < Math.round(route.share * 100); i++) slots.push(index);
  });
  if (slots.length !== 100) throw new Error(`route shares must add up to 1 (got ${slots.length / 100})`);
  return (n) => slots[(n * 37) % 100];
}

/** Runs the schedule: warm-up (not recorded), then the measured window; waits for the stragglers. */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { usersOnline, ratePerUser, routes } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const totalRate = usersOnline * ratePerUser;
  // One keep-alive connection per user online at most, like browsers each holding their own.
  const pool = new Pool(options.url, {
    connections: usersOnline,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
  });
  const pick = routePicker(routes);
  const latencies = routes.map(() => [] as number[]);
  const offered = routes.map(() => 0);
  const errors = routes.map(() => 0);
  const errorKinds = routes.map(() => ({}) as Record<string, number>);
  const inFlight = new Set<Promise<void>>();

  const interval = 1000 / totalRate;
  const total = Math.round((options.warmupSeconds + options.seconds) * totalRate);
  const warmupCount = Math.round(options.warmupSeconds * totalRate);
  const start = performance.now() + 50;

  const send = (n: number, scheduledAt: number) => {
    const user = n % usersOnline;
    const routeIndex = pick(n);
    const { path, token } = routes[routeIndex].request(user, n);
    const record = n >= warmupCount;
    if (record) offered[routeIndex]++;
    const fail = (kind: string) => {
      if (!record) return;
      errors[routeIndex]++;
      errorKinds[routeIndex][kind] = (errorKinds[routeIndex][kind] ?? 0) + 1;
    };
    const done = pool
      .request({ method: 'GET', path, headers: token ? { authorization: `Bearer ${token}` } : {} })
      .then(async (response) => {
        await response.body.dump({ limit: Infinity });
        const latency = performance.now() - scheduledAt;
        if (response.statusCode >= 300) fail(String(response.statusCode));
        else if (latency > timeoutMs) fail('timeout');
        else if (record) latencies[routeIndex].push(latency);
      })
      .catch((error: Error & { code?: string }) => fail(error.code ?? error.message))
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };

  // The scheduler: every tick sends each request whose time has come, at its own scheduled time.
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        send(next, start + next * interval);
        next++;
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, Math.min(1, start + next * interval - performance.now())));
    };
    setTimeout(tick, 50);
  });
  await Promise.all([...inFlight]);
  await pool.close();

  const figures = routes.map((route, i): RouteFigures => {
    const sorted = Float64Array.from(latencies[i]).sort();
    return {
      name: route.name,
      targetP95: route.targetP95,
      offeredRps: offered[i] / options.seconds,
      servedRps: sorted.length / options.seconds,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      errors: errors[i],
      errorKinds: errorKinds[i],
    };
  });
  return {
    offeredRps: totalRate,
    seconds: options.seconds,
    routes: figures,
    meetsTargets: figures.every((f) => f.errors === 0 && f.p95 <= f.targetP95),
  };
}

/**
 * The highest offered rate (req/s, whole mix) at which every route still meets its p95 with no
 * errors: doubles from `startRps` until a rate fails, then bisects between the last pass and the
 * first fail `steps` times.
 */
export async function findSaturation(
  run: (rps: number) => Promise<OpenLoopResult>,
  startRps: number,
  steps: number,
  onStep: (result: OpenLoopResult) => void,
): Promise<{ passRps: number; failRps: number | null; last: OpenLoopResult | null }> {
  let pass = 0;
  let fail: number | null = null;
  let lastPass: OpenLoopResult | null = null;
  let rate = startRps;
  const maxRps = startRps * 64;
  while (fail === null && rate <= maxRps) {
    const result = await run(rate);
    onStep(result);
    if (result.meetsTargets) {
      pass = rate;
      lastPass = result;
      rate *= 2;
    } else fail = rate;
  }
  for (let i = 0; i < steps && fail !== null && fail - pass > startRps / 8; i++) {
    const mid = Math.round((pass + fail) / 2);
    const result = await run(mid);
    onStep(result);
    if (result.meetsTargets) {
      pass = mid;
      lastPass = result;
    } else fail = mid;
  }
  return { passRps: pass, failRps: fail, last: lastPass };
}
