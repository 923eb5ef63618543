import { WITHDRAWAL_REASONS } from '../../case-ledger/domain/vocabulary.js';
import { aCase, LedgerBuilder, viewAt } from '../testing/case-history.js';

const REPORT = '2021-03-04T10:15:00Z';
const AS_OF = '2021-12-31T00:00:00Z';
const withdrawal = (h: Parameters<typeof viewAt>[1], asOf = AS_OF) => viewAt('withdrawal', h, asOf);

describe('withdrawal view: daysToWithdrawal', () => {
  it.each([
    ['exactly 7 days', '2021-03-11T10:15:00Z', { within7: 1, within30: 1, within90: 1, over90: 0 }],
    ['7 days and 1 ms', '2021-03-11T10:15:00.001Z', { within7: 0, within30: 1, within90: 1, over90: 0 }],
    ['exactly 30 days', '2021-04-03T10:15:00Z', { within7: 0, within30: 1, within90: 1, over90: 0 }],
    ['30 days and 1 ms', '2021-04-03T10:15:00.001Z', { within7: 0, within30: 0, within90: 1, over90: 0 }],
    ['exactly 90 days', '2021-06-02T10:15:00Z', { within7: 0, within30: 0, within90: 1, over90: 0 }],
    ['90 days and 1 ms', '2021-06-02T10:15:00.001Z', { within7: 0, within30: 0, within90: 0, over90: 1 }],
  ])('given a withdrawal %s after the report, then the cumulative buckets are right', (_, at, buckets) => {
    const h = aCase(REPORT);
    h.withdrew(at);
    expect(withdrawal(h).daysToWithdrawal).toMatchObject(buckets);
  });

  it('given a withdrawal across the March clock change, then days are elapsed time over 24 h (not calendar days)', () => {
    const h = aCase('2021-03-27T12:00:00Z');
    h.withdrew('2021-04-03T12:00:00+01:00'); // 7 calendar days, 6 days 23 hours elapsed
    expect(withdrawal(h).daysToWithdrawal.median).toBe(7 - 1 / 24);
  });

  it('given four withdrawn cases, then the median is the mean of the two middle values; with three, the middle one', () => {
    const ledger = new LedgerBuilder();
    ['2021-03-05T10:15:00Z', '2021-03-07T10:15:00Z', '2021-03-14T10:15:00Z', '2021-05-03T10:15:00Z'].forEach((at, k) => {
      ledger.case(`C-${k}`, REPORT).withdrew(at);
    });
    expect(withdrawal(ledger).daysToWithdrawal.median).toBe((3 + 10) / 2);
    ledger.case('C-x', REPORT); // not withdrawn: not in the median
    expect(withdrawal(ledger).daysToWithdrawal.median).toBe(6.5);
    ledger.case('C-y', REPORT).withdrew('2021-03-04T10:15:00Z');
    expect(withdrawal(ledger).daysToWithdrawal.median).toBe(3);
  });

  it('given a withdrawal, a re-engagement and a second withdrawal, then the second one is the withdrawal (days, reason, confirmation)', () => {
    const h = aCase(REPORT);
    h.withdrew('2021-03-05T10:15:00Z', { reason: 'fear_of_court_process', confirmedWithVictim: true });
    h.reengaged('2021-03-10T10:15:00Z');
    h.withdrew('2021-04-14T10:15:00Z', { reason: 'lost_confidence_in_police', confirmedWithVictim: false });
    const v = withdrawal(h);
    expect(v.withdrawn).toBe(1);
    expect(v.daysToWithdrawal).toEqual({ within7: 0, within30: 0, within90: 1, over90: 0, median: 41 });
    expect(v.reasons.lost_confidence_in_police).toBe(1);
    expect(v.reasons.fear_of_court_process).toBe(0);
    expect(v.unconfirmedWithdrawals).toBe(1);
  });

  it('given a withdrawal followed by a re-engagement, then the case is not withdrawn', () => {
    const h = aCase(REPORT);
    h.withdrew('2021-03-05T10:15:00Z');
    h.reengaged('2021-03-10T10:15:00Z');
    expect(withdrawal(h)).toMatchObject({ withdrawn: 0, daysToWithdrawal: { median: null } });
  });
});

describe('withdrawal view: reasons', () => {
  it('given no withdrawals, then all 11 reason codes are present with 0, in the vocabulary order', () => {
    expect(Object.entries(withdrawal(aCase(REPORT)).reasons)).toEqual(WITHDRAWAL_REASONS.map((r) => [r, 0]));
  });
});

