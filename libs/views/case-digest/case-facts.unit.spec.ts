import { instantMs } from '../domain/instant.js';
import { aCase, factsAt } from '../testing/case-history.js';
import { aggregateTimeliness } from '../timeliness/timeliness-view.js';
import { digestsOf, T } from './case-digest.js';
import { caseFacts, eventsInView, factsHoldAt, nextViewChangeMs } from './case-facts.js';

const REPORT = '2021-03-04T10:15:00Z';

describe('caseFacts: which events are in view', () => {
  it('given a case whose CaseReported is recorded after asOf, when facts are taken, then the case is not in view (null)', () => {
    const h = aCase(REPORT, {}, { recordedAt: '2021-03-10T00:00:00Z' });
    h.contact('2021-03-05T10:00:00Z'); // recorded before the report was: still no case
    expect(factsAt(h, '2021-03-09T23:59:59.999Z')).toBeNull();
    expect(factsAt(h, '2021-03-10T00:00:00Z')).not.toBeNull();
  });

  it('given an event recorded after asOf, when facts are taken, then it is not seen; at its recordedAt exactly, it is', () => {
    const h = aCase(REPORT);
    h.withdrew('2021-03-06T10:00:00Z', {}, { recordedAt: '2021-03-20T10:00:00Z' });
    expect(factsAt(h, '2021-03-20T09:59:59.999Z')!.withdrawn).toBe(false);
    expect(factsAt(h, '2021-03-20T10:00:00Z')!.withdrawn).toBe(true);
  });

  it('given a voided withdrawal, when facts are taken after the void was recorded, then the case is not withdrawn', () => {
    const h = aCase(REPORT);
    const w = h.withdrew('2021-03-06T10:00:00Z');
    h.voids('2021-03-08T10:00:00Z', w);
    expect(factsAt(h, '2021-03-07T00:00:00Z')!.withdrawn).toBe(true);
    expect(factsAt(h, '2021-03-09T00:00:00Z')!.withdrawn).toBe(false);
  });

  it('given a void recorded after asOf (occurred before it), when facts are taken, then the void does not apply yet', () => {
    const h = aCase(REPORT);
    const w = h.withdrew('2021-03-06T10:00:00Z');
    h.voids('2021-03-07T10:00:00Z', w, { recordedAt: '2021-04-01T00:00:00Z' });
    expect(factsAt(h, '2021-03-31T00:00:00Z')!.withdrawn).toBe(true);
    expect(factsAt(h, '2021-04-01T00:00:00Z')!.withdrawn).toBe(false);
  });

  it('given a withdrawal voided and re-recorded with corrected details, when facts are taken, then only the re-recorded one counts', () => {
    const h = aCase(REPORT);
    const wrong = h.withdrew('2021-03-06T10:00:00Z', { reason: 'other', confirmedWithVictim: true });
    h.voids('2021-03-08T10:00:00Z', wrong);
    h.withdrew('2021-03-16T10:00:00Z', { reason: 'not_established', confirmedWithVictim: false }, { recordedAt: '2021-03-20T10:00:00Z' });
    const f = factsAt(h, '2021-04-01T00:00:00Z')!;
    expect([f.withdrawalReason, f.withdrawalUnconfirmed, f.daysToWithdrawal]).toEqual(['not_established', true, 12 - 0.25 / 24]);
  });

  it('given a void of a void (which the ledger refuses), when facts are taken, then the first void does not count and its target stands', () => {
    const h = aCase(REPORT);
    const w = h.withdrew('2021-03-06T10:00:00Z');
    const v = h.voids('2021-03-07T10:00:00Z', w);
    h.voids('2021-03-08T10:00:00Z', v);
    expect(factsAt(h, '2021-03-07T12:00:00Z')!.withdrawn).toBe(false);
    expect(factsAt(h, '2021-03-09T00:00:00Z')!.withdrawn).toBe(true);
  });

  it('given a voided CaseReported (which the ledger refuses), when facts are taken, then the case is not in view', () => {
    const h = aCase(REPORT);
    h.voids('2021-03-07T10:00:00Z', h.events()[0]!);
    expect(factsAt(h, '2021-03-09T00:00:00Z')).toBeNull();
  });

  it('given a void delivered before its target (out of ledger order), when facts are taken, then it still applies', () => {
    const h = aCase(REPORT);
    const w = h.withdrew('2021-03-06T10:00:00Z');
    const v = h.voids('2021-03-08T10:00:00Z', w);
    const [report] = h.events();
    const d = digestsOf([report!, v, w]).get('C-1')!; // void folded before its target
    expect(typeof d.ev.find((e) => e.t === T.EntryVoided)!.d).toBe('string');
    expect(caseFacts(d, instantMs('2021-03-09T00:00:00Z'))!.withdrawn).toBe(false);
  });
});

