/**
 * Deterministic randomness for the legacy store generator. Every record is a pure function of
 * (seed, kind, index): its generator is re-seeded from those three, so a record can be
 * regenerated anywhere (an investment can name user #i, two overlapping explorer scans write
 * the same event) without keeping anything in memory, and the same seed gives the same bytes.
 */

/** 32-bit FNV-1a of a string. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A bijection on 32-bit integers (murmur3's finaliser): distinct inputs give distinct outputs. */
export function scramble32(value: number, salt: number): number {
  let x = (value ^ salt) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex32(value: number): string {
  return HEX[(value >>> 24) & 0xff] + HEX[(value >>> 16) & 0xff] + HEX[(value >>> 8) & 0xff] + HEX[value & 0xff];
}

/** sfc32: small, fast, good enough statistically, and identical on every platform. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, kind: number, index: number) {
    this.a = seed >>> 0;
    this.b = kind >>> 0;
    this.c = index >>> 0;
    this.d = Math.floor(index / 0x100000000) ^ 0x9e3779b9;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return n <= 0x100000000 ? Math.floor((this.next() / 0x100000000) * n) : Math.floor((this.next() * 0x100000000 + this.next()) % n);
  }

  /** Integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `count` random bytes as lowercase hex (count a multiple of 4). */
  hex(count: number): string {
    let out = '';
    for (let i = 0; i < count; i += 4) out += hex32(this.next());
    return out;
  }
}
