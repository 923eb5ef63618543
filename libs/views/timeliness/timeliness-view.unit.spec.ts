import { aCase, LedgerBuilder, viewAt, type CaseHistory } from '../testing/case-history.js';

const REPORT = '2021-03-04T10:15:00Z';
const SEIZED = '2021-03-05T10:00:00Z';
const timeliness = (h: CaseHistory | LedgerBuilder, asOf = '2021-12-31T00:00:00Z') => viewAt('timeliness', h, asOf);
const devices = (h: CaseHistory | LedgerBuilder, asOf?: string) => timeliness(h, asOf).victimDevices;

describe('timeliness view: victim devices held', () => {
  it('given a device returned exactly 1 day after seizure, then it was returned within 24 h and not held over', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized(SEIZED);
    h.returned('2021-03-06T10:00:00Z');
    expect(devices(h)).toMatchObject({ seized: 1, returned: 1, stillHeld: 0, returnedWithin24h: 1, replacedWithin24h: 0, heldOver24hWithoutReplacement: 0 });
  });

  it('given a device returned 1 day and 1 ms after seizure with no replacement, then it was held over 24 h', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized(SEIZED);
    h.returned('2021-03-06T10:00:00.001Z');
    expect(devices(h)).toMatchObject({ returnedWithin24h: 0, replacedWithin24h: 0, heldOver24hWithoutReplacement: 1 });
  });

  it('given a replacement exactly 1 day after seizure, then the device was replaced within 24 h', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized(SEIZED);
    h.replace('2021-03-06T10:00:00Z');
    h.returned('2021-03-20T10:00:00Z');
    expect(devices(h)).toMatchObject({ returnedWithin24h: 0, replacedWithin24h: 1, heldOver24hWithoutReplacement: 0 });
  });

  it('given a replacement 1 day and 1 ms after seizure, then it is too late: held over 24 h without replacement', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized(SEIZED);
    h.replace('2021-03-06T10:00:00.001Z');
    expect(devices(h)).toMatchObject({ replacedWithin24h: 0, heldOver24hWithoutReplacement: 1 });
  });

  it('given a device returned within 24 h and also replaced, then it counts as returned within 24 h only', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized(SEIZED);
    h.replace('2021-03-05T11:00:00Z');
    h.returned('2021-03-05T20:00:00Z');
    expect(devices(h)).toMatchObject({ returnedWithin24h: 1, replacedWithin24h: 0, heldOver24hWithoutReplacement: 0 });
  });

  it('given a device still held, then it is held over 24 h only once asOf is more than 1 day after seizure', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized(SEIZED);
    expect(devices(h, '2021-03-06T10:00:00Z')).toMatchObject({ stillHeld: 1, heldOver24hWithoutReplacement: 0 });
    expect(devices(h, '2021-03-06T10:00:00.001Z')).toMatchObject({ stillHeld: 1, heldOver24hWithoutReplacement: 1 });
  });

  it('given a device still held and replaced within 1 day, then it counts as replaced even before 24 h have passed', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized(SEIZED);
    h.replace('2021-03-05T12:00:00Z');
    expect(devices(h, '2021-03-05T13:00:00Z')).toMatchObject({ replacedWithin24h: 1, heldOver24hWithoutReplacement: 0 });
  });

  it('given the return recorded but the seizure not yet recorded at asOf, then the device is neither seized nor returned', () => {
    const h = aCase(REPORT);
    h.requestDevice(SEIZED);
    h.agree(SEIZED);
    h.seize(SEIZED, 'dev-1', { recordedAt: '2021-03-30T00:00:00Z' });
    h.returned('2021-03-10T10:00:00Z');
    expect(devices(h, '2021-03-20T00:00:00Z')).toMatchObject({ seized: 0, returned: 0, stillHeld: 0, retentionDays: { mean: null } });
    expect(devices(h, '2021-03-30T00:00:00Z')).toMatchObject({ seized: 1, returned: 1, stillHeld: 0, retentionDays: { max: 5 } });
  });

  it('given suspect and witness devices, then they are not victim devices', () => {
    const h = aCase(REPORT);
    for (const owner of ['suspect', 'witness'] as const) {
      h.requestDevice(SEIZED, owner, { owner });
      h.seize(SEIZED, owner);
    }
    expect(devices(h)).toMatchObject({ seized: 0, heldOver24hWithoutReplacement: 0 });
  });

  it('given returned devices held 1, 2, 4 and 10 days, then retentionDays are mean 4.25, median 3, p90 10 (nearest rank), max 10', () => {
    const h = aCase(REPORT);
    [1, 2, 4, 10].forEach((d, k) => {
      h.victimDeviceSeized(SEIZED, `dev-${k}`);
      h.returned(new Date(Date.parse(SEIZED) + d * 86_400_000).toISOString(), `dev-${k}`);
    });
    h.victimDeviceSeized(SEIZED, 'still-held');
    expect(devices(h)).toMatchObject({ seized: 5, returned: 4, stillHeld: 1, retentionDays: { mean: 4.25, median: 3, p90: 10, max: 10 } });
  });
});

