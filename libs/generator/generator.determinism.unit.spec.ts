import { generateCase, generateCases, generateNdjson, type InterchangeLine } from './generator.js';
import { hashSeed, Rng } from './prng.js';

const take = <T>(it: Iterable<T>, n: number): T[] => {
  const out: T[] = [];
  for (const x of it) {
    if (out.length === n) break;
    out.push(x);
  }
  return out;
};

describe('generator: determinism', () => {
  it('gives byte-identical NDJSON for the same seed', () => {
    const a = [...generateNdjson({ cases: 300, seed: 'same' })];
    const b = [...generateNdjson({ cases: 300, seed: 'same' })];
    expect(a.length).toBeGreaterThan(300 * 20);
    expect(b).toEqual(a);
  });

  it('gives different output for a different seed (and for the same seed as a number vs another string)', () => {
    const a = take(generateNdjson({ cases: 50, seed: 'one' }), 500);
    const b = take(generateNdjson({ cases: 50, seed: 'two' }), 500);
    expect(b).not.toEqual(a);
    const c = take(generateNdjson({ cases: 5, seed: 42 }), 50);
    expect(take(generateNdjson({ cases: 5, seed: '42' }), 50)).toEqual(c); // a number seed is its string
    expect(take(generateNdjson({ cases: 5, seed: 43 }), 50)).not.toEqual(c);
  });

  it('depends on until: a different "now" gives a different history', () => {
    const a = [...generateNdjson({ cases: 20, seed: 's', until: '2025-06-01T00:00:00Z' })];
    const b = [...generateNdjson({ cases: 20, seed: 's' })];
    expect(a).not.toEqual(b);
  });

  it('generateNdjson is exactly JSON.stringify of generateCases (the fast serializer changes nothing)', () => {
    const objects = [...generateCases({ cases: 400, seed: 'ser' })];
    const texts = [...generateNdjson({ cases: 400, seed: 'ser' })];
    expect(texts.length).toBe(objects.length);
    for (let i = 0; i < texts.length; i++) {
      if (texts[i] !== JSON.stringify(objects[i])) throw new Error(`line ${i} differs:\n${texts[i]}\n${JSON.stringify(objects[i])}`);
    }
  });

  it('case k depends only on seed, window and k: runs shard with firstCase, and a short run is a prefix of a long one', () => {
    const whole = [...generateNdjson({ cases: 60, seed: 'shard' })];
    const first = [...generateNdjson({ cases: 25, seed: 'shard' })];
    const second = [...generateNdjson({ cases: 35, seed: 'shard', firstCase: 25 })];
    expect([...first, ...second]).toEqual(whole);
    const one = generateCase({ seed: 'shard' }, 30).map((l) => JSON.stringify(l));
    expect(whole.filter((l) => (JSON.parse(l) as InterchangeLine).caseId.endsWith('-000031'))).toEqual(one);
  });

  it('streams: the first lines of a billion-case run come at once', () => {
    const started = process.hrtime.bigint();
    const first = take(generateCases({ cases: 1_000_000_000, seed: 'stream' }), 1000);
    expect(first).toHaveLength(1000);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5000);
  });

  it('refuses nonsense options', () => {
    expect(() => [...generateCases({ cases: -1, seed: 'x' })]).toThrow(RangeError);
    expect(() => [...generateCases({ cases: 1.5, seed: 'x' })]).toThrow(RangeError);
    expect(() => [...generateCases({ cases: 1, seed: 'x', until: 'not a date' })]).toThrow(RangeError);
    expect(() => [...generateCases({ cases: 1, seed: 'x', until: '2022-01-01T00:00:00Z' })]).toThrow(RangeError);
  });
});

describe('prng', () => {
  it('is deterministic, spreads cases apart, and makes v4-shaped UUIDs', () => {
    const h = hashSeed('abc');
    expect(hashSeed('abc')).toEqual(h);
    expect(hashSeed('abd')).not.toEqual(h);
    const a = Rng.forCase(h, 0);
    const b = Rng.forCase(h, 0);
    const c = Rng.forCase(h, 1);
    const xs = Array.from({ length: 10 }, () => a.next());
    expect(Array.from({ length: 10 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 10 }, () => c.next())).not.toEqual(xs);
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const u = a.uuid();
      expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      ids.add(u);
    }
    expect(ids.size).toBe(10_000);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += a.float();
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });
});
