import { aCase, LedgerBuilder, viewAt, type CaseHistory } from '../testing/case-history.js';

const REPORT = '2021-03-04T10:15:00Z';
const REQUEST = '2021-03-05T10:00:00Z';
const view = (h: CaseHistory | LedgerBuilder, asOf = '2021-12-31T00:00:00Z') => viewAt('disproportionality', h, asOf);
const NO_FLAGS = {
  noLineOfEnquiry: 0, noAlternativesConsidered: 0, periodUnboundedOrBeyondWindow: 0, fullExtraction: 0, nonRecentNoContact: 0,
  requestedBeforeAccount: 0, repeatedAfterDecline: 0, notSupervisorAuthorised: 0, incompleteNotice: 0,
};
/** A case whose account was taken before any request, so a default request raises no flag. */
const accountTaken = (report = REPORT, overrides = {}): CaseHistory => {
  const h = aCase(report, overrides);
  h.add('InterviewScheduled', '2021-03-04T12:00:00Z');
  h.add('InterviewHeld', '2021-03-04T13:00:00Z');
  return h;
};

describe('disproportionality view: requests and responses', () => {
  it('given a well-founded request after the account, then no flag is raised', () => {
    const h = accountTaken();
    h.requestDevice(REQUEST);
    expect(view(h)).toMatchObject({ cases: 1, casesWithVictimDeviceRequest: 1, victimDeviceRequests: 1, flags: NO_FLAGS, flaggedRequests: 0 });
  });

  it('given agreed, declined, withdrawn-agreement and unanswered requests, then responses count agreed (withdrawn still agreed), declined, pending', () => {
    const h = accountTaken();
    h.requestDevice(REQUEST, 'a'); h.agree(REQUEST, 'a');
    h.requestDevice(REQUEST, 'b'); h.agree(REQUEST, 'b'); h.add('DeviceAgreementWithdrawn', REQUEST, { requestId: 'b' });
    h.requestDevice(REQUEST, 'c'); h.decline(REQUEST, 'c');
    h.requestDevice(REQUEST, 'd');
    expect(view(h).responses).toEqual({ agreed: 2, declined: 1, pending: 1 });
  });

  it('given suspect and witness requests, then they are not victim requests; suspect requests are counted apart', () => {
    const h = aCase(REPORT);
    h.requestDevice(REQUEST, 's', { owner: 'suspect', lineOfEnquiry: '' });
    h.requestDevice(REQUEST, 'w', { owner: 'witness', lineOfEnquiry: '' });
    expect(view(h)).toMatchObject({ casesWithVictimDeviceRequest: 0, victimDeviceRequests: 0, flaggedRequests: 0, suspectDeviceRequests: 1 });
  });

  it('given a voided request (and its voided agreement), then it is not counted', () => {
    const h = accountTaken();
    const r = h.requestDevice(REQUEST);
    const a = h.agree(REQUEST);
    h.voids('2021-03-06T10:00:00Z', a);
    h.voids('2021-03-06T10:00:00Z', r);
    expect(view(h)).toMatchObject({ victimDeviceRequests: 0, responses: { agreed: 0, declined: 0, pending: 0 } });
  });
});

