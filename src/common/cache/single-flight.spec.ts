import { SingleFlight } from './single-flight';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('runs one computation for the requests that arrive while it runs, and reuses it until maxAgeMs', async () => {
    let now = 1_000;
    let calls = 0;
    let pending = deferred<number>();
    const cache = new SingleFlight(
      5_000,
      () => {
        calls++;
        return pending.promise;
      },
      () => now,
    );
    const waiting = [cache.get(), cache.get(), cache.get()];
    expect(calls).toBe(1);
    pending.resolve(42);
    const answers = await Promise.all(waiting);
    expect(answers.map((a) => a.value)).toEqual([42, 42, 42]);
    expect(answers.every((a) => a.startedAt.getTime() === 1_000)).toBe(true);

    now = 5_999; // still younger than 5 s
    expect((await cache.get()).value).toBe(42);
    expect(calls).toBe(1);

    now = 6_000; // 5 s old: recomputed, stamped with the new start
    pending = deferred<number>();
    const next = cache.get();
    expect(calls).toBe(2);
    pending.resolve(43);
    expect(await next).toEqual({ value: 43, startedAt: new Date(6_000) });
  });

  it('with maxAgeMs 0 shares only the computation in flight', async () => {
    let calls = 0;
    let pending = deferred<string>();
    const cache = new SingleFlight(0, () => (calls++, pending.promise));
    const [a, b] = [cache.get(), cache.get()];
    pending.resolve('x');
    expect((await a).value).toBe('x');
    expect(await b).toBe(await a);
    pending = deferred<string>();
    const c = cache.get();
    expect(calls).toBe(2);
    pending.resolve('y');
    expect((await c).value).toBe('y');
  });

  it('keeps no failure: every waiter gets the error, the next request computes again', async () => {
    let calls = 0;
    let pending = deferred<number>();
    const cache = new SingleFlight(60_000, () => (calls++, pending.promise));
    const [a, b] = [cache.get(), cache.get()];
    pending.reject(new Error('database down'));
    await expect(a).rejects.toThrow('database down');
    await expect(b).rejects.toThrow('database down');
    pending = deferred<number>();
    const c = cache.get();
    expect(calls).toBe(2);
    pending.resolve(7);
    expect((await c).value).toBe(7);
  });

  describe('fresh(): a value read after the request arrived (Cache-Control: no-cache)', () => {
    it('does not reuse a kept value read before it: computes anew', async () => {
      let now = 1_000;
      let calls = 0;
      const cache = new SingleFlight(
        60_000,
        async () => ++calls,
        () => now,
      );
      expect((await cache.get()).value).toBe(1);
      now = 2_000;
      expect((await cache.get()).value).toBe(1); // get() reuses it
      expect(await cache.fresh()).toEqual({ value: 2, startedAt: new Date(2_000) });
      now = 2_500;
      expect((await cache.fresh(2_100)).value).toBe(3);
      expect((await cache.fresh(2_400)).value).toBe(3); // read at 2,500: after 2,400, reused
      expect(calls).toBe(3);
    });

    it('waits for a computation that started before it arrived, then shares one new computation with the others waiting', async () => {
      let now = 1_000;
      let calls = 0;
      const pending = [deferred<string>(), deferred<string>()];
      const cache = new SingleFlight(
        60_000,
        () => pending[calls++].promise,
        () => now,
      );
      const old = cache.get();
      now = 1_500;
      const [a, b] = [cache.fresh(), cache.fresh()];
      expect(calls).toBe(1); // one at a time: nothing new while the old one runs
      now = 1_600;
      pending[0].resolve('old');
      expect((await old).value).toBe('old');
      await new Promise((resolve) => setImmediate(resolve));
      expect(calls).toBe(2);
      pending[1].resolve('new');
      expect(await a).toEqual({ value: 'new', startedAt: new Date(1_600) });
      expect(await b).toBe(await a);
    });

    it('shares a computation in flight that started after it arrived', async () => {
      const now = 1_200;
      let calls = 0;
      const pending = deferred<number>();
      const cache = new SingleFlight(
        0,
        () => (calls++, pending.promise),
        () => now,
      );
      const running = cache.get();
      const joined = cache.fresh(1_000);
      expect(calls).toBe(1);
      pending.resolve(9);
      expect(await joined).toBe(await running);
    });
  });
});