describe('timeliness view: extraction and examination', () => {
  it('given a failed then a complete extraction, then the latest did not fail and the device awaits examination', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized(SEIZED);
    h.extract('2021-03-06T10:00:00Z', 'dev-1', 'failed');
    h.extract('2021-03-07T10:00:00Z', 'dev-1', 'complete');
    expect(devices(h)).toMatchObject({ extractionFailed: 0, awaitingExamination: 1 });
  });

  it('given a complete then a failed extraction, then the latest failed, and the complete one still awaits examination', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized(SEIZED);
    h.extract('2021-03-06T10:00:00Z', 'dev-1', 'complete');
    h.extract('2021-03-07T10:00:00Z', 'dev-1', 'failed');
    expect(devices(h)).toMatchObject({ extractionFailed: 1, awaitingExamination: 1 });
  });

  it('given only failed extractions, then nothing awaits examination', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized(SEIZED);
    h.extract('2021-03-06T10:00:00Z', 'dev-1', 'failed');
    expect(devices(h)).toMatchObject({ extractionFailed: 1, awaitingExamination: 0, extractionToExaminationDays: { median: null } });
  });

  it('given examinations, then extractionToExaminationDays runs from the first complete extraction, and examined devices no longer await', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized(SEIZED, 'a');
    h.extract('2021-03-06T10:00:00Z', 'a');
    h.extract('2021-03-08T10:00:00Z', 'a');
    h.examine('2021-03-10T10:00:00Z', 'a');
    h.victimDeviceSeized(SEIZED, 'b');
    h.extract('2021-03-06T10:00:00Z', 'b');
    h.examine('2021-03-06T22:00:00Z', 'b');
    expect(devices(h)).toMatchObject({ awaitingExamination: 0, extractionToExaminationDays: { median: (4 + 0.5) / 2 } });
  });
});

describe('timeliness view: victim updates', () => {
  it('given no update and an open case, then the one interval runs from the report to asOf: exactly 28 days is not over 28', () => {
    const h = aCase(REPORT);
    expect(timeliness(h, '2021-04-01T10:15:00Z').victimUpdates).toEqual({ casesWithGapOver28Days: 0, gapsOver28Days: 0 });
    expect(timeliness(h, '2021-04-01T10:15:00.001Z').victimUpdates).toEqual({ casesWithGapOver28Days: 1, gapsOver28Days: 1 });
  });

  it('given updates, then every interval report → update → … → asOf over 28 days counts, and the case once', () => {
    const h = aCase(REPORT);
    h.contact('2021-04-10T10:15:00Z', 'update');   // 37 days: gap
    h.contact('2021-05-08T10:15:00Z', 'decision'); // exactly 28 days: no gap
    h.contact('2021-05-08T10:15:00Z', 'update');   // same instant: 0-day interval
    expect(timeliness(h, '2021-06-06T10:15:00.001Z').victimUpdates).toEqual({ casesWithGapOver28Days: 1, gapsOver28Days: 2 });
  });

  it('given contacts that are not updates (from the victim, or a welfare call), then they do not break a gap', () => {
    const h = aCase(REPORT);
    h.contact('2021-03-20T10:00:00Z', 'update', 'from_victim');
    h.contact('2021-03-21T10:00:00Z', 'welfare');
    h.contact('2021-03-22T10:00:00Z', 'interview_arrangement');
    expect(timeliness(h, '2021-04-10T00:00:00Z').victimUpdates.gapsOver28Days).toBe(1);
  });

  it('given an update at exactly the report instant, then it is an update and its interval from the report is 0 days', () => {
    const h = aCase(REPORT);
    h.contact(REPORT, 'update');
    expect(timeliness(h, '2021-04-01T10:15:00Z').victimUpdates.gapsOver28Days).toBe(0);
    expect(timeliness(h, '2021-04-01T10:15:00.001Z').victimUpdates.gapsOver28Days).toBe(1);
  });

  it('given a closed case, then the last interval ends at the closure and updates after it do not count', () => {
    const h = aCase(REPORT);
    h.closed('2021-04-01T10:15:00Z');                  // exactly 28 days: no gap
    h.contact('2021-04-20T10:15:00Z', 'decision');     // after the end
    expect(timeliness(h, '2021-12-31T00:00:00Z').victimUpdates.gapsOver28Days).toBe(0);
    const late = aCase(REPORT);
    late.contact('2021-03-10T10:15:00Z');
    late.closed('2021-04-07T10:15:00.001Z');           // 28 days and 1 ms after the update
    late.contact('2021-04-08T10:15:00Z');
    expect(timeliness(late, '2021-12-31T00:00:00Z').victimUpdates).toEqual({ casesWithGapOver28Days: 1, gapsOver28Days: 1 });
  });

  it('given an update at the closure instant, then it counts (not after the end)', () => {
    const h = aCase(REPORT);
    h.closed('2021-04-10T10:15:00Z');
    h.contact('2021-04-10T10:15:00Z', 'decision');
    expect(timeliness(h).victimUpdates.gapsOver28Days).toBe(1); // report → update is 37 days; update → closure is 0
  });

  it('given a case closed then reopened, then it is open: intervals run to asOf, through the closed period', () => {
    const h = aCase(REPORT);
    h.contact('2021-03-20T10:00:00Z');
    h.closed('2021-03-25T10:00:00Z');
    h.reopened('2021-05-01T10:00:00Z');
    h.contact('2021-05-02T10:00:00Z');
    expect(timeliness(h, '2021-05-10T00:00:00Z').victimUpdates.gapsOver28Days).toBe(1); // 20 March → 2 May
  });
});

