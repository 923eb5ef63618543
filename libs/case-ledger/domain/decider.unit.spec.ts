import { readFileSync } from 'node:fs';
import { COMMAND_FOR_EVENT, EVENT_FOR_COMMAND, commandFor } from './commands.js';
import {
  ALLOWED_WHILE_CLOSED, decide, evolve, foldCase, historyOf, initialState, isVoided, ledgerOf, step, toEntry, validateAppend,
  type CaseState,
} from './decider.js';
import { RuleViolationError, type RuleCode } from './errors.js';
import { parseEventLine } from './interchange.js';
import { EVENT_TYPES, type CaseEvent, type EventType } from './vocabulary.js';
import { at, ev, nextUuid } from './testing-fixtures.js';

// given(history).when(event).thenAccepts() / .thenRefuses('rule.code'). The given history is itself
// judged event by event, so every scenario starts from a history the ledger would have accepted.
function given(history: CaseEvent[]) {
  let state = initialState();
  for (const e of history) {
    try {
      validateAppend(state, e);
    } catch (err) {
      throw new Error(`the given history is refused at ${e.type} ${e.metadata.eventId}: ${(err as Error).message}`);
    }
    state = evolve(state, e);
  }
  return {
    state,
    when(event: CaseEvent) {
      return {
        thenAccepts(): CaseState {
          expect(decide(commandFor(event), state)).toEqual([event]);
          return evolve(state, event);
        },
        thenRefuses(rule: RuleCode): RuleViolationError {
          let error: unknown;
          try {
            decide(commandFor(event), state);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(RuleViolationError);
          const r = error as RuleViolationError;
          expect({ rule: r.rule, code: r.code }).toEqual({ rule, code: rule });
          expect(r.message.length).toBeGreaterThan(20);
          return r;
        },
      };
    },
  };
}

const report = ev('CaseReported', at(4));
const reported = [report];
const request = (owner: 'victim' | 'suspect' | 'witness' = 'victim', requestId = 'dev-1', when = at(5)) =>
  ev('DeviceRequested', when, { owner, requestId });
const agreed = [...reported, request(), ev('DeviceRequestAgreed', at(6))];
const seized = [...agreed, ev('DeviceSeized', at(7))];
const extracted = [...seized, ev('DeviceExtracted', at(8))];
const closed = [...reported, ev('CaseClosed', at(10))];

describe('the report', () => {
  it('comes first', () => {
    given([]).when(ev('OfficerAssigned', at(4))).thenRefuses('rule.report_first');
  });
  it('comes once', () => {
    given(reported).when(ev('CaseReported', at(5))).thenRefuses('rule.report_once');
  });
  it('comes before every other event (same instant is fine)', () => {
    given(reported).when(ev('OfficerAssigned', at(4))).thenAccepts();
    const r = given(reported).when(ev('OfficerAssigned', at(3))).thenRefuses('rule.before_report');
    expect(r.field).toBe('occurredAt');
  });
  it('starts a case: version counts the events folded', () => {
    const s = given([]).when(report).thenAccepts();
    expect(s.version).toBe(1);
    expect(s.summary.status).toBe('open');
    expect(s.caseId).toBe(report.metadata.caseId);
  });
  it('belongs to one case: an event of another case is refused', () => {
    given(reported).when(ev('OfficerAssigned', at(5), {}, { caseId: 'OTHER-1' })).thenRefuses('rule.wrong_case');
  });
});

describe('a closed case', () => {
  it('takes no OfficerAssigned (nor any event off the list) until reopened', () => {
    const r = given(closed).when(ev('OfficerAssigned', at(11))).thenRefuses('rule.case_closed');
    expect(r.message).toContain('OfficerAssigned');
  });
  it.each([
    ['CaseReopened', []],
    ['ConcernRaised', []],
    ['ReviewRequested', []],
    ['ReviewDecided', [ev('ReviewRequested', at(11))]],
    ['VictimContactMade', []],
    ['DeviceReturned', [ev('DeviceExtracted', at(8))]],
    ['EntryVoided', [ev('OfficerAssigned', at(9), {}, { eventId: 'e0000000-0000-4000-8000-000000000001' })]],
  ] as [EventType, CaseEvent[]][])('takes %s', (type, before) => {
    const history = type === 'DeviceReturned' || type === 'EntryVoided'
      ? [...seized, ...before, ev('CaseClosed', at(10))]
      : [...closed, ...before];
    given(history).when(ev(type, at(12))).thenAccepts();
  });
  it('lists exactly the seven events of the spec', () => {
    expect([...ALLOWED_WHILE_CLOSED].sort()).toEqual(
      ['CaseReopened', 'ConcernRaised', 'DeviceReturned', 'EntryVoided', 'ReviewDecided', 'ReviewRequested', 'VictimContactMade'],
    );
  });
  it('cannot be closed again', () => {
    given(closed).when(ev('CaseClosed', at(11))).thenRefuses('rule.case_closed');
  });
  it('is reopened only when closed', () => {
    given(reported).when(ev('CaseReopened', at(11))).thenRefuses('rule.case_not_closed');
  });
  it('takes anything again once reopened, and can be closed again', () => {
    const history = [...closed, ev('CaseReopened', at(11))];
    given(history).when(ev('OfficerAssigned', at(12))).thenAccepts();
    given(history).when(ev('CaseClosed', at(12), { outcomeCode: 1 })).thenAccepts();
    given(history).when(ev('CaseReopened', at(12))).thenRefuses('rule.case_not_closed');
  });
});

describe('device requests', () => {
  it('are agreed or declined once', () => {
    given(agreed).when(ev('DeviceRequestAgreed', at(7))).thenRefuses('rule.already_responded');
    given(agreed).when(ev('DeviceRequestDeclined', at(7))).thenRefuses('rule.already_responded');
    given([...reported, request(), ev('DeviceRequestDeclined', at(6))]).when(ev('DeviceRequestAgreed', at(7))).thenRefuses('rule.already_responded');
  });
  it('need an agreement before it is withdrawn', () => {
    given([...reported, request()]).when(ev('DeviceAgreementWithdrawn', at(7))).thenRefuses('rule.needs_agreement');
    given([...reported, request(), ev('DeviceRequestDeclined', at(6))]).when(ev('DeviceAgreementWithdrawn', at(7))).thenRefuses('rule.needs_agreement');
    given(agreed).when(ev('DeviceAgreementWithdrawn', at(7))).thenAccepts();
  });
  it('cannot have the agreement withdrawn after the seizure', () => {
    given(seized).when(ev('DeviceAgreementWithdrawn', at(8))).thenRefuses('rule.already_seized');
  });
  it('take no further device events once the agreement is withdrawn (a concern is not a device event)', () => {
    const withdrawn = [...agreed, ev('DeviceAgreementWithdrawn', at(7))];
    for (const type of ['DeviceSeized', 'DeviceRequestAgreed', 'DeviceRequestDeclined', 'DeviceAgreementWithdrawn', 'DeviceExtracted'] as const) {
      given(withdrawn).when(ev(type, at(8))).thenRefuses('rule.agreement_withdrawn');
    }
    given(withdrawn).when(ev('ConcernRaised', at(8), { requestId: 'dev-1', kind: 'pressure_to_agree' })).thenAccepts();
  });
  it("seize a victim's or a witness's device only with agreement", () => {
    given([...reported, request('victim')]).when(ev('DeviceSeized', at(7))).thenRefuses('rule.needs_agreement');
    given([...reported, request('witness')]).when(ev('DeviceSeized', at(7))).thenRefuses('rule.needs_agreement');
    given([...reported, request('victim'), ev('DeviceRequestDeclined', at(6))]).when(ev('DeviceSeized', at(7))).thenRefuses('rule.needs_agreement');
  });
  it("seize a suspect's device without agreement, even after a refusal", () => {
    given([...reported, request('suspect')]).when(ev('DeviceSeized', at(7))).thenAccepts();
    given([...reported, request('suspect'), ev('DeviceRequestDeclined', at(6))]).when(ev('DeviceSeized', at(7))).thenAccepts();
  });
  it('seize a device once', () => {
    given(seized).when(ev('DeviceSeized', at(8))).thenRefuses('rule.already_seized');
  });
  it('extract, replace and return only a seized device', () => {
    for (const type of ['DeviceExtracted', 'ReplacementDeviceProvided', 'DeviceReturned'] as const) {
      given(agreed).when(ev(type, at(8))).thenRefuses('rule.needs_seizure');
      given(seized).when(ev(type, at(8))).thenAccepts();
    }
  });
  it('examine only after a complete extraction at or before the examination, and once', () => {
    given(seized).when(ev('DeviceExamined', at(9))).thenRefuses('rule.needs_complete_extraction');
    const failed = [...seized, ev('DeviceExtracted', at(8), { outcome: 'failed' })];
    given(failed).when(ev('DeviceExamined', at(9))).thenRefuses('rule.needs_complete_extraction');
    given([...failed, ev('DeviceExtracted', at(9), { outcome: 'complete' })]).when(ev('DeviceExamined', at(9))).thenAccepts();
    given([...extracted, ev('DeviceExamined', at(9))]).when(ev('DeviceExamined', at(10))).thenRefuses('rule.already_examined');
    // a complete extraction recorded late, after an examination's instant, does not count for it
    given([...failed, ev('DeviceExtracted', at(12))]).when(ev('DeviceExamined', at(11))).thenRefuses('rule.needs_complete_extraction');
  });
  it('return once; no replacement after the return; nothing but a concern after the return', () => {
    const returned = [...extracted, ev('DeviceReturned', at(9))];
    given(returned).when(ev('DeviceReturned', at(10))).thenRefuses('rule.already_returned');
    given(returned).when(ev('ReplacementDeviceProvided', at(10))).thenRefuses('rule.already_returned');
    given(returned).when(ev('DeviceExamined', at(10))).thenRefuses('rule.after_return');
    given(returned).when(ev('DeviceExtracted', at(10))).thenRefuses('rule.after_return');
    given(returned).when(ev('ConcernRaised', at(10), { requestId: 'dev-1' })).thenAccepts();
  });
  it('accept several replacements and extractions while the device is held (decision 3)', () => {
    const history = [...extracted, ev('ReplacementDeviceProvided', at(8)), ev('DeviceExamined', at(9))];
    given(history).when(ev('ReplacementDeviceProvided', at(10))).thenAccepts();
    given(history).when(ev('DeviceExtracted', at(10), { outcome: 'failed' })).thenAccepts();
  });
});

describe('request ids', () => {
  it('must name a request of the case', () => {
    const r = given(reported).when(ev('DeviceSeized', at(7), { requestId: 'dev-9' })).thenRefuses('rule.unknown_request');
    expect(r.field).toBe('data.requestId');
    given(reported).when(ev('ThirdPartyMaterialReceived', at(7))).thenRefuses('rule.unknown_request');
    given(reported).when(ev('ConcernRaised', at(7), { requestId: 'dev-9' })).thenRefuses('rule.unknown_request');
    given(reported).when(ev('ConcernRaised', at(7), { requestId: null })).thenAccepts();
  });
  it('are unique within the case, device and third-party requests sharing one namespace', () => {
    given(agreed).when(request('victim', 'dev-1', at(8))).thenRefuses('rule.request_id_taken');
    given(agreed).when(ev('ThirdPartyMaterialRequested', at(8), { requestId: 'dev-1' })).thenRefuses('rule.request_id_taken');
    given(agreed).when(request('victim', 'dev-2', at(8))).thenAccepts();
  });
  it('refuse a device event naming a third-party request, and the reverse', () => {
    const both = [...agreed, ev('ThirdPartyMaterialRequested', at(6))];
    given(both).when(ev('DeviceSeized', at(7), { requestId: 'tp-1' })).thenRefuses('rule.wrong_request_kind');
    given(both).when(ev('ThirdPartyMaterialReceived', at(7), { requestId: 'dev-1' })).thenRefuses('rule.wrong_request_kind');
  });
  it('are named at or after the request (an event placed before it is refused)', () => {
    given([...reported, request('suspect', 'dev-1', at(6, 12))]).when(ev('DeviceSeized', at(6, 11))).thenRefuses('rule.unknown_request');
    given([...reported, request('suspect', 'dev-1', at(6, 12))]).when(ev('DeviceSeized', at(6, 12))).thenAccepts();
  });
});

describe('third-party material', () => {
  const requested = [...reported, ev('ThirdPartyMaterialRequested', at(6))];
  it('is received once, for its request', () => {
    given(requested).when(ev('ThirdPartyMaterialReceived', at(7))).thenAccepts();
    given([...requested, ev('ThirdPartyMaterialReceived', at(7))]).when(ev('ThirdPartyMaterialReceived', at(8))).thenRefuses('rule.already_received');
  });
});

describe('withdrawal and re-engagement', () => {
  it('re-engagement needs a withdrawal in effect', () => {
    given(reported).when(ev('VictimReengaged', at(6))).thenRefuses('rule.no_withdrawal_in_effect');
    given([...reported, ev('VictimWithdrew', at(6))]).when(ev('VictimReengaged', at(7))).thenAccepts();
    given([...reported, ev('VictimWithdrew', at(6)), ev('VictimReengaged', at(7))]).when(ev('VictimReengaged', at(8))).thenRefuses('rule.no_withdrawal_in_effect');
  });
  it('a second withdrawal after re-engagement is in effect again; withdrawing twice in a row is accepted (decision 1)', () => {
    const again = [...reported, ev('VictimWithdrew', at(6)), ev('VictimReengaged', at(7)), ev('VictimWithdrew', at(8))];
    given(again).when(ev('VictimReengaged', at(9))).thenAccepts();
    given([...reported, ev('VictimWithdrew', at(6))]).when(ev('VictimWithdrew', at(7))).thenAccepts();
  });
  it('a re-engagement recorded late before the withdrawal is refused', () => {
    given([...reported, ev('VictimWithdrew', at(8))]).when(ev('VictimReengaged', at(7))).thenRefuses('rule.no_withdrawal_in_effect');
  });
});

describe('interviews', () => {
  const scheduled = [...reported, ev('InterviewScheduled', at(5))];
  it('are held or cancelled only when scheduled and still pending', () => {
    given(reported).when(ev('InterviewHeld', at(6))).thenRefuses('rule.interview_not_pending');
    given(scheduled).when(ev('InterviewHeld', at(6))).thenAccepts();
    given(scheduled).when(ev('InterviewHeld', at(6), { interviewId: 'vri-2' })).thenRefuses('rule.interview_not_pending');
    given([...scheduled, ev('InterviewCancelled', at(6))]).when(ev('InterviewHeld', at(7))).thenRefuses('rule.interview_not_pending');
    given([...scheduled, ev('InterviewHeld', at(6))]).when(ev('InterviewCancelled', at(7))).thenRefuses('rule.interview_not_pending');
  });
  it('may be rescheduled while scheduled, re-armed after a cancellation, never scheduled after being held', () => {
    given(scheduled).when(ev('InterviewScheduled', at(6))).thenAccepts();
    const rearmed = [...scheduled, ev('InterviewCancelled', at(6)), ev('InterviewScheduled', at(7))];
    given(rearmed).when(ev('InterviewHeld', at(8))).thenAccepts();
    given([...scheduled, ev('InterviewHeld', at(6))]).when(ev('InterviewScheduled', at(7))).thenRefuses('rule.interview_already_held');
  });
});

describe('reviews', () => {
  it('are decided only when requested and not yet decided (counted, decision 2)', () => {
    given(closed).when(ev('ReviewDecided', at(11))).thenRefuses('rule.no_pending_review');
    const two = [...closed, ev('ReviewRequested', at(11)), ev('ReviewRequested', at(12)), ev('ReviewDecided', at(13))];
    given(two).when(ev('ReviewDecided', at(14))).thenAccepts();
    given([...two, ev('ReviewDecided', at(14))]).when(ev('ReviewDecided', at(15))).thenRefuses('rule.no_pending_review');
  });
});

describe('late-recorded events are judged in their place', () => {
  it('accepts a seizure recorded late between the agreement and later events', () => {
    const history = [...agreed, ev('OfficerAssigned', at(9)), ev('VictimContactMade', at(10))];
    const s = given(history).when(ev('DeviceSeized', at(7))).thenAccepts();
    // and the device events that need it now follow
    given([...history, ev('DeviceSeized', at(7))]).when(ev('DeviceExtracted', at(11))).thenAccepts();
    expect(historyOf(s).map((e) => e.type)).toEqual(
      ['CaseReported', 'DeviceRequested', 'DeviceRequestAgreed', 'DeviceSeized', 'OfficerAssigned', 'VictimContactMade'],
    );
  });
  it('refuses a seizure recorded late with occurredAt before the agreement', () => {
    given([...agreed, ev('OfficerAssigned', at(9))]).when(ev('DeviceSeized', at(5, 12))).thenRefuses('rule.needs_agreement');
  });
  it('refuses a late event that would make a later one break a rule, naming that one', () => {
    const assigned = ev('OfficerAssigned', at(12));
    const r = given([...reported, assigned]).when(ev('CaseClosed', at(11))).thenRefuses('rule.case_closed');
    expect(r.atEventId).toBe(assigned.metadata.eventId);
    expect(r.message).toContain(assigned.metadata.eventId);
    // a return recorded late, before an extraction already in the ledger: the extraction would follow the return
    const extraction = ev('DeviceExtracted', at(9));
    const r2 = given([...seized, extraction]).when(ev('DeviceReturned', at(8))).thenRefuses('rule.after_return');
    expect(r2.atEventId).toBe(extraction.metadata.eventId);
  });
  it('accepts a withdrawal recorded two weeks late, before the closure (the example case)', () => {
    given([...reported, ev('DeviceRequested', at(8)), ev('CaseClosed', at(30))]).when(ev('VictimWithdrew', at(20))).thenAccepts();
    given([...reported, ev('CaseClosed', at(30))]).when(ev('OfficerAssigned', at(20))).thenAccepts();
  });
});

describe('ties in occurredAt go by ledger order', () => {
  it('puts a new event at the same instant as the closure after it', () => {
    given(closed).when(ev('OfficerAssigned', at(10))).thenRefuses('rule.case_closed');
    given(closed).when(ev('VictimContactMade', at(10))).thenAccepts();
  });
  it('puts it after an equal-instant event already recorded, in the middle of the history', () => {
    // agreement and seizure at the same instant; a later event exists so the seizure is inserted
    given([...reported, request(), ev('DeviceRequestAgreed', at(6)), ev('OfficerAssigned', at(9))]).when(ev('DeviceSeized', at(6))).thenAccepts();
    // a closure at the instant of existing events goes after them, then refuses nothing before it
    given([...reported, ev('OfficerAssigned', at(9)), ev('SuspectIdentified', at(12))]).when(ev('CaseClosed', at(9))).thenRefuses('rule.case_closed');
  });
});

describe('voids', () => {
  const wrongOfficer = ev('OfficerAssigned', at(5), { officerId: 'ds-wrong' });
  const voidOf = (target: CaseEvent | string, when = at(9)) =>
    ev('EntryVoided', when, { eventId: typeof target === 'string' ? target : target.metadata.eventId, reason: 'entered in error' });

  it('void then re-record: the corrected event goes in, the voided one stays in the ledger', () => {
    const s = given([...reported, wrongOfficer]).when(voidOf(wrongOfficer)).thenAccepts();
    expect(isVoided(s, wrongOfficer.metadata.eventId)).toBe(true);
    expect(ledgerOf(s).map((e) => e.type)).toEqual(['CaseReported', 'OfficerAssigned', 'EntryVoided']);
    expect(historyOf(s).map((e) => e.type)).toEqual(['CaseReported', 'EntryVoided']);
    given([...reported, wrongOfficer, voidOf(wrongOfficer)]).when(ev('OfficerAssigned', at(5), { officerId: 'ds-right' })).thenAccepts();
  });
  it('a voided seizure can be recorded again', () => {
    const seizure = ev('DeviceSeized', at(7));
    given([...agreed, seizure, voidOf(seizure)]).when(ev('DeviceSeized', at(7, 12))).thenAccepts();
  });
  it('names its target case-insensitively', () => {
    const upper = ev('OfficerAssigned', at(5), {}, { eventId: nextUuid().toUpperCase() });
    given([...reported, upper]).when(voidOf(upper.metadata.eventId.toLowerCase())).thenAccepts();
  });
  it('is refused when the case would break a rule without the target (void the dependants first)', () => {
    const agreement = agreed[2]!;
    const r = given(seized).when(voidOf(agreement)).thenRefuses('rule.void_breaks_history');
    expect(r.message).toContain('rule.needs_agreement');
    expect(r.atEventId).toBe(seized[3]!.metadata.eventId);
    // after voiding the dependant, the agreement can go
    given([...seized, voidOf(seized[3]!)]).when(voidOf(agreement, at(10))).thenAccepts();
  });
  it('cannot void an entry twice', () => {
    given([...reported, wrongOfficer, voidOf(wrongOfficer)]).when(voidOf(wrongOfficer, at(10))).thenRefuses('rule.void_twice');
  });
  it('cannot void CaseReported or EntryVoided', () => {
    given(reported).when(voidOf(report)).thenRefuses('rule.void_not_allowed');
    const v = voidOf(wrongOfficer);
    given([...reported, wrongOfficer, v]).when(voidOf(v, at(10))).thenRefuses('rule.void_not_allowed');
  });
  it('must name an event of this case already in the ledger', () => {
    given(reported).when(voidOf(nextUuid())).thenRefuses('rule.void_unknown_event');
  });
  it('is itself an event: at or after the report, accepted while the case is closed, any target instant', () => {
    given([...reported, wrongOfficer]).when(voidOf(wrongOfficer, at(3))).thenRefuses('rule.before_report');
    given([...reported, wrongOfficer, ev('CaseClosed', at(20))]).when(voidOf(wrongOfficer, at(21))).thenAccepts();
    // a void placed before its target's instant is fine: ledger membership is what counts
    given([...reported, ev('OfficerAssigned', at(12)), wrongOfficer]).when(voidOf(wrongOfficer, at(4, 11))).thenAccepts();
  });
  it('keeps a voided request id taken, and refuses events naming the voided request', () => {
    const req = request('suspect', 'dev-7', at(6));
    const history = [...reported, req, voidOf(req)];
    given(history).when(request('suspect', 'dev-7', at(10))).thenRefuses('rule.request_id_taken');
    given(history).when(ev('ThirdPartyMaterialRequested', at(10), { requestId: 'dev-7' })).thenRefuses('rule.request_id_taken');
    given(history).when(ev('DeviceSeized', at(10), { requestId: 'dev-7' })).thenRefuses('rule.unknown_request');
  });
  it('voiding a closure lets the case take events again', () => {
    const closure = ev('CaseClosed', at(10));
    given([...reported, closure, voidOf(closure, at(11))]).when(ev('OfficerAssigned', at(12))).thenAccepts();
  });
});

describe('evolve', () => {
  it('never throws for a stored history that breaks rules, and judges later appends leniently', () => {
    const broken = [
      ev('OfficerAssigned', at(3)),                      // before the report
      report,
      request('victim'),
      ev('DeviceSeized', at(6)),                         // without agreement
      ev('EntryVoided', at(7), { eventId: report.metadata.eventId }), // a void the decider never accepts
    ];
    const s = foldCase(broken);
    expect(s.version).toBe(5);
    expect(s.broken).toEqual([{ seq: 1, rule: 'rule.report_first' }, { seq: 4, rule: 'rule.needs_agreement' }]);
    expect(isVoided(s, report.metadata.eventId)).toBe(false);
    expect(() => validateAppend(s, ev('DeviceExtracted', at(8)))).not.toThrow();
    expect(() => validateAppend(s, ev('SuspectIdentified', at(5, 12)))).not.toThrow(); // inserted: old breakage ignored
    expect(() => validateAppend(s, ev('CaseClosed', at(5, 12)))).toThrow(RuleViolationError); // new breakage: the seizure after a closure
  });
  it('leaves the state it was given valid (persistent)', () => {
    const s1 = foldCase([...reported, request('suspect')]);
    const a = evolve(s1, ev('DeviceSeized', at(7)));
    const b = evolve(s1, ev('DeviceRequestDeclined', at(7)));
    expect(s1.version).toBe(2);
    expect(s1.historyLength).toBe(2);
    expect(historyOf(a).map((e) => e.type)).toEqual(['CaseReported', 'DeviceRequested', 'DeviceSeized']);
    expect(historyOf(b).map((e) => e.type)).toEqual(['CaseReported', 'DeviceRequested', 'DeviceRequestDeclined']);
    expect(() => validateAppend(s1, ev('DeviceSeized', at(8)))).not.toThrow();
  });
  it('never throws for malformed stored events (no data, bad instant, a type of a later version)', () => {
    const odd = [
      report,
      { ...ev('DeviceSeized', at(5)), data: null },
      { ...ev('OfficerAssigned', 'yesterday') },
      { ...ev('OfficerAssigned', at(6)), type: 'CaseMerged' },
      ev('EntryVoided', at(7), { eventId: nextUuid() }),
    ] as unknown as CaseEvent[];
    const s = foldCase(odd);
    expect(s.version).toBe(5);
    expect(s.summary.status).toBe('open');
    expect(() => validateAppend(s, ev('OfficerAssigned', at(8)))).not.toThrow();
  });
  it('gives the same state whether or not each event was judged first (late insertions and voids included)', () => {
    const officer = ev('OfficerAssigned', at(9));
    const history = [
      ...agreed, officer, ev('VictimContactMade', at(12)), ev('DeviceSeized', at(7)), ev('DeviceExtracted', at(8)),
      ev('EntryVoided', at(13), { eventId: officer.metadata.eventId }), ev('VictimWithdrew', at(10)), ev('CaseClosed', at(14)),
    ];
    const judged = given(history).state;
    const folded = foldCase(history);
    const view = (s: CaseState) => ({
      version: s.version, summary: s.summary, history: historyOf(s), ledger: ledgerOf(s), lastAt: s.lastAt,
      requestIds: s.requestIds, voided: s.voided, broken: s.broken, caseId: s.caseId,
    });
    expect(view(judged)).toEqual(view(folded));
    expect(historyOf(folded).map((e) => e.type)).toEqual([
      'CaseReported', 'DeviceRequested', 'DeviceRequestAgreed', 'DeviceSeized', 'DeviceExtracted', 'VictimWithdrew',
      'VictimContactMade', 'EntryVoided', 'CaseClosed',
    ]);
  });
  it('is not disturbed by a refused judgement', () => {
    const s = foldCase(agreed);
    expect(() => validateAppend(s, ev('DeviceExamined', at(5, 12)))).toThrow(RuleViolationError);
    const next = evolve(s, ev('DeviceSeized', at(7)));
    expect(next.summary).toMatchObject({ requests: [{ requestId: 'dev-1', seized: true, response: 'agreed' }] });
    expect(s.summary).toMatchObject({ requests: [{ requestId: 'dev-1', seized: false }] });
  });
  it('takes stored events too (their ledger order is the call order)', () => {
    const stored = reported.map((e, i) => ({ ...e, position: 40 + i, streamVersion: i + 1 }));
    expect(foldCase(stored).summary.status).toBe('open');
  });
});

describe('step', () => {
  it('returns the next summary, or the violation with the state unchanged', () => {
    const s = foldCase(reported).summary;
    const ok = step(s, toEntry(ev('VictimWithdrew', at(5)), 2));
    expect(ok.ok && ok.summary.status === 'open' && ok.summary.withdrawn).toBe(true);
    const bad = step(s, toEntry(ev('VictimReengaged', at(5)), 2));
    expect(bad).toMatchObject({ ok: false, violation: { rule: 'rule.no_withdrawal_in_effect' } });
  });
});

describe('commands', () => {
  it('map one to one from event types', () => {
    const commands = EVENT_TYPES.map((t) => COMMAND_FOR_EVENT[t]);
    expect(new Set(commands).size).toBe(EVENT_TYPES.length);
    for (const t of EVENT_TYPES) expect(EVENT_FOR_COMMAND[COMMAND_FOR_EVENT[t]]).toBe(t);
    expect(commandFor(ev('DeviceSeized', at(7)))).toMatchObject({ type: 'SeizeDevice' });
  });
  it('refuse a command that carries another type of event', () => {
    const e = ev('OfficerAssigned', at(5));
    expect(() => decide({ type: 'CloseCase', event: e } as never, foldCase(reported))).toThrow(expect.objectContaining({ code: 'rule.command_mismatch' }));
  });
});

describe('the example case of the spec', () => {
  it('parses line by line and is accepted in order', () => {
    const text = readFileSync(new URL('../../../../shared/spec/example-case.ndjson', import.meta.url), 'utf8');
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(13);
    let state = initialState();
    for (const [i, l] of lines.entries()) {
      const r = parseEventLine(JSON.parse(l), { appendedAt: Date.parse('2021-07-01T00:00:00Z'), newEventId: () => nextUuid() });
      if (!r.ok) throw new Error(`line ${i + 1}: ${r.error.message}`);
      expect(r.eventIdGiven).toBe(true);
      expect(decide(commandFor(r.event), state)).toEqual([r.event]);
      state = evolve(state, r.event);
    }
    expect(state.version).toBe(13);
    expect(state.broken).toEqual([]);
    expect(state.summary).toMatchObject({ status: 'closed', withdrawn: true });
  });
});
