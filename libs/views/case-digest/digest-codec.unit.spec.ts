import type { StoredCaseEvent } from '../../case-ledger/domain/vocabulary.js';
import { generateNdjson } from '../../generator/index.js';
import { LedgerBuilder } from '../testing/case-history.js';
import { digestsOf, evolveDigest, type CaseDigest } from './case-digest.js';
import { caseFacts } from './case-facts.js';
import {
  decodeDigestParts, decodeFacts, DIGEST_BLOCK, DIGEST_CHUNK, encodeDigestParts, encodeFacts, FACT_KEYS,
} from './digest-codec.js';

/** Generated histories as stored events (positions in line order, versions per case). */
/** A digest's stored texts (row and parts, encoded at once) and the digest back from them. */
function roundTrip(d: CaseDigest): { text: string; back: CaseDigest } {
  const { state, texts } = encodeDigestParts(d, null);
  return { text: state + texts.join(''), back: decodeDigestParts(state, texts) };
}

function generated(cases: number, seed: string): StoredCaseEvent[] {
  const versions = new Map<string, number>();
  return [...generateNdjson({ cases, seed })].map((line, k) => {
    const { eventId, caseId, type, occurredAt, recordedAt, data } = JSON.parse(line);
    const streamVersion = (versions.get(caseId) ?? 0) + 1;
    versions.set(caseId, streamVersion);
    return { type, data, metadata: { eventId, caseId, occurredAt, recordedAt }, position: k + 1, streamVersion } as StoredCaseEvent;
  });
}

describe('digest codec (the stored text of a digest and its facts)', () => {
  it('given generated cases, when each digest is encoded and decoded, then it is the same digest, and its text is under 70% of the plain JSON of v1', () => {
    const digests = [...digestsOf(generated(60, 'codec')).values()];
    let compact = 0, plain = 0;
    for (const d of digests) {
      const { text, back } = roundTrip(d);
      expect(back).toEqual(d);
      compact += text.length;
      plain += JSON.stringify(d).length;
    }
    expect(compact / plain).toBeLessThan(0.7);
  });

  it('given entries out of occurrence order, a void of an entry not in the digest, and positions far apart, when round-tripped, then every number and target is kept', () => {
    const ledger = new LedgerBuilder();
    const h = ledger.case('C-1', '2021-03-04T10:15:00Z');
    const other = ledger.case('C-2', '2021-03-04T10:16:00Z');
    for (let k = 0; k < 5; k++) other.add('OfficerAssigned', '2021-03-04T11:00:00Z');
    const late = h.add('IsvaReferred', '2021-01-01T00:00:00Z', {}, { recordedAt: '2023-06-01T00:00:00.123Z' });
    h.add('EntryVoided', '2021-03-05T00:00:00Z', { eventId: late.metadata.eventId });
    h.add('EntryVoided', '2021-03-05T00:00:00Z', { eventId: 'FFFFFFFF-0000-4000-8000-000000000000' });
    h.requestDevice('2021-03-05T10:00:00Z', 'dev-1', { periodFrom: null });
    const mine = ledger.events.filter((e) => e.metadata.caseId === 'C-1');
    // The last event delivered first: inserted in place, so positions in the digest are not in delivery order.
    const d = [mine[mine.length - 1]!, ...mine.slice(0, -1)].reduce<CaseDigest | null>(evolveDigest, null)!;
    expect(roundTrip(d).back).toEqual(d);
  });

  it('given facts (in view, and a case not in view), when round-tripped, then they are equal, keys in the same order', () => {
    for (const d of digestsOf(generated(20, 'codec-facts')).values()) {
      for (const asOf of [Number.POSITIVE_INFINITY, d.ev[Math.floor(d.ev.length / 2)]!.r]) {
        const f = caseFacts(d, asOf);
        const back = decodeFacts(encodeFacts(f));
        expect(back).toEqual(f);
        expect(Object.keys(back ?? {})).toEqual(Object.keys(f ?? {}));
      }
    }
    expect(decodeFacts(encodeFacts(null))).toBeNull();
  });

  it('lists every fact once', () => {
    expect(new Set(FACT_KEYS).size).toBe(FACT_KEYS.length);
  });
});