describe('disproportionality view: flags', () => {
  it.each([
    ['noLineOfEnquiry', { lineOfEnquiry: '   ' }],
    ['noAlternativesConsidered', { alternativesConsidered: '' }],
    ['periodUnboundedOrBeyondWindow', { periodFrom: null }],
    ['periodUnboundedOrBeyondWindow', { periodTo: null }],
    ['fullExtraction', { dataCategories: ['messages', 'full_extraction'] }],
    ['notSupervisorAuthorised', { supervisorAuthorised: false }],
  ] as const)('given a request with %s, then that flag and only it is raised', (flag, data) => {
    const h = accountTaken();
    h.requestDevice(REQUEST, 'dev-1', data as never);
    expect(view(h)).toMatchObject({ flags: { ...NO_FLAGS, [flag]: 1 }, flaggedRequests: 1 });
  });

  it('given periodFrom exactly 30 calendar days before offenceFrom, then it is within the window; 31 days, beyond it', () => {
    const h = accountTaken(REPORT, { offenceFrom: '2021-02-27' });
    h.requestDevice(REQUEST, 'a', { periodFrom: '2021-01-28' });
    h.requestDevice(REQUEST, 'b', { periodFrom: '2021-01-27' });
    expect(view(h).flags.periodUnboundedOrBeyondWindow).toBe(1);
  });

  it('given periodFrom 30 calendar days before offenceFrom across the March clock change, then it is a date difference (still within)', () => {
    const h = accountTaken('2021-04-20T10:00:00Z', { offenceFrom: '2021-04-10' });
    h.requestDevice('2021-04-21T10:00:00Z', 'a', { periodFrom: '2021-03-11' });
    expect(view(h).flags.periodUnboundedOrBeyondWindow).toBe(0);
  });

  it('given the notice lacks any of its four statements, or was signed before completion, then the agreement has an incomplete notice', () => {
    const h = accountTaken();
    const lacks = ['informationSoughtStated', 'reasonStated', 'rightToRefuseStated', 'refusalNotEndingCaseStated'] as const;
    lacks.forEach((statement, k) => { h.requestDevice(REQUEST, `r${k}`); h.agree(REQUEST, `r${k}`, { [statement]: false }); });
    h.requestDevice(REQUEST, 'signed'); h.agree(REQUEST, 'signed', { signedBeforeCompleted: true });
    h.requestDevice(REQUEST, 'complete'); h.agree(REQUEST, 'complete');
    h.requestDevice(REQUEST, 'withdrawn'); h.agree(REQUEST, 'withdrawn', { reasonStated: false });
    h.add('DeviceAgreementWithdrawn', REQUEST, { requestId: 'withdrawn' });
    expect(view(h)).toMatchObject({ flags: { ...NO_FLAGS, incompleteNotice: 6 }, flaggedRequests: 6 });
  });

  it('given an unanswered request, then it has no incomplete notice (only agreements do)', () => {
    const h = accountTaken();
    h.requestDevice(REQUEST);
    h.decline('2021-03-06T10:00:00Z');
    expect(view(h).flags.incompleteNotice).toBe(0);
  });

  describe('nonRecentNoContact: days(start of offenceFrom in London, report) > 365 and no contact since', () => {
    it('given a report exactly 365 days after the start of offenceFrom (BST: 23:00 UTC the day before), then it is recent', () => {
      const h = accountTaken('2021-06-30T23:00:00Z', { offenceFrom: '2020-07-01', contactSinceOffence: false });
      h.requestDevice('2021-07-02T10:00:00Z');
      expect(view(h).flags.nonRecentNoContact).toBe(0);
    });

    it('given a report 365 days and 1 ms after it, then it is non-recent and flagged', () => {
      const h = accountTaken('2021-06-30T23:00:00.001Z', { offenceFrom: '2020-07-01', contactSinceOffence: false });
      h.requestDevice('2021-07-02T10:00:00Z');
      expect(view(h).flags.nonRecentNoContact).toBe(1);
    });

    it('given contact since the offence is true or unknown (null), then it is not flagged', () => {
      for (const contactSinceOffence of [true, null]) {
        const h = accountTaken('2021-03-04T10:00:00Z', { offenceFrom: '2015-01-01', contactSinceOffence });
        h.requestDevice(REQUEST);
        expect(view(h).flags.nonRecentNoContact).toBe(0);
      }
    });
  });

  describe('requestedBeforeAccount: no InterviewHeld strictly before the request', () => {
    it('given no interview held, then the request is flagged', () => {
      const h = aCase(REPORT);
      h.requestDevice(REQUEST);
      expect(view(h).flags.requestedBeforeAccount).toBe(1);
    });

    it('given the interview held at the same instant as the request, then it is not strictly before: flagged', () => {
      const h = aCase(REPORT);
      h.add('InterviewHeld', REQUEST);
      h.requestDevice(REQUEST);
      expect(view(h).flags.requestedBeforeAccount).toBe(1);
    });

    it('given the interview held 1 ms before the request, then it is not flagged', () => {
      const h = aCase(REPORT);
      h.add('InterviewHeld', '2021-03-05T09:59:59.999Z');
      h.requestDevice(REQUEST);
      expect(view(h).flags.requestedBeforeAccount).toBe(0);
    });

    it('given only a cancelled interview before the request, then the request is flagged', () => {
      const h = aCase(REPORT);
      h.add('InterviewScheduled', '2021-03-04T12:00:00Z');
      h.add('InterviewCancelled', '2021-03-04T13:00:00Z');
      h.requestDevice(REQUEST);
      expect(view(h).flags.requestedBeforeAccount).toBe(1);
    });
  });

  describe('repeatedAfterDecline: another victim request of the case declined before this request', () => {
    it('given a declined request and a new one after the decline, then the new one is flagged (not the declined one)', () => {
      const h = accountTaken();
      h.requestDevice(REQUEST, 'first'); h.decline('2021-03-06T10:00:00Z', 'first');
      h.requestDevice('2021-03-08T10:00:00Z', 'second');
      expect(view(h)).toMatchObject({ flags: { ...NO_FLAGS, repeatedAfterDecline: 1 }, flaggedRequests: 1 });
    });

    it('given a new request at the same instant as the decline, then it is not after the decline', () => {
      const h = accountTaken();
      h.requestDevice(REQUEST, 'first'); h.decline('2021-03-06T10:00:00Z', 'first');
      h.requestDevice('2021-03-06T10:00:00Z', 'second');
      expect(view(h).flags.repeatedAfterDecline).toBe(0);
    });

    it('given the declined request was a suspect device, then it does not count', () => {
      const h = accountTaken();
      h.requestDevice(REQUEST, 'sus', { owner: 'suspect' }); h.decline('2021-03-06T10:00:00Z', 'sus');
      h.requestDevice('2021-03-08T10:00:00Z', 'victim');
      expect(view(h).flags.repeatedAfterDecline).toBe(0);
    });

    it('given a decline in another case, then it does not count', () => {
      const ledger = new LedgerBuilder();
      const a = ledger.case('A', REPORT);
      a.requestDevice(REQUEST); a.decline('2021-03-06T10:00:00Z');
      ledger.case('B', REPORT).requestDevice('2021-03-08T10:00:00Z');
      expect(view(ledger).flags.repeatedAfterDecline).toBe(0);
    });
  });

  it('given a request with several flags, then each flag counts it and flaggedRequests counts it once', () => {
    const h = aCase(REPORT);
    h.requestDevice(REQUEST, 'dev-1', { lineOfEnquiry: '', alternativesConsidered: '', supervisorAuthorised: false });
    expect(view(h)).toMatchObject({ flags: { noLineOfEnquiry: 1, noAlternativesConsidered: 1, notSupervisorAuthorised: 1, requestedBeforeAccount: 1 }, flaggedRequests: 1 });
  });
});

