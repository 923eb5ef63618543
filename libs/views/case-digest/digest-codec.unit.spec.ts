import type { StoredCaseEvent } from '../../case-ledger/domain/vocabulary.js';
import { generateNdjson } from '../../generator/index.js';
import { LedgerBuilder } from '../testing/case-history.js';
import { digestsOf, evolveDigest, type CaseDigest } from './case-digest.js';
import { caseFacts } from './case-facts.js';
import { decodeDigest, decodeFacts, encodeDigest, encodeFacts, FACT_KEYS } from './digest-codec.js';

/** Generated histories as stored events (positions in line order, versions per case). */
function generated(cases: number, seed: string): StoredCaseEvent[] {
  const versions = new Map<string, number>();
  return [...generateNdjson({ cases, seed })].map((line, k) => {
    const { eventId, caseId, type, occurredAt, recordedAt, data } = JSON.parse(line);
    const streamVersion = (versions.get(caseId) ?? 0) + 1;
    versions.set(caseId, streamVersion);
    return { type, data, metadata: { eventId, caseId, occurredAt, recordedAt }, position: k + 1, streamVersion } as StoredCaseEvent;
  });
}

describe('digest codec (the stored text of case-digest-v2)', () => {
  it('given generated cases, when each digest is encoded and decoded, then it is the same digest, and its text is under 70% of the plain JSON of v1', () => {
    const digests = [...digestsOf(generated(60, 'codec')).values()];
    let compact = 0, plain = 0;
    for (const d of digests) {
      const text = encodeDigest(d);
      expect(decodeDigest(text)).toEqual(d);
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
    expect(decodeDigest(encodeDigest(d))).toEqual(d);
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
