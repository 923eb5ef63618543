import { aCase, LedgerBuilder, viewAt } from '../testing/case-history.js';
import { oddsRatio, PREDICTOR_FACTORS } from './predictors-view.js';

const REPORT = '2021-03-04T10:15:00Z';
const CLOSED = '2021-05-01T10:00:00Z';

describe('oddsRatio', () => {
  it('given no zero cell, then OR = (a·d)/(b·c) with the log-normal 95% interval', () => {
    // a=4, b=2, c=3, d=6: OR = 24/6 = 4; se = sqrt(1/4 + 1/2 + 1/3 + 1/6) = sqrt(1.25)
    const r = oddsRatio(4, 2, 3, 6);
    expect(r.oddsRatio).toBe(4);
    expect(r.ci95![0]).toBeCloseTo(4 * Math.exp(-1.96 * Math.sqrt(1.25)), 12);
    expect(r.ci95![1]).toBeCloseTo(4 * Math.exp(1.96 * Math.sqrt(1.25)), 12);
    expect(r.ci95![0]).toBeCloseTo(0.447065, 6);
    expect(r.ci95![1]).toBeCloseTo(35.789014, 6);
  });

  it('given a zero cell, then 0.5 is added to every cell (hand-computed: a=2, b=0, c=1, d=3 → OR = 2.5·3.5/(0.5·1.5) = 35/3)', () => {
    const r = oddsRatio(2, 0, 1, 3);
    expect(r.oddsRatio).toBeCloseTo(35 / 3, 12);
    // se = sqrt(1/2.5 + 1/0.5 + 1/1.5 + 1/3.5) = sqrt(3.352380952…) = 1.830951…
    expect(r.ci95![0]).toBeCloseTo(0.322411, 6);
    expect(r.ci95![1]).toBeCloseTo(422.166339, 6);
  });

  it('given a side with no cases, then OR and ci95 are null', () => {
    expect(oddsRatio(0, 0, 1, 3)).toEqual({ oddsRatio: null, ci95: null });
    expect(oddsRatio(2, 1, 0, 0)).toEqual({ oddsRatio: null, ci95: null });
  });
});

describe('predictors view', () => {
  it('given no closed cases, then every factor is present in order with empty sides and null ratios', () => {
    const v = viewAt('predictors', aCase(REPORT), '2021-12-31T00:00:00Z');
    expect(v.closed).toBe(0);
    expect(v.factors.map((f) => f.factor)).toEqual([...PREDICTOR_FACTORS]);
    expect(v.factors.every((f) => f.oddsRatio === null && f.ci95 === null && f.with.cases === 0 && f.without.cases === 0)).toBe(true);
  });

  it('given closed cases with and without additional needs, then the 2×2 table and the 0.5-corrected ratio are right', () => {
    const ledger = new LedgerBuilder();
    // with additionalNeeds: 2 NFA, 0 not NFA; without: 1 NFA, 3 not NFA; plus an open case (not counted)
    [[true, 16], [true, 14], [false, 16], [false, 1], [false, 1], [false, 2]].forEach(([needs, code], k) => {
      ledger.case(`C-${k}`, REPORT, { additionalNeeds: needs as boolean }).closed(CLOSED, code as number);
    });
    ledger.case('open', REPORT, { additionalNeeds: true });
    const v = viewAt('predictors', ledger, '2021-12-31T00:00:00Z');
    expect([v.closed, v.nfa]).toEqual([6, 3]);
    const f = v.factors.find((x) => x.factor === 'additionalNeeds')!;
    expect(f).toEqual({ factor: 'additionalNeeds', with: { cases: 2, nfa: 2 }, without: { cases: 4, nfa: 1 }, ...oddsRatio(2, 0, 1, 3) });
    expect(f.oddsRatio).toBeCloseTo(35 / 3, 12);
  });

  it('given each factor, then it is read as views.md defines it', () => {
    const ledger = new LedgerBuilder();
    const a = ledger.case('inconsistency', REPORT);
    a.add('AccountInconsistencyNoted', '2021-03-10T10:00:00Z'); a.closed(CLOSED);
    const b = ledger.case('victim-device', REPORT);
    b.requestDevice('2021-03-10T10:00:00Z'); b.closed(CLOSED);
    const s = ledger.case('suspect-device-only', REPORT);
    s.requestDevice('2021-03-10T10:00:00Z', 's', { owner: 'suspect' }); s.closed(CLOSED);
    ledger.case('non-recent', '2021-03-01T00:00:00.001Z', { offenceFrom: '2020-03-01' }).closed(CLOSED);     // 365 days + 1 ms
    ledger.case('recent-365', '2021-03-01T00:00:00Z', { offenceFrom: '2020-03-01' }).closed(CLOSED);         // exactly 365 days
    const i = ledger.case('isva-30', REPORT);
    i.add('IsvaEngaged', '2021-04-03T10:15:00Z'); i.closed(CLOSED);                                         // exactly 30 days
    const j = ledger.case('isva-late', REPORT);
    j.add('IsvaEngaged', '2021-04-03T10:15:00.001Z'); j.closed(CLOSED);
    ledger.case('stranger', REPORT, { relationship: 'stranger' }).closed(CLOSED);
    const v = viewAt('predictors', ledger, '2021-12-31T00:00:00Z');
    const withCases = Object.fromEntries(v.factors.map((f) => [f.factor, f.with.cases]));
    expect(withCases).toEqual({
      accountInconsistencyNoted: 1, victimDeviceRequested: 1, nonRecent: 1, isvaEngagedWithin30Days: 1, additionalNeeds: 0, strangerRelationship: 1,
    });
    expect(v.factors.every((f) => f.with.cases + f.without.cases === 8)).toBe(true);
  });

  it('given an open case or a reopened one, then it is not in the table; the outcome in effect decides NFA', () => {
    const ledger = new LedgerBuilder();
    const r = ledger.case('reopened', REPORT);
    r.closed('2021-04-01T10:00:00Z', 16); r.reopened('2021-04-10T10:00:00Z');
    const c = ledger.case('reclosed', REPORT);
    c.closed('2021-04-01T10:00:00Z', 16); c.reopened('2021-04-10T10:00:00Z'); c.closed(CLOSED, 1);
    const v = viewAt('predictors', ledger, '2021-12-31T00:00:00Z');
    expect([v.closed, v.nfa]).toEqual([1, 0]);
  });
});
