import { caseFactsOf } from './case-digest/case-facts.js';
import { digestsOf } from './case-digest/case-digest.js';
import { instantMs } from './domain/instant.js';
import { aggregateView, compareByCodePoint, computeView, parseViewParams, ViewParamError, VIEW_NAMES, type Grouped } from './query.js';
import { LedgerBuilder, viewAt } from './testing/case-history.js';
import type { WithdrawalView } from './withdrawal/withdrawal-view.js';

const paramError = (raw: Record<string, string>): ViewParamError => {
  try { parseViewParams(raw); } catch (e) { return e as ViewParamError; }
  throw new Error('expected a ViewParamError');
};

describe('parseViewParams', () => {
  it('given no parameters, then asOf is now and nothing is filtered or grouped', () => {
    expect(parseViewParams({}, 1234)).toEqual({ asOfMs: 1234, reportedFromMs: null, reportedToMs: null, force: null, borough: null, team: null, groupBy: null });
  });

  it('given report dates in summer time, then they are the starts of those London days', () => {
    const p = parseViewParams({ asOf: '2021-07-01T00:00:00+01:00', reportedFrom: '2021-04-01', reportedTo: '2021-11-01' });
    expect(p.asOfMs).toBe(instantMs('2021-06-30T23:00:00Z'));
    expect(p.reportedFromMs).toBe(instantMs('2021-03-31T23:00:00Z'));
    expect(p.reportedToMs).toBe(instantMs('2021-11-01T00:00:00Z'));
  });

  it.each([
    [{ asOf: '2021-07-01' }, 'asOf'],
    [{ asOf: '2021-07-01T00:00:00' }, 'asOf'],
    [{ reportedFrom: '2021-02-30' }, 'reportedFrom'],
    [{ reportedTo: '01/04/2021' }, 'reportedTo'],
    [{ reportedFrom: '2021-04-01', reportedTo: '2021-04-01' }, 'reportedTo'],
    [{ force: '' }, 'force'],
    [{ borough: '  ' }, 'borough'],
    [{ groupBy: 'officer' }, 'groupBy'],
    [{ reportedfrom: '2021-04-01' }, 'reportedfrom'],
  ])('given %j, then the error names %s', (raw, param) => {
    const e = paramError(raw as Record<string, string>);
    expect(e).toBeInstanceOf(ViewParamError);
    expect(e.param).toBe(param);
    expect(e.message).toContain(param);
  });
});