describe('disproportionality view: examination and third parties', () => {
  it('given victim devices examined with and without relevant material, then examined and noRelevantMaterial count them', () => {
    const h = accountTaken();
    for (const [id, found] of [['a', true], ['b', false]] as const) {
      h.victimDeviceSeized(REQUEST, id);
      h.extract('2021-03-06T10:00:00Z', id);
      h.examine('2021-03-07T10:00:00Z', id, found);
    }
    h.requestDevice(REQUEST, 's', { owner: 'suspect' }); h.seize(REQUEST, 's'); h.extract('2021-03-06T10:00:00Z', 's'); h.examine('2021-03-07T10:00:00Z', 's', false);
    expect(view(h)).toMatchObject({ examined: 2, noRelevantMaterial: 1 });
  });

  it('given third-party requests, then each of their figures counts', () => {
    const h = aCase(REPORT);
    h.add('ThirdPartyMaterialRequested', REQUEST, { requestId: 't1', holder: 'counselling', seniorApproval: false, periodTo: null, lineOfEnquiry: ' ' });
    h.add('ThirdPartyMaterialRequested', REQUEST, { requestId: 't2', holder: 'counselling', seniorApproval: true, victimInformed: false });
    h.add('ThirdPartyMaterialRequested', REQUEST, { requestId: 't3', holder: 'medical', seniorApproval: false, periodFrom: null });
    expect(view(h).thirdParty).toEqual({
      requests: 3, noParameters: 2, noLineOfEnquiry: 1, counsellingRequests: 2, counsellingWithoutSeniorApproval: 1, victimNotInformed: 1,
    });
  });
});
