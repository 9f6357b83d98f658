/**
 * The legacy ids read so far in a run, to spot an id repeated anywhere later in the store (a
 * batch only sees its own records). Holds a 64-bit fingerprint per id in typed arrays, off the
 * JavaScript heap: 8 bytes a slot, at most 80 % full, so about 130 MB for 12 million ids. The
 * table is cut in 64 segments that grow one at a time, so growing never holds two copies of it.
 * Two different ids share a fingerprint with a chance of about n²/2⁶⁵ (4·10⁻⁶ for 12 million).
 */
export class SeenKeys {
  private readonly segments: Segment[];

  constructor(initialCapacity = 1 << 16) {
    const perSegment = 2 ** Math.ceil(Math.log2(Math.max(16, initialCapacity / SEGMENTS)));
    this.segments = Array.from({ length: SEGMENTS }, () => new Segment(perSegment));
  }

  get size(): number {
    return this.segments.reduce((sum, segment) => sum + segment.count, 0);
  }

  /** Adds the id; false when it was there already. */
  add(scope: string, id: string): boolean {
    const [high, low] = fingerprint(scope, id);
    return this.segments[high >>> (32 - SEGMENT_BITS)].add(high, low);
  }
}

const SEGMENT_BITS = 6;
const SEGMENTS = 1 << SEGMENT_BITS;

/** Open addressing with linear probing; (0, 0) marks an empty slot. */
class Segment {
  private high: Uint32Array;
  private low: Uint32Array;
  private mask: number;
  count = 0;

  constructor(capacity: number) {
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  add(high: number, low: number): boolean {
    if ((this.count + 1) * 5 > (this.mask + 1) * 4) this.grow();
    let slot = (low ^ Math.imul(high, 0x9e3779b1)) & this.mask;
    for (;;) {
      const h = this.high[slot];
      const l = this.low[slot];
      if (h === 0 && l === 0) {
        this.high[slot] = high;
        this.low[slot] = low;
        this.count++;
        return true;
      }
      if (h === high && l === low) return false;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const high = this.high;
    const low = this.low;
    this.high = new Uint32Array(high.length * 2);
    this.low = new Uint32Array(low.length * 2);
    this.mask = this.high.length - 1;
    this.count = 0;
    for (let i = 0; i < high.length; i++) if (high[i] !== 0 || low[i] !== 0) this.add(high[i], low[i]);
  }
}

/** Two independent 32-bit FNV-1a style hashes with a murmur finaliser; never (0, 0), which marks an empty slot. */
function fingerprint(scope: string, id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  const mix = (code: number) => {
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995) + 0x6b43a9b5;
    b ^= b >>> 15;
  };
  for (let i = 0; i < scope.length; i++) mix(scope.charCodeAt(i));
  mix(0);
  for (let i = 0; i < id.length; i++) mix(id.charCodeAt(i));
  const high = finalise(a) >>> 0;
  const low = finalise(b ^ id.length) >>> 0;
  return high === 0 && low === 0 ? [0, 1] : [high, low];
}

function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