describe('timeliness view: key decisions', () => {
  const decisionOn = (at: string, contactAt: string | null, purpose: 'decision' | 'update' = 'decision') => {
    const h = aCase(REPORT);
    h.add('KeyDecisionMade', at);
    if (contactAt !== null) h.contact(contactAt, purpose);
    return timeliness(h).keyDecisions;
  };

  it('given a decision on Friday 26 March 2021, when the victim is told by the end of Monday 29 March (BST), then she was informed in time', () => {
    expect(decisionOn('2021-03-26T16:00:00Z', '2021-03-29T22:59:59.999Z')).toEqual({ total: 1, victimInformedWithin1WorkingDay: 1 });
  });

  it('given a decision on Friday 26 March 2021, when the victim is told at 00:00 BST on Tuesday 30 March, then it is too late', () => {
    expect(decisionOn('2021-03-26T16:00:00Z', '2021-03-29T23:00:00Z')).toEqual({ total: 1, victimInformedWithin1WorkingDay: 0 });
  });

  it('given a decision on Thursday 1 April 2021, then the deadline is the end of Tuesday 6 April (Good Friday, Easter Monday)', () => {
    expect(decisionOn('2021-04-01T09:00:00+01:00', '2021-04-06T23:59:59.999+01:00').victimInformedWithin1WorkingDay).toBe(1);
    expect(decisionOn('2021-04-01T09:00:00+01:00', '2021-04-07T00:00:00+01:00').victimInformedWithin1WorkingDay).toBe(0);
  });

  it('given a decision late on Saturday 30 October 2021 UTC (Sunday 31 October in London), then the deadline is the end of Monday 1 November (GMT)', () => {
    expect(decisionOn('2021-10-30T23:30:00Z', '2021-11-01T23:59:59.999Z').victimInformedWithin1WorkingDay).toBe(1);
    expect(decisionOn('2021-10-30T23:30:00Z', '2021-11-02T00:00:00Z').victimInformedWithin1WorkingDay).toBe(0);
  });

  it('given a decision contact at the same instant as the decision, then it counts; 1 ms before, it does not', () => {
    expect(decisionOn('2021-03-10T10:00:00Z', '2021-03-10T10:00:00Z').victimInformedWithin1WorkingDay).toBe(1);
    expect(decisionOn('2021-03-10T10:00:00Z', '2021-03-10T09:59:59.999Z').victimInformedWithin1WorkingDay).toBe(0);
  });

  it('given a contact with purpose update (not decision), then the victim was not informed of the decision', () => {
    expect(decisionOn('2021-03-10T10:00:00Z', '2021-03-10T11:00:00Z', 'update').victimInformedWithin1WorkingDay).toBe(0);
  });

  it('given two decisions and one contact after both, then the one contact can inform both', () => {
    const h = aCase(REPORT);
    h.add('KeyDecisionMade', '2021-03-10T10:00:00Z');
    h.add('KeyDecisionMade', '2021-03-10T11:00:00Z', { decision: 'released_on_bail' });
    h.contact('2021-03-11T09:00:00Z', 'decision');
    expect(timeliness(h).keyDecisions).toEqual({ total: 2, victimInformedWithin1WorkingDay: 2 });
  });
});