describe('withdrawal view: circumstances of the withdrawal', () => {
  it('given an ISVA engaged at the same instant as the withdrawal, then it was not withdrawn before ISVA engagement ("at or before")', () => {
    const h = aCase(REPORT);
    h.withdrew('2021-03-10T10:00:00Z');
    h.add('IsvaEngaged', '2021-03-10T10:00:00Z');
    expect(withdrawal(h).withdrawnBeforeIsvaEngaged).toBe(0);
  });

  it('given an ISVA engaged 1 ms after the withdrawal, then it was withdrawn before ISVA engagement', () => {
    const h = aCase(REPORT);
    h.withdrew('2021-03-10T10:00:00Z');
    h.add('IsvaEngaged', '2021-03-10T10:00:00.001Z');
    expect(withdrawal(h).withdrawnBeforeIsvaEngaged).toBe(1);
  });

  it('given a victim device request at the same instant (later in the ledger), then it was withdrawn after a victim device request', () => {
    const h = aCase(REPORT);
    h.withdrew('2021-03-10T10:00:00Z');
    h.requestDevice('2021-03-10T10:00:00Z');
    expect(withdrawal(h).withdrawnAfterVictimDeviceRequest).toBe(1);
  });

  it('given only a suspect device request, or a victim request after the withdrawal, then it does not count', () => {
    const h = aCase(REPORT);
    h.requestDevice('2021-03-05T10:00:00Z', 'sus-1', { owner: 'suspect' });
    h.withdrew('2021-03-10T10:00:00Z');
    h.requestDevice('2021-03-10T10:00:00.001Z', 'dev-1');
    expect(withdrawal(h).withdrawnAfterVictimDeviceRequest).toBe(0);
  });

  it('given the victim cancelled her interview wishing to rearrange, then the withdrawal was while an interview was pending', () => {
    const h = aCase(REPORT);
    h.add('InterviewScheduled', '2021-03-05T10:00:00Z');
    h.add('InterviewCancelled', '2021-03-06T10:00:00Z', { victimWishesToRearrange: true });
    h.withdrew('2021-03-10T10:00:00Z');
    expect(withdrawal(h).withdrawnWhileInterviewPending).toBe(1);
  });

  it('given the interview was rescheduled after the cancellation, or cancelled without wishing to rearrange, then it does not count', () => {
    const a = aCase(REPORT);
    a.add('InterviewCancelled', '2021-03-06T10:00:00Z', { victimWishesToRearrange: true });
    a.add('InterviewScheduled', '2021-03-07T10:00:00Z', { interviewId: 'vri-2' });
    a.withdrew('2021-03-10T10:00:00Z');
    expect(withdrawal(a).withdrawnWhileInterviewPending).toBe(0);
    const b = aCase(REPORT);
    b.add('InterviewCancelled', '2021-03-06T10:00:00Z', { victimWishesToRearrange: false });
    b.withdrew('2021-03-10T10:00:00Z');
    expect(withdrawal(b).withdrawnWhileInterviewPending).toBe(0);
  });

  it('given a cancellation at the same instant as the withdrawal but later in the ledger, then it is at the withdrawal and counts', () => {
    const h = aCase(REPORT);
    h.add('InterviewScheduled', '2021-03-05T10:00:00Z');
    h.withdrew('2021-03-10T10:00:00Z');
    h.add('InterviewCancelled', '2021-03-10T10:00:00Z', { victimWishesToRearrange: true });
    expect(withdrawal(h).withdrawnWhileInterviewPending).toBe(1);
  });

  it('given two interview events at the same instant, then the later in the ledger is the last one', () => {
    const h = aCase(REPORT);
    h.add('InterviewCancelled', '2021-03-06T10:00:00Z', { victimWishesToRearrange: true });
    h.add('InterviewScheduled', '2021-03-06T10:00:00Z', { interviewId: 'vri-2' });
    h.withdrew('2021-03-10T10:00:00Z');
    expect(withdrawal(h).withdrawnWhileInterviewPending).toBe(0);
  });

  it('given a cancellation recorded after asOf, then it is not seen', () => {
    const h = aCase(REPORT);
    h.add('InterviewCancelled', '2021-03-06T10:00:00Z', { victimWishesToRearrange: true }, { recordedAt: '2021-03-20T00:00:00Z' });
    h.withdrew('2021-03-10T10:00:00Z');
    expect(withdrawal(h, '2021-03-19T00:00:00Z').withdrawnWhileInterviewPending).toBe(0);
    expect(withdrawal(h, '2021-03-20T00:00:00Z').withdrawnWhileInterviewPending).toBe(1);
  });
});

describe('withdrawal view: outcomes', () => {
  it('given closed cases, then outcomes count codes that occur (keys as strings, in numeric order) and NFA codes', () => {
    const ledger = new LedgerBuilder();
    [16, 2, 16, 14, 20, 1].forEach((code, k) => ledger.case(`C-${k}`, REPORT).closed('2021-04-01T10:00:00Z', code));
    ledger.case('C-open', REPORT);
    const v = withdrawal(ledger);
    expect(v.closed).toBe(6);
    expect(JSON.stringify(v.outcomes)).toBe('{"1":1,"2":1,"14":1,"16":2,"20":1}');
    expect(v.nfaOutcomes).toBe(4);
  });

  it('given a case closed, reopened, and not closed again, then it is not closed', () => {
    const h = aCase(REPORT);
    h.closed('2021-04-01T10:00:00Z', 16);
    h.reopened('2021-05-01T10:00:00Z');
    expect(withdrawal(h)).toMatchObject({ closed: 0, outcomes: {}, nfaOutcomes: 0 });
  });

  it('given a case closed, reopened and closed again, then the last closure is the outcome', () => {
    const h = aCase(REPORT);
    h.closed('2021-04-01T10:00:00Z', 16);
    h.reopened('2021-05-01T10:00:00Z');
    h.closed('2021-06-01T10:00:00Z', 1);
    expect(withdrawal(h)).toMatchObject({ closed: 1, outcomes: { 1: 1 }, nfaOutcomes: 0 });
  });

  it('given outcome 14 or 16 without a withdrawal in effect (none, or re-engaged), then it counts; with one, it does not', () => {
    const ledger = new LedgerBuilder();
    ledger.case('none', REPORT).closed('2021-04-01T10:00:00Z', 14);
    const re = ledger.case('reengaged', REPORT);
    re.withdrew('2021-03-10T10:00:00Z');
    re.reengaged('2021-03-20T10:00:00Z');
    re.closed('2021-04-01T10:00:00Z', 16);
    const w = ledger.case('withdrawn', REPORT);
    w.withdrew('2021-03-10T10:00:00Z');
    w.closed('2021-04-01T10:00:00Z', 16);
    ledger.case('other-nfa', REPORT).closed('2021-04-01T10:00:00Z', 15);
    expect(withdrawal(ledger).victimWithdrawalOutcomesWithoutWithdrawal).toBe(2);
  });
});
