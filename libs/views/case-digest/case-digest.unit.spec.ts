import type { StoredCaseEvent } from '../../case-ledger/domain/vocabulary.js';
import { aCase } from '../testing/case-history.js';
import { CONTACT, digestsOf, emptyDigest, evolveDigest, T, type CaseDigest } from './case-digest.js';

const fold = (events: StoredCaseEvent[]): CaseDigest => events.reduce<CaseDigest | null>(evolveDigest, null)!;

describe('evolveDigest', () => {
  it('given a case history, when folded, then each entry has its position, type, instants in ms and lower-case eventId', () => {
    const h = aCase('2021-03-04T10:15:00Z');
    h.add('IsvaReferred', '2021-03-05T09:30:00+00:00', {}, { recordedAt: '2021-03-05T10:40:00+01:00', eventId: 'ABCDEF00-0000-4000-8000-000000000002' });
    const d = fold(h.events());
    expect(d.caseId).toBe('C-1');
    expect(d.ev.map(({ p, t, o, r, i }) => ({ p, t, o, r, i }))).toEqual([
      { p: 1, t: T.CaseReported, o: Date.parse('2021-03-04T10:15:00Z'), r: Date.parse('2021-03-04T10:15:00Z'), i: '00000000-0000-4000-8000-000000000001' },
      { p: 2, t: T.IsvaReferred, o: Date.parse('2021-03-05T09:30:00Z'), r: Date.parse('2021-03-05T09:40:00Z'), i: 'abcdef00-0000-4000-8000-000000000002' },
    ]);
  });

  it('given events with free text and pseudonyms, when folded, then the digest keeps none of it (least data)', () => {
    const h = aCase('2021-03-04T10:15:00Z', { pseudonym: 'V-SECRET', crimeReference: 'CR-SECRET' });
    h.requestDevice('2021-03-05T10:00:00Z', 'dev-1', { lineOfEnquiry: 'LOE-SECRET', alternativesConsidered: 'ALT-SECRET' });
    h.add('SuspectIdentified', '2021-03-05T11:00:00Z', { suspectPseudonym: 'S-SECRET' });
    h.add('CaseClosed', '2021-03-06T10:00:00Z', { outcomeCode: 16, rationale: 'RATIONALE-SECRET' });
    h.add('ThirdPartyMaterialRequested', '2021-03-05T12:00:00Z', { lineOfEnquiry: 'TP-SECRET' });
    const json = JSON.stringify(fold(h.events()));
    expect(json).not.toMatch(/SECRET/);
  });

  it('given the cohort fields of CaseReported, when folded, then they are kept, and only they', () => {
    const h = aCase('2021-03-04T10:15:00Z', { force: 'MPS', borough: 'Brent', team: 'T', ageBand: '18_24', additionalNeeds: true, relationship: 'stranger', offenceFrom: '2019-01-02', contactSinceOffence: null });
    expect(fold(h.events()).ev[0]!.d).toEqual({
      force: 'MPS', borough: 'Brent', team: 'T', ageBand: '18_24', additionalNeeds: true, relationship: 'stranger',
      offenceFrom: '2019-01-02', contactSinceOffence: null,
    });
  });

  it('given texts of white space only, when folded, then they are kept as "empty"', () => {
    const h = aCase();
    h.requestDevice('2021-03-05T10:00:00Z', 'dev-1', { lineOfEnquiry: ' \t\n\u00a0', alternativesConsidered: 'x', dataCategories: ['photos', 'full_extraction'] });
    expect(fold(h.events()).ev[1]!.d).toMatchObject({ q: 0, w: 'victim', le: true, ae: false, fx: true });
  });

  it('given contacts, when folded, then each is kept as the one code the views use', () => {
    const h = aCase();
    h.contact('2021-03-05T10:00:00Z', 'update');
    h.contact('2021-03-05T10:00:00Z', 'decision');
    h.contact('2021-03-05T10:00:00Z', 'decision', 'from_victim');
    h.contact('2021-03-05T10:00:00Z', 'welfare');
    expect(fold(h.events()).ev.slice(1).map((e) => e.d)).toEqual([CONTACT.updateToVictim, CONTACT.decisionToVictim, CONTACT.other, CONTACT.other]);
  });

  it('given device events, when folded, then request ids become ordinals in first-seen order', () => {
    const h = aCase();
    h.requestDevice('2021-03-05T10:00:00Z', 'phone-A');
    h.requestDevice('2021-03-05T10:00:00Z', 'laptop-B');
    h.seize('2021-03-06T10:00:00Z', 'laptop-B');
    const d = fold(h.events());
    expect(d.q).toEqual(['phone-A', 'laptop-B']);
    expect(d.ev[3]!.d).toBe(1);
  });

  it('given an event whose position is already in the digest, when applied again, then the same digest object comes back', () => {
    const events = aCase().events();
    const d = fold(events);
    expect(evolveDigest(d, events[0]!)).toBe(d);
  });

  it('given events delivered out of ledger order, when folded, then entries are in position order', () => {
    const h = aCase();
    h.contact('2021-03-05T10:00:00Z');
    h.contact('2021-03-06T10:00:00Z');
    const [a, b, c] = h.events();
    expect(fold([c!, a!, b!, a!]).ev.map((e) => e.p)).toEqual([1, 2, 3]);
  });

  it('given a digest, when an event is applied, then the input digest is not modified (pure)', () => {
    const h = aCase();
    const d = fold(h.events());
    const before = JSON.stringify(d);
    evolveDigest(d, h.contact('2021-03-05T10:00:00Z'));
    expect(JSON.stringify(d)).toBe(before);
  });

  it('given a void, when folded, then it names its target by position (eventIds compared case-insensitively)', () => {
    const h = aCase();
    const w = h.withdrew('2021-03-05T10:00:00Z', {}, { eventId: 'AAAAAAAA-0000-4000-8000-000000000002' });
    h.add('EntryVoided', '2021-03-06T10:00:00Z', { eventId: 'aaaaaaaa-0000-4000-8000-000000000002', reason: 'wrong case' });
    expect(fold(h.events()).ev[2]!.d).toBe(w.position);
  });

  it('given a void naming an event the digest has not seen, when folded, then it keeps the eventId to resolve later', () => {
    const h = aCase();
    h.add('EntryVoided', '2021-03-06T10:00:00Z', { eventId: 'BBBBBBBB-0000-4000-8000-000000000009', reason: 'x' });
    expect(fold(h.events()).ev[1]!.d).toBe('bbbbbbbb-0000-4000-8000-000000000009');
  });

  it('given malformed input, when applied, then it never throws and leaves the digest unchanged', () => {
    const d = fold(aCase().events());
    const good = aCase().contact('2021-03-05T10:00:00Z');
    const bad = [
      null,
      {},
      { ...good, position: 7, type: 'NoSuchEvent' },
      { ...good, position: 8, metadata: { ...good.metadata, occurredAt: 'not a date' } },
      { ...good, position: 'nine' },
      { ...good, position: 10, metadata: { ...good.metadata, caseId: 'OTHER' } },
      { ...good, position: 11, type: 'DeviceRequestAgreed', data: null },
    ] as unknown as StoredCaseEvent[];
    for (const e of bad) expect(evolveDigest(d, e)).toBe(d);
    expect(evolveDigest(null, null as unknown as StoredCaseEvent)).toEqual(emptyDigest(''));
  });

  it('given a digest, when serialised to JSON and back, then it is equal (JSON-safe)', () => {
    const h = aCase();
    h.victimDeviceSeized('2021-03-05T10:00:00Z');
    h.closed('2021-03-07T10:00:00Z', 16);
    const d = fold(h.events());
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('given events of several cases, when digestsOf folds them, then there is one digest per case', () => {
    const h = aCase();
    h.ledger.case('C-2', '2021-03-05T10:00:00Z');
    h.contact('2021-03-06T10:00:00Z');
    const ds = digestsOf(h.ledger.events);
    expect([...ds.keys()]).toEqual(['C-1', 'C-2']);
    expect(ds.get('C-1')!.ev.map((e) => e.p)).toEqual([1, 3]);
  });
});
