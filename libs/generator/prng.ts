// Seeded pseudo-random numbers for the synthetic case generator: fast, deterministic, no Math.random.
//
// - `hashSeed` turns any seed string into 128 bits (cyrb128, a MurmurHash3-style string mix).
// - `Rng` is sfc32 (Chris Doty-Humphrey's Small Fast Counter, 32-bit): passes PractRand to many TB,
//   costs a handful of integer operations per draw, and is trivially seeded from 4 words.
// - One Rng per case, seeded from (seed hash, case index): case k is the same whatever the number of
//   cases asked for, so a run of 2,000 cases is the prefix of a run of 20,000 with the same seed.

/** 128-bit hash of a string as four unsigned 32-bit words (cyrb128). */
export function hashSeed(seed: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A 32-bit finaliser (murmur3 fmix32): spreads a case index over all bits. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? '0' : '') + i.toString(16));
const VARIANT = ['8', '9', 'a', 'b'];

/** sfc32 with the helpers the generator needs. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = NaN;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.d = d >>> 0;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** The Rng of one case: the seed's hash mixed with the case index. */
  static forCase(seedHash: readonly [number, number, number, number], index: number): Rng {
    const m = fmix32(index + 0x9e3779b9);
    const n = fmix32(Math.floor(index / 4294967296) ^ 0x7f4a7c15 ^ m);
    return new Rng(seedHash[0] ^ m, seedHash[1] ^ n, seedHash[2] ^ fmix32(m ^ 0x632be5ab), seedHash[3] ^ 1);
  }

  /** Next unsigned 32-bit integer. */
  next(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p * 4294967296;
  }

  /** Uniform real in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo + 1) * this.float());
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(items.length * this.float())]!;
  }

  /** One element by weight (weights need not sum to 1). */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const it of items) total += it[1];
    let x = this.float() * total;
    for (const it of items) {
      x -= it[1];
      if (x < 0) return it[0];
    }
    return items[items.length - 1]![0];
  }

  /** Standard normal (Box–Muller, the spare kept). */
  normal(): number {
    const s = this.spareNormal;
    if (s === s) {
      this.spareNormal = NaN;
      return s;
    }
    let u = this.float();
    if (u < 1e-12) u = 1e-12;
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and shape sigma. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Log-uniform in [lo, hi). */
  logRange(lo: number, hi: number): number {
    return lo * Math.exp(Math.log(hi / lo) * this.float());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** A version-4-shaped UUID (lower case, RFC 4122 variant) from four draws. */
  uuid(): string {
    const a = this.next();
    const b = this.next();
    const c = this.next();
    const d = this.next();
    return (
      HEX[a >>> 24]! + HEX[(a >>> 16) & 255]! + HEX[(a >>> 8) & 255]! + HEX[a & 255]! + '-' +
      HEX[b >>> 24]! + HEX[(b >>> 16) & 255]! + '-4' + HEX[(b >>> 8) & 15]!.charAt(1) + HEX[b & 255]! + '-' +
      VARIANT[c >>> 30]! + HEX[(c >>> 16) & 15]!.charAt(1) + HEX[(c >>> 8) & 255]! + '-' + HEX[c & 255]! +
      HEX[d >>> 24]! + HEX[(d >>> 16) & 255]! + HEX[(d >>> 8) & 255]! + HEX[d & 255]! +
      HEX[(c >>> 20) & 255]!
    );
  }

  /** `len` characters from an alphabet. */
  code(alphabet: string, len: number): string {
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet.charAt(Math.floor(alphabet.length * this.float()));
    return s;
  }
}