/** One case of `n` events (a report, then contacts a minute apart, a device request among them), as the digest after each. */
function growing(n: number): { events: StoredCaseEvent[]; after: CaseDigest[] } {
  const ledger = new LedgerBuilder();
  const h = ledger.case('C-1', '2021-03-04T10:15:00Z');
  for (let k = 1; k < n; k++) {
    const at = new Date(Date.parse('2021-03-04T10:15:00Z') + k * 60_000).toISOString();
    if (k === 3) h.requestDevice(at, 'dev-1'); else h.contact(at);
  }
  const after: CaseDigest[] = [];
  ledger.events.reduce<CaseDigest | null>((d, e) => { const next = evolveDigest(d, e); after.push(next); return next; }, null);
  return { events: ledger.events, after };
}

/** Stored parts as a store keeps them: the parts from `from` replace those from there on. */
function store(parts: string[], written: { from: number; texts: string[] }): string[] {
  return [...parts.slice(0, written.from), ...written.texts];
}

describe('digest codec in parts (case-digest-v3)', () => {
  const B = DIGEST_BLOCK, C = DIGEST_CHUNK;
  /** Parts of a digest of n entries: one per block begun, counting only its full chunks. */
  const partsOf = (n: number) => Math.ceil((n - ((n % B) % C)) / B);

  it.each([1, C - 1, C, C + 1, B - 1, B, B + 1, 2 * B + 1, 2 * B + C + 1])('given a digest of %i entries, when encoded in parts and decoded, then it is the same digest, in one part per block begun (counting full chunks only)', (n) => {
    const d = growing(n).after[n - 1]!;
    const { state, from, texts } = encodeDigestParts(d, null);
    expect(from).toBe(0);
    expect(texts).toHaveLength(partsOf(n));
    expect(decodeDigestParts(state, texts)).toEqual(d);
  });

  it('given a digest grown one event at a time past two blocks, when each is encoded against the one before, then the last part is written only when a chunk fills, and the stored parts are those of encoding it at once', () => {
    const { after } = growing(2 * B + C + 1);
    let parts: string[] = [];
    let previous: CaseDigest | null = null;
    for (const d of after) {
      const written = encodeDigestParts(d, previous);
      const n = d.ev.length;
      expect(written.texts).toHaveLength(n % C === 0 ? 1 : 0);
      expect(written.from + written.texts.length).toBe(partsOf(n));
      parts = store(parts, written);
      expect(parts).toEqual(encodeDigestParts(d, null).texts);
      expect(decodeDigestParts(written.state, parts)).toEqual(d);
      previous = d;
    }
  });

  it.each([
    ['the first block', 5, 0],
    ['the last part', B + C + 2, 1],
  ])('given an event delivered late whose position falls in %s, when encoded against the digest before it, then every part from the one it lands in is written again, and the stored digest is the new one', (_where, index, from) => {
    const { events } = growing(B + 3 * C + 2);
    const late = events[index]!;
    const before = events.filter((e) => e !== late).reduce<CaseDigest | null>(evolveDigest, null)!;
    const after = evolveDigest(before, late);
    const parts = encodeDigestParts(before, null).texts;
    const written = encodeDigestParts(after, before);
    expect(written.from).toBe(from);
    expect(written.from + written.texts.length).toBe(partsOf(after.ev.length));
    expect(decodeDigestParts(written.state, store(parts, written))).toEqual(after);
  });

  it('given an event already folded (the same digest back), when encoded against it, then no part is written', () => {
    const { events, after } = growing(B + C + 3);
    const d = after[after.length - 1]!;
    expect(evolveDigest(d, events[1]!)).toBe(d);
    expect(encodeDigestParts(d, d)).toMatchObject({ from: partsOf(B + C + 3), texts: [] });
  });

  it('given a whole digest text (no parts), when decoded as parts, then it is the digest', () => {
    const d = growing(B + 3).after[B + 2]!;
    const whole = encodeDigestParts(d, null, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    expect(whole.texts).toEqual([]);
    expect(decodeDigestParts(whole.state, [])).toEqual(d);
  });
});