describe('caseFacts: order of events', () => {
  it('given a withdrawal and a re-engagement at the same instant, when facts are taken, then ledger order decides the one in effect', () => {
    const a = aCase(REPORT);
    a.withdrew('2021-03-06T10:00:00Z');
    a.reengaged('2021-03-06T10:00:00Z');
    expect(factsAt(a, '2021-04-01T00:00:00Z')!.withdrawn).toBe(false);

    const b = aCase(REPORT);
    b.withdrew('2021-03-05T10:00:00Z');
    b.reengaged('2021-03-06T10:00:00Z');
    b.withdrew('2021-03-06T10:00:00Z');
    expect(factsAt(b, '2021-04-01T00:00:00Z')!.withdrawn).toBe(true);
  });

  it('given a withdrawal recorded late that occurred before a re-engagement, when facts are taken, then occurredAt order decides, not ledger order', () => {
    const h = aCase(REPORT);
    h.withdrew('2021-03-05T10:00:00Z');
    h.reengaged('2021-03-10T10:00:00Z');
    h.withdrew('2021-03-07T10:00:00Z', {}, { recordedAt: '2021-03-12T10:00:00Z' }); // later in the ledger, earlier in the world
    expect(factsAt(h, '2021-04-01T00:00:00Z')!.withdrawn).toBe(false);
  });

  it('given events, when taken in view, then they come in occurredAt order with ledger order breaking ties, voided ones left out', () => {
    const h = aCase(REPORT);
    const late = h.contact('2021-03-09T10:00:00Z');
    const tieA = h.contact('2021-03-05T10:00:00Z');
    const tieB = h.contact('2021-03-05T10:00:00Z');
    const voided = h.contact('2021-03-06T10:00:00Z');
    const v = h.voids('2021-03-07T10:00:00Z', voided);
    const d = digestsOf(h.events()).get('C-1')!;
    expect(eventsInView(d, instantMs('2021-04-01T00:00:00Z')).map((e) => e.p)).toEqual([1, tieA.position, tieB.position, v.position, late.position]);
  });
});

describe('caseFacts: what depends on asOf', () => {
  it('given a case, when facts are taken, then they say for which asOf range the view is the same', () => {
    const h = aCase(REPORT);
    h.contact('2021-03-05T10:00:00Z', 'update', 'to_victim', { recordedAt: '2021-03-05T11:00:00Z' });
    h.contact('2021-03-06T10:00:00Z', 'update', 'to_victim', { recordedAt: '2021-03-20T00:00:00Z' });
    const f = factsAt(h, '2021-03-10T00:00:00Z')!;
    expect([f.viewFromMs, f.viewUntilMs]).toEqual([instantMs('2021-03-05T11:00:00Z'), instantMs('2021-03-20T00:00:00Z')]);
    expect(factsHoldAt(f, instantMs('2021-03-19T23:59:59.999Z'))).toBe(true);
    expect(factsHoldAt(f, instantMs('2021-03-20T00:00:00Z'))).toBe(false);
    expect(factsHoldAt(f, instantMs('2021-03-05T10:59:59.999Z'))).toBe(false);
    expect(factsAt(h, '2021-03-20T00:00:00Z')!.viewUntilMs).toBeNull();
    expect(nextViewChangeMs(digestsOf(h.events()).get('C-1')!, instantMs('2021-03-10T00:00:00Z'))).toBe(instantMs('2021-03-20T00:00:00Z'));
  });

  it('given facts cached at one asOf, when aggregated at a later asOf with the same view, then the result equals facts taken at that asOf', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized('2021-03-05T10:00:00Z');
    const cached = factsAt(h, '2021-03-05T12:00:00Z')!; // device held 2 h, last update gap 1 day
    for (const later of ['2021-03-06T10:00:00Z', '2021-03-06T10:00:00.001Z', '2021-04-01T10:15:00Z', '2021-04-01T10:15:00.001Z']) {
      const ms = instantMs(later);
      expect(aggregateTimeliness([cached], ms)).toEqual(aggregateTimeliness([factsAt(h, later)!], ms));
    }
    expect(aggregateTimeliness([cached], instantMs('2021-04-01T10:15:00.001Z')).victimUpdates.gapsOver28Days).toBe(1);
    expect(aggregateTimeliness([cached], instantMs('2021-03-06T10:00:00.001Z')).victimDevices.heldOver24hWithoutReplacement).toBe(1);
  });

  it('given facts of everything recorded (asOf = Infinity, for a "now" cache), then they hold and agree from the last recordedAt on', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized('2021-03-05T10:00:00Z');
    h.contact('2021-03-06T10:00:00Z', 'update', 'to_victim', { recordedAt: '2021-03-09T00:00:00Z' });
    const latest = caseFacts(digestsOf(h.events()).get('C-1')!, Infinity)!;
    expect(latest.viewUntilMs).toBeNull();
    expect(factsHoldAt(latest, instantMs('2021-03-08T23:59:59.999Z'))).toBe(false); // the contact is not recorded yet then
    for (const at of ['2021-03-09T00:00:00Z', '2021-04-03T10:00:00Z', '2021-04-03T10:00:00.001Z']) {
      expect(factsHoldAt(latest, instantMs(at))).toBe(true);
      expect(aggregateTimeliness([latest], instantMs(at))).toEqual(aggregateTimeliness([factsAt(h, at)!], instantMs(at)));
    }
  });

  it('given facts, when serialised to JSON and back (how the read model stores them), then they are equal', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized('2021-03-05T10:00:00Z');
    h.returned('2021-03-09T10:00:00Z');
    h.withdrew('2021-03-06T10:00:00Z');
    const f = factsAt(h, '2021-04-01T00:00:00Z')!;
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
  });
});
