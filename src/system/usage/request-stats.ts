import { Injectable } from '@nestjs/common';

/** Requests handled by this instance since the last sample (the sampler's request rate). */
@Injectable()
export class RequestStats {
  private requests = 0;
  private since = Date.now();

  count(): void {
    this.requests++;
  }

  /** Requests per minute since the previous call, then starts a new window. */
  takeRatePerMinute(): number {
    const now = Date.now();
    const minutes = Math.max((now - this.since) / 60_000, 1 / 60);
    const rate = this.requests / minutes;
    this.requests = 0;
    this.since = now;
    return rate;
  }
}
