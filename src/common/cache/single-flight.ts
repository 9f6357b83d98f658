/** A value and when its computation started (the moment the data it holds was read). */
export interface Computed<T> {
  value: T;
  startedAt: Date;
}

/**
 * One computation at a time for an expensive read: requests that arrive while it runs share it, and its
 * result is reused until it is maxAgeMs old (counted from the start of the computation, so an answer is never
 * older than that); 0 = no reuse, only sharing. A failed computation is not kept: the next request starts
 * another. Per process: each API instance (each CLUSTER_WORKERS worker) computes on its own.
 */
export class SingleFlight<T> {
  private latest?: Computed<T>;
  private inFlight?: Promise<Computed<T>>;
  private inFlightStartedAt = 0;

  constructor(
    private readonly maxAgeMs: number,
    private readonly compute: () => Promise<T>,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<Computed<T>> {
    if (this.latest && this.now() - this.latest.startedAt.getTime() < this.maxAgeMs) return Promise.resolve(this.latest);
    this.inFlight ??= this.run();
    return this.inFlight;
  }

  /**
   * A value read after `notBefore` (ms; the arrival of a request that must see what was written before it, as with
   * `Cache-Control: no-cache`): the kept one or the one in flight only when it started later, else a new computation,
   * still one at a time: one that started earlier is waited for first, and requests arriving meanwhile share the next.
   */
  async fresh(notBefore: number = this.now()): Promise<Computed<T>> {
    for (;;) {
      if (this.latest && this.latest.startedAt.getTime() > notBefore) return this.latest;
      if (!this.inFlight) return (this.inFlight = this.run());
      if (this.inFlightStartedAt > notBefore) return this.inFlight;
      await this.inFlight.catch(() => undefined);
    }
  }

  private async run(): Promise<Computed<T>> {
    const startedAt = new Date(this.now());
    this.inFlightStartedAt = startedAt.getTime();
    try {
      const value = await this.compute();
      this.latest = { value, startedAt };
      return this.latest;
    } finally {
      this.inFlight = undefined;
    }
  }
}