describe('timeliness view: ISVA', () => {
  const referral = (report: string, referredAt: string) => {
    const h = aCase(report);
    h.add('IsvaReferred', referredAt);
    return timeliness(h).isva;
  };

  it('given a report late on Saturday 27 March 2021 (GMT), then referral by the end of Tuesday 30 March (BST) is within 2 working days', () => {
    expect(referral('2021-03-27T23:30:00Z', '2021-03-30T22:59:59.999Z').referredWithin2WorkingDays).toBe(1);
    expect(referral('2021-03-27T23:30:00Z', '2021-03-30T23:00:00Z').referredWithin2WorkingDays).toBe(0);
  });

  it('given a report at 23:30 UTC on Sunday 6 June 2021 (Monday in London), then the two working days are Tuesday and Wednesday', () => {
    expect(referral('2021-06-06T23:30:00Z', '2021-06-09T22:59:59.999Z').referredWithin2WorkingDays).toBe(1);
  });

  it('given a report on Thursday 1 April 2021, then the second working day after is Wednesday 7 April', () => {
    expect(referral('2021-04-01T10:00:00+01:00', '2021-04-07T23:59:59.999+01:00').referredWithin2WorkingDays).toBe(1);
    expect(referral('2021-04-01T10:00:00+01:00', '2021-04-08T00:00:00+01:00').referredWithin2WorkingDays).toBe(0);
  });

  it('given two referrals, then the first decides', () => {
    const h = aCase(REPORT);
    h.add('IsvaReferred', '2021-03-20T10:00:00Z');
    h.add('IsvaReferred', '2021-03-05T10:00:00Z', {}, { recordedAt: '2021-03-21T10:00:00Z' });
    expect(timeliness(h, '2021-03-20T12:00:00Z').isva).toMatchObject({ referred: 1, referredWithin2WorkingDays: 0 });
    expect(timeliness(h, '2021-03-21T12:00:00Z').isva).toMatchObject({ referred: 1, referredWithin2WorkingDays: 1 });
  });

  it('given engagements, then engaged counts cases and daysToEngagement runs from the report to the first engagement', () => {
    const ledger = new LedgerBuilder();
    const a = ledger.case('A', REPORT);
    a.add('IsvaEngaged', '2021-03-06T10:15:00Z');
    a.add('IsvaEngaged', '2021-03-08T10:15:00Z');
    ledger.case('B', REPORT).add('IsvaEngaged', '2021-03-10T10:15:00Z');
    ledger.case('C', REPORT);
    expect(timeliness(ledger).isva).toEqual({ referred: 0, referredWithin2WorkingDays: 0, engaged: 2, daysToEngagement: { median: 4 } });
  });
});

describe('timeliness view: recording and outcome', () => {
  it('given events, a voided one and its void, then events count the void but not the voided event', () => {
    const h = aCase(REPORT);
    const c = h.contact('2021-03-05T10:00:00Z');
    h.voids('2021-03-06T10:00:00Z', c);
    h.contact('2021-03-07T10:00:00Z');
    expect(timeliness(h).recording.events).toBe(3);
  });

  it('given events recorded exactly 7 days late and 7 days and 1 ms late, then only the second is over 7 days late', () => {
    const h = aCase(REPORT);
    h.contact('2021-03-05T10:00:00Z', 'update', 'to_victim', { recordedAt: '2021-03-12T10:00:00Z' });
    h.contact('2021-03-05T10:00:00Z', 'update', 'to_victim', { recordedAt: '2021-03-12T10:00:00.001Z' });
    expect(timeliness(h).recording).toEqual({ events: 3, recordedOver7DaysLate: 1 });
  });

  it('given an event recorded after asOf, then it is not counted at all', () => {
    const h = aCase(REPORT);
    h.contact('2021-03-05T10:00:00Z', 'update', 'to_victim', { recordedAt: '2021-03-20T00:00:00Z' });
    expect(timeliness(h, '2021-03-19T00:00:00Z').recording).toEqual({ events: 1, recordedOver7DaysLate: 0 });
  });

  it('given closed cases, then daysToOutcome is the median of days(report, closure in effect)', () => {
    const ledger = new LedgerBuilder();
    ledger.case('A', REPORT).closed('2021-03-14T10:15:00Z');
    const b = ledger.case('B', REPORT);
    b.closed('2021-03-05T10:15:00Z');
    b.reopened('2021-03-06T10:15:00Z');
    b.closed('2021-03-24T10:15:00Z');
    ledger.case('C', REPORT);
    expect(timeliness(ledger).daysToOutcome).toEqual({ median: 15 });
  });
});
