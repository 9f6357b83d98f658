/** Now, injectable so tests can walk a backup schedule over a faked calendar. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };
