import type { BatchCheck, LooseQuarantine } from './batch-writer';
import type { ImportUnit } from './import-unit';
import { walk } from './unit-tree';

import { mergesRepeats } from './table-specs';

/** One connection's writer (BatchWriter). */
export interface UnitWriter {
  write(units: ImportUnit[], loose: LooseQuarantine[], check?: BatchCheck): Promise<void>;
}

interface InFlight {
  claims: Set<string>;
  done: Promise<void>;
}

/**
 * What a batch may clash with in another batch: the user columns that must be unique, and the
 * keys of chain records, whose repeats merge into the first copy. (Any other id repeated in the
 * store is quarantined as it is read, so no two batches write the same one.)
 */
export function batchClaims(units: ImportUnit[]): Set<string> {
  const claims = new Set<string>();
  for (const root of units) {
    for (const u of walk(root)) {
      if (u.facts?.phoneHash) claims.add(`phone\u0000${u.facts.phoneHash}`);
      if (u.facts?.address) claims.add(`wallet\u0000${u.facts.address}`);
      if (u.key !== null && mergesRepeats(u.table)) claims.add(`${u.table}\u0000${u.key}`);
    }
  }
  return claims;
}

/**
 * Writes batches on several connections at once. Batches are admitted in file order; one that
 * shares a phone, wallet or chain record with a batch still being written waits for it, so every check
 * sees what the earlier records of the file wrote, exactly as a one-connection run would, and a
 * run killed at any moment converges on the same rows when started again.
 */
export class WriterPool {
  private readonly idle: UnitWriter[];
  private readonly inFlight = new Set<InFlight>();
  private failure: unknown = null;
  private wake: (() => void) | null = null;

  constructor(writers: UnitWriter[]) {
    this.idle = [...writers];
  }

  /** Returns once the batch is being written (not once it is written). */
  async submit(units: ImportUnit[], loose: LooseQuarantine[], check?: BatchCheck): Promise<void> {
    const claims = batchClaims(units);
    for (;;) {
      this.throwIfFailed();
      const clash = [...this.inFlight].filter((other) => intersects(claims, other.claims));
      if (clash.length > 0) {
        await Promise.all(clash.map((other) => other.done.catch(() => undefined)));
        continue;
      }
      if (this.idle.length > 0) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const writer = this.idle.pop() as UnitWriter;
    const entry: InFlight = { claims, done: Promise.resolve() };
    entry.done = writer
      .write(units, loose, check)
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.inFlight.delete(entry);
        this.idle.push(writer);
        const wake = this.wake;
        this.wake = null;
        wake?.();
      });
    this.inFlight.add(entry);
  }

  /** Waits for every batch admitted so far; throws the first failure. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight].map((entry) => entry.done));
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}

function intersects(a: Set<string>, b: Set<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const value of small) if (large.has(value)) return true;
  return false;
}
