import { digestsOf } from '../../views/case-digest/case-digest.js';
import { instantMs } from '../../views/domain/instant.js';
import { aCase, LedgerBuilder, type CaseHistory } from '../../views/testing/case-history.js';
import { worklistCounts, worklistEntry, worklistRows, type WorklistName } from './worklist-rules.js';

const REPORT = '2021-03-04T10:15:00Z';
const ALL = { force: null, borough: null, team: null };

/** The case ids on `list` at `now`, in list order. */
function listed(h: CaseHistory | LedgerBuilder, list: WorklistName, now: string): string[] {
  const ledger = h instanceof LedgerBuilder ? h : h.ledger;
  const entries = [...digestsOf(ledger.events).values()].map((d) => worklistEntry(d)!);
  return worklistRows(entries, list, ALL, instantMs(now)).map((r) => r.caseId);
}

describe('worklist: victims\' devices held over 24 hours with no replacement', () => {
  it('given a victim device seized, when exactly 1 day has passed, then it is not listed; 1 ms later it is', () => {
    const h = aCase(REPORT);
    h.victimDeviceSeized('2021-03-05T09:00:00Z');
    expect(listed(h, 'devices-held-over-24h', '2021-03-06T09:00:00Z')).toEqual([]);
    expect(listed(h, 'devices-held-over-24h', '2021-03-06T09:00:00.001Z')).toEqual(['C-1']);
  });

  it('given a replacement (even a late one) or a return, then the device is not listed', () => {
    const replaced = new LedgerBuilder();
    const a = replaced.case('A', REPORT); a.victimDeviceSeized('2021-03-05T09:00:00Z'); a.replace('2021-03-09T09:00:00Z');
    const b = replaced.case('B', REPORT); b.victimDeviceSeized('2021-03-05T09:00:00Z'); b.returned('2021-03-20T09:00:00Z');
    expect(listed(replaced, 'devices-held-over-24h', '2021-06-01T00:00:00Z')).toEqual([]);
  });

  it('given a suspect\'s device seized, then it is not listed (victims\' devices only)', () => {
    const h = aCase(REPORT);
    h.requestDevice('2021-03-05T09:00:00Z', 'dev-s', { owner: 'suspect' });
    h.seize('2021-03-05T09:00:00Z', 'dev-s');
    expect(listed(h, 'devices-held-over-24h', '2021-06-01T00:00:00Z')).toEqual([]);
  });

  it('given the seizure was voided, then the device is not listed', () => {
    const h = aCase(REPORT);
    h.requestDevice('2021-03-05T09:00:00Z'); h.agree('2021-03-05T09:00:00Z');
    const seizure = h.seize('2021-03-05T09:00:00Z');
    h.voids('2021-03-06T09:00:00Z', seizure);
    expect(listed(h, 'devices-held-over-24h', '2021-06-01T00:00:00Z')).toEqual([]);
  });
});

describe('worklist: extractions awaiting examination', () => {
  it('given two complete extractions without examination and one examined, then the two are listed, oldest first, with their request', () => {
    const ledger = new LedgerBuilder();
    const late = ledger.case('LATE', REPORT); late.victimDeviceSeized('2021-03-05T09:00:00Z'); late.extract('2021-04-01T09:00:00Z');
    const early = ledger.case('EARLY', REPORT); early.victimDeviceSeized('2021-03-05T09:00:00Z'); early.extract('2021-03-10T09:00:00Z', 'dev-1', 'failed'); early.extract('2021-03-12T09:00:00Z');
    const done = ledger.case('DONE', REPORT); done.victimDeviceSeized('2021-03-05T09:00:00Z'); done.extract('2021-03-06T09:00:00Z'); done.examine('2021-03-08T09:00:00Z');
    const entries = [...digestsOf(ledger.events).values()].map((d) => worklistEntry(d)!);
    const rows = worklistRows(entries, 'extractions-awaiting-examination', ALL, instantMs('2021-05-01T00:00:00Z'));
    expect(rows.map((r) => [r.caseId, r.since, r.requestId])).toEqual([
      ['EARLY', '2021-03-12T09:00:00.000Z', 'dev-1'], ['LATE', '2021-04-01T09:00:00.000Z', 'dev-1'],
    ]);
  });
});

describe('worklist: open cases with no update for more than 28 days', () => {
  it('given an update, when exactly 28 days later, then not listed; 1 ms later, listed, since the update', () => {
    const h = aCase(REPORT);
    h.contact('2021-03-10T12:00:00Z', 'update');
    h.contact('2021-03-12T12:00:00Z', 'welfare');
    expect(listed(h, 'no-update-over-28-days', '2021-04-07T12:00:00Z')).toEqual([]); // 28 days of elapsed time
    expect(listed(h, 'no-update-over-28-days', '2021-04-07T12:00:00.001Z')).toEqual(['C-1']);
  });

  it('given no update at all, then the wait runs from the report; given the case closed, then it is not listed', () => {
    const open = aCase(REPORT);
    expect(listed(open, 'no-update-over-28-days', '2021-05-01T00:00:00Z')).toEqual(['C-1']);
    open.closed('2021-03-20T00:00:00Z', 1);
    expect(listed(open, 'no-update-over-28-days', '2021-05-01T00:00:00Z')).toEqual([]);
  });
});