describe('computeView: cohort', () => {
  const ledger = new LedgerBuilder();
  ledger.case('before', '2021-03-31T22:59:59.999Z', { force: 'MPS', borough: 'Brent' }); // 31 March 23:59:59.999 BST
  ledger.case('first', '2021-03-31T23:00:00Z', { force: 'MPS', borough: 'brent' });       // 1 April 00:00 BST
  ledger.case('last', '2021-04-30T22:59:59.999Z', { force: 'BTP', borough: 'Ålesund' });
  ledger.case('after', '2021-04-30T23:00:00Z', { force: 'MPS', borough: 'Brent', team: 'T9' });
  const asOf = '2021-07-01T00:00:00Z';

  it('given reportedFrom and reportedTo, then the cohort is [start of reportedFrom, start of reportedTo) in London', () => {
    expect(viewAt('withdrawal', ledger, asOf, { reportedFrom: '2021-04-01', reportedTo: '2021-05-01' }).cases).toBe(2);
    expect(viewAt('withdrawal', ledger, asOf, { reportedFrom: '2021-04-01' }).cases).toBe(3);
    expect(viewAt('withdrawal', ledger, asOf, { reportedTo: '2021-04-01' }).cases).toBe(1);
  });

  it('given force, borough and team filters, then they match CaseReported exactly (case-sensitive)', () => {
    expect(viewAt('withdrawal', ledger, asOf, { force: 'MPS' }).cases).toBe(3);
    expect(viewAt('withdrawal', ledger, asOf, { force: 'MPS', borough: 'Brent' }).cases).toBe(2);
    expect(viewAt('withdrawal', ledger, asOf, { team: 'T9' }).cases).toBe(1);
  });

  it('given groupBy, then there is one group per value present, sorted by code point (not locale), key first', () => {
    const v = viewAt('withdrawal', ledger, asOf, { groupBy: 'borough' }) as unknown as Grouped<WithdrawalView>;
    expect(v.groups.map((g) => [g.key, g.cases])).toEqual([['Brent', 2], ['brent', 1], ['Ålesund', 1]]);
    expect(Object.keys(v.groups[0]!)[0]).toBe('key');
    const f = viewAt('disproportionality', ledger, asOf, { groupBy: 'force', reportedFrom: '2021-04-01', reportedTo: '2021-05-01' }) as unknown as Grouped<{ cases: number }>;
    expect(f.groups.map((g) => [g.key, g.cases])).toEqual([['BTP', 1], ['MPS', 1]]);
  });

  it('given keys beyond U+FFFF, then groups sort by code point, not by UTF-16 code unit', () => {
    const l = new LedgerBuilder();
    for (const team of ['\u{1F600}', '\uFF21', 'Z', '\u00E9']) l.case(team, '2021-03-01T10:00:00Z', { team });
    const v = viewAt('withdrawal', l, asOf, { groupBy: 'team' }) as unknown as Grouped<WithdrawalView>;
    expect(v.groups.map((g) => g.key)).toEqual(['Z', '\u00E9', '\uFF21', '\u{1F600}']);
    expect(['\u{1F600}', '\uFF21'].sort()).toEqual(['\u{1F600}', '\uFF21']); // what `<` would have done
    expect(compareByCodePoint('ab', 'a')).toBeGreaterThan(0);
    expect(compareByCodePoint('a\u{10000}', 'a\uFFFF')).toBeGreaterThan(0);
  });

  it('given groupBy additionalNeeds, then the keys are the strings "false" and "true"', () => {
    const l = new LedgerBuilder();
    l.case('a', '2021-03-01T10:00:00Z', { additionalNeeds: true });
    l.case('b', '2021-03-01T10:00:00Z', { additionalNeeds: false });
    const v = viewAt('predictors', l, asOf, { groupBy: 'additionalNeeds' }) as unknown as Grouped<object>;
    expect(v.groups.map((g) => g.key)).toEqual(['false', 'true']);
  });

  it('given an empty cohort with groupBy, then there are no groups', () => {
    expect(viewAt('timeliness', ledger, asOf, { groupBy: 'team', force: 'nobody' })).toEqual({ groups: [] });
  });
});

describe('computeView: inputs', () => {
  const ledger = new LedgerBuilder();
  const a = ledger.case('A', '2021-03-04T10:15:00Z');
  a.victimDeviceSeized('2021-03-05T10:00:00Z');
  a.withdrew('2021-03-10T10:00:00Z', {}, { recordedAt: '2021-04-10T10:00:00Z' });
  ledger.case('B', '2021-03-20T10:15:00Z', {}, { recordedAt: '2021-05-01T00:00:00Z' });
  const digests = [...digestsOf(ledger.events).values()];

  it.each(VIEW_NAMES)('given digests or facts computed for the same asOf, then the %s view is the same', (name) => {
    for (const asOf of ['2021-04-01T00:00:00Z', '2021-06-01T00:00:00Z']) {
      const params = parseViewParams({ asOf });
      expect(computeView(name, caseFactsOf(digests, params.asOfMs), params)).toEqual(computeView(name, digests, params));
    }
  });

  it.each(VIEW_NAMES)('given facts, when aggregateView takes the %s view with and without cohort parameters, then it equals computeView', (name) => {
    for (const raw of [{}, { reportedFrom: '2021-03-10' }, { groupBy: 'borough', force: 'MPS' }]) {
      const params = parseViewParams({ asOf: '2021-06-01T00:00:00Z', ...raw });
      expect(aggregateView(name, caseFactsOf(digests, params.asOfMs), params)).toEqual(computeView(name, digests, params));
    }
  });

  it('given a case whose report is not recorded at asOf, then it is in no view', () => {
    expect((computeView('withdrawal', digests, parseViewParams({ asOf: '2021-04-30T00:00:00Z' })) as WithdrawalView).cases).toBe(1);
    expect((computeView('withdrawal', digests, parseViewParams({ asOf: '2021-05-01T00:00:00Z' })) as WithdrawalView).cases).toBe(2);
  });

  it('given an unknown view name, then the error names the view', () => {
    expect(() => computeView('nonsense' as never, digests, parseViewParams({}))).toThrow(/unknown view "nonsense"/);
  });
});
