import { AttemptCounter } from './login-attempt-limiter';

describe('AttemptCounter', () => {
  it('blocks a key at the limit for the block time, then lets it try again', () => {
    const counter = new AttemptCounter(3, 60_000, 30_000);
    const t0 = 1_000_000;
    counter.record('k', t0);
    counter.record('k', t0 + 1);
    expect(counter.retryAfterSeconds('k', t0 + 2)).toBe(0);
    counter.record('k', t0 + 2);
    expect(counter.retryAfterSeconds('k', t0 + 2)).toBe(30);
    expect(counter.retryAfterSeconds('other', t0 + 2)).toBe(0);
    expect(counter.retryAfterSeconds('k', t0 + 30_002)).toBe(0);
  });

  it('forgets failures older than the window and on reset', () => {
    const counter = new AttemptCounter(2, 1_000, 5_000);
    counter.record('k', 0);
    counter.record('k', 2_000); // the first one fell out of the window
    expect(counter.retryAfterSeconds('k', 2_000)).toBe(0);
    counter.record('k', 2_001);
    expect(counter.retryAfterSeconds('k', 2_001)).toBeGreaterThan(0);
    counter.reset('k');
    expect(counter.retryAfterSeconds('k', 2_002)).toBe(0);
  });

  it('stays bounded under many distinct keys', () => {
    const counter = new AttemptCounter(5, 60_000, 60_000, 100);
    for (let i = 0; i < 1_000; i++) counter.record(`ip-${i}`, i);
    expect((counter as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(100);
  });
});