describe('worklist: key decisions not communicated after one working day', () => {
  it('given a decision on a Friday and no decision contact, then it is due after the end of Monday (Europe/London)', () => {
    const h = aCase(REPORT);
    h.add('KeyDecisionMade', '2021-03-05T15:00:00Z'); // Friday
    expect(listed(h, 'decisions-not-communicated', '2021-03-08T23:59:59.999Z')).toEqual([]);
    expect(listed(h, 'decisions-not-communicated', '2021-03-09T00:00:00Z')).toEqual(['C-1']);
  });

  it('given a decision contact after the decision (late or not), or an update contact only, then listed only without a decision contact', () => {
    const ledger = new LedgerBuilder();
    const told = ledger.case('TOLD', REPORT); told.add('KeyDecisionMade', '2021-03-05T15:00:00Z'); told.contact('2021-03-20T10:00:00Z', 'decision');
    const updated = ledger.case('UPDATED', REPORT); updated.add('KeyDecisionMade', '2021-03-05T15:00:00Z'); updated.contact('2021-03-06T10:00:00Z', 'update');
    expect(listed(ledger, 'decisions-not-communicated', '2021-05-01T00:00:00Z')).toEqual(['UPDATED']);
  });
});

describe('worklist: withdrawals not confirmed with the victim', () => {
  it('given an unconfirmed withdrawal in effect, then listed; re-engaged, then not; a confirmed one, not', () => {
    const ledger = new LedgerBuilder();
    ledger.case('UNCONFIRMED', REPORT).withdrew('2021-03-10T10:00:00Z', { confirmedWithVictim: false });
    const back = ledger.case('BACK', REPORT); back.withdrew('2021-03-10T10:00:00Z', { confirmedWithVictim: false }); back.reengaged('2021-03-12T10:00:00Z');
    ledger.case('CONFIRMED', REPORT).withdrew('2021-03-10T10:00:00Z', { confirmedWithVictim: true });
    expect(listed(ledger, 'withdrawals-unconfirmed', '2021-05-01T00:00:00Z')).toEqual(['UNCONFIRMED']);
  });
});

describe('worklist: outcome 14/16 with no recorded withdrawal', () => {
  it('given closures 16 and 14 without withdrawal, 16 with one, and 15 without, then only the first two are listed', () => {
    const ledger = new LedgerBuilder();
    ledger.case('O16', REPORT).closed('2021-04-01T10:00:00Z', 16);
    ledger.case('O14', REPORT).closed('2021-04-02T10:00:00Z', 14);
    const w = ledger.case('W16', REPORT); w.withdrew('2021-03-20T10:00:00Z'); w.closed('2021-04-01T10:00:00Z', 16);
    ledger.case('O15', REPORT).closed('2021-04-01T10:00:00Z', 15);
    expect(listed(ledger, 'outcome-14-16-without-withdrawal', '2021-05-01T00:00:00Z')).toEqual(['O16', 'O14']);
  });

  it('given the case was reopened, then it is not listed', () => {
    const h = aCase(REPORT);
    h.closed('2021-04-01T10:00:00Z', 16);
    h.reopened('2021-04-10T10:00:00Z');
    expect(listed(h, 'outcome-14-16-without-withdrawal', '2021-05-01T00:00:00Z')).toEqual([]);
  });
});

describe('worklist: victims waiting to rearrange an interview', () => {
  it('given the last interview event is a cancellation the victim wants rearranged, then listed; rescheduled, then not', () => {
    const h = aCase(REPORT);
    h.add('InterviewScheduled', '2021-03-05T10:00:00Z');
    h.add('InterviewCancelled', '2021-03-08T10:00:00Z', { victimWishesToRearrange: true });
    expect(listed(h, 'interviews-to-rearrange', '2021-05-01T00:00:00Z')).toEqual(['C-1']);
    h.add('InterviewScheduled', '2021-03-09T10:00:00Z', { interviewId: 'vri-2' });
    expect(listed(h, 'interviews-to-rearrange', '2021-05-01T00:00:00Z')).toEqual([]);
  });

  it('given a cancellation without the wish to rearrange, or the case closed, then not listed', () => {
    const ledger = new LedgerBuilder();
    const no = ledger.case('NO', REPORT); no.add('InterviewScheduled', '2021-03-05T10:00:00Z'); no.add('InterviewCancelled', '2021-03-08T10:00:00Z', { victimWishesToRearrange: false });
    const closed = ledger.case('CLOSED', REPORT); closed.add('InterviewScheduled', '2021-03-05T10:00:00Z'); closed.add('InterviewCancelled', '2021-03-08T10:00:00Z'); closed.closed('2021-04-01T10:00:00Z', 16);
    expect(listed(ledger, 'interviews-to-rearrange', '2021-05-01T00:00:00Z')).toEqual([]);
  });
});

describe('worklists: scope and counts', () => {
  it('given cases of two forces, when scoped to one force, then rows and counts cover that force only', () => {
    const ledger = new LedgerBuilder();
    ledger.case('MPS-1', REPORT, { force: 'MPS' }).withdrew('2021-03-10T10:00:00Z', { confirmedWithVictim: false });
    ledger.case('KENT-1', REPORT, { force: 'KENT' }).withdrew('2021-03-10T10:00:00Z', { confirmedWithVictim: false });
    const entries = [...digestsOf(ledger.events).values()].map((d) => worklistEntry(d)!);
    const now = instantMs('2021-05-01T00:00:00Z');
    const kent = { force: 'KENT', borough: null, team: null };
    expect(worklistRows(entries, 'withdrawals-unconfirmed', kent, now).map((r) => r.caseId)).toEqual(['KENT-1']);
    expect(worklistCounts(entries, kent, now)).toMatchObject({ 'withdrawals-unconfirmed': 1, 'no-update-over-28-days': 1, 'devices-held-over-24h': 0 });
  });
});
