// The order rules of events.md ("Order rules"), Emmett style: initialState(), evolve(state, event),
// decide(command, state). The ledger refuses what cannot have happened; questionable practice is
// recorded, not refused (it shows up in the views).
//
// How the rules are judged: on the case's NON-VOIDED events taken in occurredAt order (ties: ledger
// order), with the new event in its place. `step(summary, entry)` checks one event against the folded
// summary of everything before it. When the new event sorts last (occurredAt >= every non-voided
// event's; a tie goes after, the new event being last in ledger order) only it is checked, against the
// current summary (the fast path). Otherwise the whole sorted history is re-folded with the event
// inserted, and the first violation is reported, wherever it falls: a late-recorded event is accepted
// only if the history with it inserted still obeys every rule.
//
// Decisions where the spec is silent (each is repeated as a comment next to its code):
//  1. A second VictimWithdrew while a withdrawal is in effect is accepted (the later one becomes "the
//     withdrawal" for the views); only VictimReengaged needs a withdrawal in effect.
//  2. ReviewRequested while another is undecided is accepted; each ReviewDecided decides one pending
//     request (a count), and needs one.
//  3. A device may get several ReplacementDeviceProvided and several DeviceExtracted (a failed then a
//     complete extraction, or an extraction after the examination) until it is returned.
//  4. A suspect's (or any) device request may be agreed or declined after its device was seized, and a
//     declined suspect's device may be seized (powers of seizure need no agreement); the response still
//     comes once.
//  5. ConcernRaised may name any request of the case, device or third-party, in any state (after the
//     return, after the agreement was withdrawn, while the case is closed); it must name a request that
//     exists at or before it. "Nothing after return but ConcernRaised" is read as "no other event naming
//     that request".
//  6. After DeviceAgreementWithdrawn every device event naming the request is refused
//     (`rule.agreement_withdrawn`), the response events included.
//  7. Interviews: InterviewScheduled of a scheduled interview is a reschedule (accepted); after a
//     cancellation it re-arms the interview; after InterviewHeld it is refused
//     (`rule.interview_already_held`). InterviewHeld/InterviewCancelled of an interview never scheduled
//     is `rule.interview_not_pending`.
//  8. EntryVoided takes part in the order rules as an event (at or after the report; allowed while the
//     case is closed) but changes nothing in the summary. A void may name an event of any occurredAt.
//  9. An event whose caseId is not the state's is refused with `rule.wrong_case` (a caller's bug).
// 10. Any number of OfficerAssigned, IsvaReferred, IsvaEngaged, SuspectIdentified, KeyDecisionMade,
//     CaseReferredToCps, ChargingDecisionMade, AccountInconsistencyNoted while the case is open.
// 11. Stored histories (evolve) are never refused: an event that breaks a rule where it stands is folded
//     anyway and its ledger position and rule kept in `state.broken`; later appends are judged leniently
//     against such a history (only violations not already there, same event and same rule, count). A
//     stored EntryVoided naming an event not (yet) in the case, already voided, a CaseReported or an
//     EntryVoided has no effect here.
// 12. An event at the very instant of the report is "at or after" it (accepted); an event at the instant
//     of a closure but later in ledger order comes after the closure (refused unless allowed while closed).
//
// The state is persistent (evolve never changes the state it is given) yet cheap: per event one small
// state object and one compact entry; the growing lists are shared between versions (see CaseState).
import { COMMAND_FOR_EVENT, type CaseCommand } from './commands.js';
import { RuleViolationError, ValidationError, type RuleCode } from './errors.js';
import { instantMs, normalizeEventId } from './interchange.js';
import type { CaseEvent, EventType, StoredCaseEvent } from './vocabulary.js';

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

/** One event as the rules need it: compact, so thousands of cases fit in memory during an import. */
export interface HistoryEntry {
  /** Ledger order within the case, 1-based (the stream version the event got). */
  readonly seq: number;
  /** occurredAt in ms since the epoch. */
  readonly at: number;
  readonly type: EventType;
  /** As given. */
  readonly eventId: string;
  /**
   * requestId (device and third-party events, ConcernRaised: null when it names none), interviewId
   * (interview events), the voided event's id in lower case (EntryVoided); null otherwise.
   */
  readonly ref: string | null;
  /** DeviceRequested: the device needs an agreement to be seized (owner victim or witness). DeviceExtracted: complete. */
  readonly flag: boolean;
}

export interface DeviceRequestSummary {
  readonly kind: 'device';
  readonly requestId: string;
  readonly needsAgreement: boolean;
  readonly response: 'none' | 'agreed' | 'declined';
  readonly agreementWithdrawn: boolean;
  readonly seized: boolean;
  readonly completeExtraction: boolean;
  readonly examined: boolean;
  readonly returned: boolean;
}
export interface ThirdPartyRequestSummary {
  readonly kind: 'third_party';
  readonly requestId: string;
  readonly received: boolean;
}
export type RequestSummary = DeviceRequestSummary | ThirdPartyRequestSummary;
export type InterviewStatus = 'scheduled' | 'held' | 'cancelled';
export interface InterviewSummary { readonly interviewId: string; readonly status: InterviewStatus }

interface Reported {
  readonly reportAt: number;
  readonly reportEventId: string;
  /** A withdrawal is in effect (the last of VictimWithdrew/VictimReengaged is a VictimWithdrew). */
  readonly withdrawn: boolean;
  /** ReviewRequested not yet decided. */
  readonly pendingReviews: number;
  /** The case's (non-voided) requests. A case has few: small arrays, copied on write, beat maps here. */
  readonly requests: readonly RequestSummary[];
  readonly interviews: readonly InterviewSummary[];
}
export interface UnreportedSummary { readonly status: 'unreported' }
export interface OpenSummary extends Reported { readonly status: 'open' }
export interface ClosedSummary extends Reported { readonly status: 'closed' }
/** The fold of a case's non-voided events in occurredAt order: what the rules look at. */
export type Summary = UnreportedSummary | OpenSummary | ClosedSummary;

/**
 * A case as the decider keeps it. Persistent: evolve returns a new state and the old one stays valid.
 * To keep the cost per event at one small object plus the new entry (an import holds thousands of
 * cases and evolves each many times), the two growing lists are shared between versions: a state
 * reads only the first `historyLength` items of `historyItems` and the first `version` items of
 * `ledgerItems`. Read them through historyOf/ledgerOf.
 */
export interface CaseState {
  /** The case's id (null before the first event). */
  readonly caseId: string | null;
  /** Number of events folded: the stream version. */
  readonly version: number;
  /** The fold of the history. */
  readonly summary: Summary;
  /** The non-voided events in occurredAt order (ties: ledger order): what re-folding needs. Shared: see historyLength. */
  readonly historyItems: readonly HistoryEntry[];
  readonly historyLength: number;
  /** occurredAt (ms) of the last event of the history; -Infinity when it is empty. */
  readonly lastAt: number;
  /** Every event of the case in ledger order, voided ones included (ledger membership, for voids). Shared: see version. */
  readonly ledgerItems: readonly HistoryEntry[];
  /** Every request id ever used in the case, voided requests included. */
  readonly requestIds: readonly string[];
  /** The voided events' ids, in lower case. */
  readonly voided: readonly string[];
  /** Stored events that break a rule where they stand, and the rule: empty for any history the decider accepted. */
  readonly broken: readonly BrokenRule[];
}

/** A stored event (by its ledger position) that breaks a rule where it stands. */
export interface BrokenRule { readonly seq: number; readonly rule: RuleCode }

const UNREPORTED: UnreportedSummary = Object.freeze({ status: 'unreported' });
const NONE: readonly never[] = Object.freeze([]);

const INITIAL: CaseState = Object.freeze({
  caseId: null,
  version: 0,
  summary: UNREPORTED,
  historyItems: NONE,
  historyLength: 0,
  lastAt: Number.NEGATIVE_INFINITY,
  ledgerItems: NONE,
  requestIds: NONE,
  voided: NONE,
  broken: NONE,
});

export function initialState(): CaseState {
  return INITIAL;
}

/** The non-voided events in occurredAt order (ties: ledger order), a copy. */
export function historyOf(state: CaseState): HistoryEntry[] {
  return state.historyItems.slice(0, state.historyLength);
}

/** Every event of the case in ledger order, voided ones included, a copy. */
export function ledgerOf(state: CaseState): HistoryEntry[] {
  return state.ledgerItems.slice(0, state.version);
}

/** `items` (of which a version reads `length`) with x appended: in place when this version is the longest, else a copy. */
function appendShared<T>(items: readonly T[], length: number, x: T): T[] {
  if (length === 0) return [x];
  if (items.length === length) {
    (items as T[]).push(x);
    return items as T[];
  }
  const copy = items.slice(0, length);
  copy.push(x);
  return copy;
}

/** The events a case may take while it is closed (until it is reopened). */
export const ALLOWED_WHILE_CLOSED: ReadonlySet<EventType> = new Set<EventType>([
  'CaseReopened', 'ConcernRaised', 'ReviewRequested', 'ReviewDecided', 'VictimContactMade', 'DeviceReturned', 'EntryVoided',
]);

// ---------------------------------------------------------------------------------------------
// Entries
// ---------------------------------------------------------------------------------------------

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The compact entry of an event. `at` defaults to `fallbackAt` when occurredAt is not an instant (stored events only). */
export function toEntry(event: CaseEvent, seq: number, fallbackAt = Number.NEGATIVE_INFINITY): HistoryEntry {
  const d = (event.data ?? {}) as unknown as Record<string, unknown>; // never throws, even for a malformed stored event
  let at = instantMs(event.metadata.occurredAt);
  if (at !== at) at = fallbackAt;
  let ref: string | null = null;
  let flag = false;
  const type = event.type;
  switch (type) {
    case 'DeviceRequested':
      ref = str(d.requestId);
      flag = d.owner !== 'suspect';
      break;
    case 'DeviceExtracted':
      ref = str(d.requestId);
      flag = d.outcome === 'complete';
      break;
    case 'DeviceRequestAgreed': case 'DeviceRequestDeclined': case 'DeviceAgreementWithdrawn': case 'DeviceSeized':
    case 'ReplacementDeviceProvided': case 'DeviceExamined': case 'DeviceReturned':
    case 'ThirdPartyMaterialRequested': case 'ThirdPartyMaterialReceived': case 'ConcernRaised':
      ref = str(d.requestId);
      break;
    case 'InterviewScheduled': case 'InterviewHeld': case 'InterviewCancelled':
      ref = str(d.interviewId);
      break;
    case 'EntryVoided': {
      const target = str(d.eventId);
      ref = target === null ? null : normalizeEventId(target);
      break;
    }
    case 'CaseReported': case 'OfficerAssigned': case 'VictimContactMade': case 'IsvaReferred': case 'IsvaEngaged':
    case 'AccountInconsistencyNoted': case 'SuspectIdentified': case 'KeyDecisionMade': case 'VictimWithdrew':
    case 'VictimReengaged': case 'CaseReferredToCps': case 'ChargingDecisionMade': case 'CaseClosed':
    case 'CaseReopened': case 'ReviewRequested': case 'ReviewDecided':
      break;
    default: {
      const _never: never = type;
      void _never;
    }
  }
  const eventId = event.metadata.eventId;
  return { seq, at, type, eventId: typeof eventId === 'string' ? eventId : '', ref, flag };
}

// ---------------------------------------------------------------------------------------------
// step: one event against the summary of everything before it
// ---------------------------------------------------------------------------------------------

/** A broken rule, before it becomes an error (no stack trace is captured on the re-fold paths). */
export interface Violation {
  readonly rule: RuleCode;
  readonly message: string;
  readonly field?: string;
}

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));
const violation = (rule: RuleCode, message: string, field?: string): Violation =>
  field === undefined ? { rule, message } : { rule, message, field };

function requestMissing(e: HistoryEntry): Violation {
  return violation('rule.unknown_request',
    `${e.type} names request "${e.ref}", which is not a request of this case at or before ${iso(e.at)} (unknown, voided, or requested later)`,
    'data.requestId');
}

function checkDevice(r: RequestSummary | undefined, e: HistoryEntry): Violation | null {
  if (r === undefined) return requestMissing(e);
  if (r.kind !== 'device') {
    return violation('rule.wrong_request_kind', `${e.type} names request "${e.ref}", which is a third-party material request, not a device request`, 'data.requestId');
  }
  const t = e.type;
  if (r.returned) {
    return t === 'DeviceReturned' || t === 'ReplacementDeviceProvided'
      ? violation('rule.already_returned', `the device of request "${e.ref}" was already returned: ${t} needs a seized device not yet returned`, 'data.requestId')
      : violation('rule.after_return', `the device of request "${e.ref}" was returned: after the return only ConcernRaised may name the request (got ${t})`, 'data.requestId');
  }
  // Decision 6: after the agreement is withdrawn, no device event names the request, responses included.
  if (r.agreementWithdrawn) {
    return violation('rule.agreement_withdrawn', `the agreement to request "${e.ref}" was withdrawn: the request takes no further device events (got ${t})`, 'data.requestId');
  }
  switch (t) {
    case 'DeviceRequestAgreed':
    case 'DeviceRequestDeclined':
      // Decision 4: a response may come after a (suspect's) device was seized; it still comes once.
      return r.response === 'none' ? null
        : violation('rule.already_responded', `request "${e.ref}" was already ${r.response}: a device request is agreed or declined once`, 'data.requestId');
    case 'DeviceAgreementWithdrawn':
      if (r.response !== 'agreed') {
        return violation('rule.needs_agreement', `DeviceAgreementWithdrawn needs request "${e.ref}" agreed first (it is ${r.response === 'none' ? 'not answered' : 'declined'})`, 'data.requestId');
      }
      return r.seized ? violation('rule.already_seized', `the agreement to request "${e.ref}" cannot be withdrawn: its device was already seized`, 'data.requestId') : null;
    case 'DeviceSeized':
      if (r.seized) return violation('rule.already_seized', `the device of request "${e.ref}" was already seized: DeviceSeized comes once`, 'data.requestId');
      // A suspect's device may be seized without agreement; a victim's or witness's only with one.
      if (r.needsAgreement && r.response !== 'agreed') {
        return violation('rule.needs_agreement', `DeviceSeized needs request "${e.ref}" agreed first: a victim's or witness's device is seized only with agreement (only a suspect's may be seized without)`, 'data.requestId');
      }
      return null;
    case 'ReplacementDeviceProvided': // Decision 3: several replacements are accepted.
    case 'DeviceExtracted':           // Decision 3: several extractions are accepted.
    case 'DeviceReturned':
      return r.seized ? null : violation('rule.needs_seizure', `${t} needs the device of request "${e.ref}" seized first`, 'data.requestId');
    case 'DeviceExamined':
      if (r.examined) return violation('rule.already_examined', `the device of request "${e.ref}" was already examined: DeviceExamined comes once`, 'data.requestId');
      return r.completeExtraction ? null
        : violation('rule.needs_complete_extraction', `DeviceExamined needs a complete extraction of the device of request "${e.ref}" at or before it`, 'data.requestId');
    default:
      return null; // not a device event (never called with one)
  }
}

/** The request with this id in the summary (a case has few: a linear scan). */
export function findRequest(s: OpenSummary | ClosedSummary, requestId: string | null): RequestSummary | undefined {
  if (requestId === null) return undefined;
  const list = s.requests;
  for (let i = 0; i < list.length; i++) if (list[i]!.requestId === requestId) return list[i];
  return undefined;
}

function interviewStatus(s: OpenSummary | ClosedSummary, interviewId: string | null): InterviewStatus | undefined {
  const list = s.interviews;
  for (let i = 0; i < list.length; i++) if (list[i]!.interviewId === interviewId) return list[i]!.status;
  return undefined;
}

/** Checks one event against the summary of everything before it (no change to anything). */
export function check(s: Summary, e: HistoryEntry): Violation | null {
  switch (s.status) {
    case 'unreported':
      return e.type === 'CaseReported' ? null
        : violation('rule.report_first', `${e.type} cannot be recorded before the case is reported: CaseReported must be the case's first event`);
    case 'closed':
      if (!ALLOWED_WHILE_CLOSED.has(e.type)) {
        return e.type === 'CaseClosed'
          ? violation('rule.case_closed', 'the case is already closed: CaseClosed needs the case open')
          : violation('rule.case_closed', `${e.type} cannot be recorded while the case is closed: until it is reopened a closed case takes only CaseReopened, ConcernRaised, ReviewRequested, ReviewDecided, VictimContactMade, DeviceReturned and EntryVoided`);
      }
      break;
    case 'open':
      if (e.type === 'CaseReopened') return violation('rule.case_not_closed', 'CaseReopened needs the case closed, and it is open');
      break;
    default: {
      const _never: never = s; // exhaustive
      void _never;
      return null;
    }
  }
  if (e.type === 'CaseReported') {
    return violation('rule.report_once', `the case was already reported (CaseReported ${s.reportEventId}): CaseReported comes once`);
  }
  if (e.at < s.reportAt) {
    return violation('rule.before_report', `${e.type} at ${iso(e.at)} is before the case's report (${iso(s.reportAt)}): every event happens at or after the report`, 'occurredAt');
  }
  const t = e.type;
  switch (t) {
    case 'VictimReengaged':
      // Decision 1: only re-engagement needs a withdrawal in effect; withdrawing twice is accepted.
      return s.withdrawn ? null
        : violation('rule.no_withdrawal_in_effect', 'VictimReengaged needs a withdrawal in effect, and there is none (never withdrew, or already re-engaged)');
    case 'ReviewDecided':
      // Decision 2: reviews are counted; each decision decides one pending request.
      return s.pendingReviews > 0 ? null : violation('rule.no_pending_review', 'ReviewDecided needs a ReviewRequested not yet decided, and there is none');
    case 'InterviewScheduled':
      // Decision 7: reschedule while scheduled, re-arm after a cancellation; never after it was held.
      return interviewStatus(s, e.ref) === 'held'
        ? violation('rule.interview_already_held', `interview "${e.ref}" was already held: it cannot be scheduled again`, 'data.interviewId')
        : null;
    case 'InterviewHeld':
    case 'InterviewCancelled': {
      const st = interviewStatus(s, e.ref);
      return st === 'scheduled' ? null
        : violation('rule.interview_not_pending',
          `${t} needs interview "${e.ref}" scheduled and not yet held or cancelled (it is ${st === undefined ? 'not scheduled' : st})`, 'data.interviewId');
    }
    case 'DeviceRequested':
    case 'ThirdPartyMaterialRequested':
      return findRequest(s, e.ref) !== undefined
        ? violation('rule.request_id_taken', `request id "${e.ref}" is already used in this case (device and third-party requests share one namespace, voided requests included)`, 'data.requestId')
        : null;
    case 'ConcernRaised':
      // Decision 5: a concern may name any request that exists at or before it, in any state.
      return e.ref === null || findRequest(s, e.ref) !== undefined ? null : requestMissing(e);
    case 'ThirdPartyMaterialReceived': {
      const r = findRequest(s, e.ref);
      if (r === undefined) return requestMissing(e);
      if (r.kind !== 'third_party') {
        return violation('rule.wrong_request_kind', `ThirdPartyMaterialReceived names request "${e.ref}", which is a device request, not a third-party material request`, 'data.requestId');
      }
      return r.received
        ? violation('rule.already_received', `third-party material for request "${e.ref}" was already received: ThirdPartyMaterialReceived comes once`, 'data.requestId')
        : null;
    }
    case 'DeviceRequestAgreed': case 'DeviceRequestDeclined': case 'DeviceAgreementWithdrawn': case 'DeviceSeized':
    case 'ReplacementDeviceProvided': case 'DeviceExtracted': case 'DeviceExamined': case 'DeviceReturned':
      return checkDevice(findRequest(s, e.ref), e);
    case 'CaseClosed': case 'CaseReopened': // judged above by status
    case 'EntryVoided': // Decision 8: judged as an event (report, order); its target is judged by judgeVoid
    // Decision 10: no order rule for these.
    case 'OfficerAssigned': case 'VictimContactMade': case 'IsvaReferred': case 'IsvaEngaged':
    case 'AccountInconsistencyNoted': case 'SuspectIdentified': case 'KeyDecisionMade': case 'VictimWithdrew':
    case 'CaseReferredToCps': case 'ChargingDecisionMade': case 'ReviewRequested':
      return null;
    default: {
      const _never: never = t; // exhaustive: a new event type must get its rules above
      void _never;
      return null; // a type this code does not know (a stored event of a later version): no rule
    }
  }
}

// ---------------------------------------------------------------------------------------------
// apply: one event folded into the summary
// ---------------------------------------------------------------------------------------------

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Mutable<Reported> & { status: 'open' | 'closed'; requests: RequestSummary[]; interviews: InterviewSummary[] };

/** The summary right after the report: its own fresh arrays (applyInPlace may push into them). */
function reportedSummary(e: HistoryEntry): OpenSummary {
  return { status: 'open', reportAt: e.at, reportEventId: e.eventId, withdrawn: false, pendingReviews: 0, requests: [], interviews: [] };
}

/**
 * Folds one event into a summary this caller owns (nothing else references it, its arrays or their
 * items): changes it in place and returns it, or returns a new one (the report). Whether or not the
 * event obeys the rules: never throws. The one place the transitions are written.
 */
function applyInPlace(s: Summary, e: HistoryEntry): Summary {
  if (s.status === 'unreported') return e.type === 'CaseReported' ? reportedSummary(e) : s;
  const d = s as Draft;
  const t = e.type;
  switch (t) {
    case 'CaseClosed': d.status = 'closed'; return d;
    case 'CaseReopened': d.status = 'open'; return d;
    case 'VictimWithdrew': d.withdrawn = true; return d;
    case 'VictimReengaged': d.withdrawn = false; return d;
    case 'ReviewRequested': d.pendingReviews++; return d;
    case 'ReviewDecided': if (d.pendingReviews > 0) d.pendingReviews--; return d;
    case 'InterviewScheduled': case 'InterviewHeld': case 'InterviewCancelled': {
      if (e.ref === null) return d;
      const i = d.interviews.findIndex((x) => x.interviewId === e.ref);
      const was = i < 0 ? undefined : d.interviews[i]!.status;
      // Scheduling never undoes a holding; a cancellation only cancels a pending interview.
      const now: InterviewStatus | undefined = t === 'InterviewHeld' ? 'held'
        : t === 'InterviewScheduled' ? (was === 'held' ? was : 'scheduled')
        : (was === 'scheduled' ? 'cancelled' : was);
      if (now !== undefined && now !== was) {
        if (i < 0) d.interviews.push({ interviewId: e.ref, status: now });
        else (d.interviews[i] as Mutable<InterviewSummary>).status = now;
      }
      return d;
    }
    case 'DeviceRequested':
      if (e.ref !== null && findRequest(d, e.ref) === undefined) {
        d.requests.push({
          kind: 'device', requestId: e.ref, needsAgreement: e.flag, response: 'none', agreementWithdrawn: false,
          seized: false, completeExtraction: false, examined: false, returned: false,
        });
      }
      return d;
    case 'ThirdPartyMaterialRequested':
      if (e.ref !== null && findRequest(d, e.ref) === undefined) d.requests.push({ kind: 'third_party', requestId: e.ref, received: false });
      return d;
    case 'ThirdPartyMaterialReceived': {
      const r = findRequest(d, e.ref);
      if (r !== undefined && r.kind === 'third_party') (r as Mutable<ThirdPartyRequestSummary>).received = true;
      return d;
    }
    case 'DeviceRequestAgreed': case 'DeviceRequestDeclined': case 'DeviceAgreementWithdrawn': case 'DeviceSeized':
    case 'ReplacementDeviceProvided': case 'DeviceExtracted': case 'DeviceExamined': case 'DeviceReturned': {
      const found = findRequest(d, e.ref);
      if (found === undefined || found.kind !== 'device') return d;
      const r = found as Mutable<DeviceRequestSummary>;
      if (t === 'DeviceRequestAgreed') { if (r.response === 'none') r.response = 'agreed'; }
      else if (t === 'DeviceRequestDeclined') { if (r.response === 'none') r.response = 'declined'; }
      else if (t === 'DeviceAgreementWithdrawn') r.agreementWithdrawn = true;
      else if (t === 'DeviceSeized') r.seized = true;
      else if (t === 'DeviceExtracted') { if (e.flag) r.completeExtraction = true; }
      else if (t === 'DeviceExamined') r.examined = true;
      else if (t === 'DeviceReturned') r.returned = true;
      // ReplacementDeviceProvided changes nothing the rules look at
      return d;
    }
    case 'CaseReported': case 'OfficerAssigned': case 'VictimContactMade': case 'IsvaReferred': case 'IsvaEngaged':
    case 'AccountInconsistencyNoted': case 'SuspectIdentified': case 'KeyDecisionMade': case 'ConcernRaised':
    case 'CaseReferredToCps': case 'ChargingDecisionMade': case 'EntryVoided':
      return d;
    default: {
      const _never: never = t; // exhaustive: a new event type must get its transition above
      void _never;
      return d; // a type this code does not know (a stored event of a later version): no change
    }
  }
}

/** The events applyInPlace changes nothing for, once the case is reported. */
const NO_SUMMARY_CHANGE: ReadonlySet<EventType> = new Set<EventType>([
  'CaseReported', 'OfficerAssigned', 'VictimContactMade', 'IsvaReferred', 'IsvaEngaged', 'AccountInconsistencyNoted',
  'SuspectIdentified', 'KeyDecisionMade', 'ConcernRaised', 'CaseReferredToCps', 'ChargingDecisionMade', 'EntryVoided',
  'ReplacementDeviceProvided',
]);

/** A copy of the summary that `e` may change in place: the summary, and the array and item `e` touches. */
function ownedCopy(s: OpenSummary | ClosedSummary, e: HistoryEntry): Draft {
  const d = { ...s } as Draft;
  switch (e.type) {
    case 'InterviewScheduled': case 'InterviewHeld': case 'InterviewCancelled':
      d.interviews = s.interviews.map((x) => (x.interviewId === e.ref ? { ...x } : x));
      break;
    case 'DeviceRequested': case 'ThirdPartyMaterialRequested': case 'ThirdPartyMaterialReceived':
    case 'DeviceRequestAgreed': case 'DeviceRequestDeclined': case 'DeviceAgreementWithdrawn': case 'DeviceSeized':
    case 'DeviceExtracted': case 'DeviceExamined': case 'DeviceReturned':
      d.requests = s.requests.map((r) => (r.requestId === e.ref ? { ...r } : r));
      break;
    default:
      break;
  }
  return d;
}

/** Folds one event into the summary, whether or not it obeys the rules (never throws). Persistent: `s` is left as it was. */
export function apply(s: Summary, e: HistoryEntry): Summary {
  if (s.status === 'unreported') return applyInPlace(s, e);
  if (NO_SUMMARY_CHANGE.has(e.type)) return s;
  return applyInPlace(ownedCopy(s, e), e);
}

/** Checks one event against the summary of everything before it: the new summary, or the rule it breaks. */
export function step(s: Summary, e: HistoryEntry): { ok: true; summary: Summary } | { ok: false; violation: Violation } {
  const v = check(s, e);
  return v === null ? { ok: true, summary: apply(s, e) } : { ok: false, violation: v };
}

// ---------------------------------------------------------------------------------------------
// Re-folding
// ---------------------------------------------------------------------------------------------

interface Found { readonly entry: HistoryEntry; readonly violation: Violation }

/**
 * Folds a sorted history from nothing (one owned summary, changed in place). Collects every event that
 * breaks a rule where it stands (`broken`). When `known` is given, stops at the first violation not in
 * it (same event, same rule) and returns it as `fresh`: a stored history that already breaks rules is
 * judged only on what a change adds.
 */
function refold(history: readonly HistoryEntry[], known: readonly BrokenRule[] | null): { summary: Summary; broken: readonly BrokenRule[]; fresh: Found | null } {
  let s: Summary = UNREPORTED;
  let broken: BrokenRule[] | null = null;
  for (let i = 0; i < history.length; i++) {
    const e = history[i]!;
    const v = check(s, e);
    if (v !== null) {
      if (known !== null && !known.some((b) => b.seq === e.seq && b.rule === v.rule)) {
        return { summary: s, broken: broken ?? NONE, fresh: { entry: e, violation: v } };
      }
      (broken ??= []).push({ seq: e.seq, rule: v.rule });
    }
    s = applyInPlace(s, e);
  }
  return { summary: s, broken: broken ?? NONE, fresh: null };
}

/** The history with `entry` in its place (after every event with occurredAt <= its own: it is last in ledger order). */
function inserted(items: readonly HistoryEntry[], length: number, entry: HistoryEntry): HistoryEntry[] {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid]!.at <= entry.at) lo = mid + 1;
    else hi = mid;
  }
  const out = new Array<HistoryEntry>(length + 1);
  for (let i = 0; i < lo; i++) out[i] = items[i]!;
  out[lo] = entry;
  for (let i = lo; i < length; i++) out[i + 1] = items[i]!;
  return out;
}

/** The history without `target`. */
function without(state: CaseState, target: HistoryEntry): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (let i = 0; i < state.historyLength; i++) {
    const e = state.historyItems[i]!;
    if (e !== target) out.push(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// evolve
// ---------------------------------------------------------------------------------------------

/** The ledger entry of an event of the case (compared case-insensitively, as UUIDs are). */
export function findEntry(state: CaseState, eventId: string): HistoryEntry | undefined {
  const id = normalizeEventId(eventId);
  const last = id.charCodeAt(id.length - 1);
  const items = state.ledgerItems;
  for (let i = 0; i < state.version; i++) {
    const e = items[i]!;
    const x = e.eventId;
    if (x === eventId) return e;
    // Cheap rejection before lower-casing: an ASCII last character must already match, up to case.
    const c = x.charCodeAt(x.length - 1);
    if (c < 128 && c !== last && (c | 32) !== last) continue;
    if (normalizeEventId(x) === id) return e;
  }
  return undefined;
}

/** The event is in the case and voided. */
export function isVoided(state: CaseState, eventId: string): boolean {
  return state.voided.includes(normalizeEventId(eventId));
}

/**
 * The last judgement that accepted an event (the importer's sequence is judge, then evolve): evolve
 * reuses its entry, skips checking it again and, when the judgement had to re-fold, takes the re-folded
 * history and summary instead of folding again. Only an optimisation, used when evolve gets the very
 * same state and event objects (the re-folded arrays were made for it and are not shared).
 */
let acceptedState: CaseState | null = null;
let acceptedEvent: CaseEvent | null = null;
let acceptedEntry: HistoryEntry | null = null;
let acceptedRefold: { history: HistoryEntry[]; summary: Summary; broken: readonly BrokenRule[] } | null = null;

function remember(state: CaseState | null, event: CaseEvent | null, entry: HistoryEntry | null, refolded: typeof acceptedRefold): void {
  acceptedState = state;
  acceptedEvent = event;
  acceptedEntry = entry;
  acceptedRefold = refolded;
}

/**
 * Folds one more event of the case (ledger order = call order). Never throws, whatever the event: a
 * stored history is what it is (decision 11). Returns a new state; the one passed in stays valid.
 */
export function evolve(state: CaseState, event: CaseEvent | StoredCaseEvent): CaseState {
  const seq = state.version + 1;
  let entry: HistoryEntry;
  let knownGood = false;
  let refolded: typeof acceptedRefold = null;
  if (acceptedEntry !== null && acceptedState === state && acceptedEvent === event) {
    entry = acceptedEntry;
    knownGood = true;
    refolded = acceptedRefold;
    remember(null, null, null, null);
  } else {
    entry = toEntry(event, seq, state.lastAt);
  }
  const ledgerItems = appendShared(state.ledgerItems, state.version, entry);
  const caseId = state.caseId ?? event.metadata.caseId;
  let requestIds = state.requestIds;
  if ((entry.type === 'DeviceRequested' || entry.type === 'ThirdPartyMaterialRequested') && entry.ref !== null && !requestIds.includes(entry.ref)) {
    requestIds = [...requestIds, entry.ref];
  }

  let voided = state.voided;
  let base: HistoryEntry[] | null = null; // the history without a voided target, when this is a void
  if (entry.type === 'EntryVoided' && entry.ref !== null) {
    const target = findEntry(state, entry.ref);
    // Decision 11: a stored void of something not voidable here has no effect.
    if (target !== undefined && target.type !== 'CaseReported' && target.type !== 'EntryVoided' && !voided.includes(entry.ref)) {
      voided = [...voided, entry.ref];
      base = without(state, target);
    }
  }

  if (base === null && entry.at >= state.lastAt) {
    // Fast path: the event sorts last.
    let broken = state.broken;
    if (!knownGood) {
      const v = check(state.summary, entry);
      if (v !== null) broken = [...broken, { seq, rule: v.rule }];
    }
    return {
      caseId, version: seq, summary: apply(state.summary, entry),
      historyItems: appendShared(state.historyItems, state.historyLength, entry), historyLength: state.historyLength + 1, lastAt: entry.at,
      ledgerItems, requestIds, voided, broken,
    };
  }
  if (refolded === null) {
    const history = base === null ? inserted(state.historyItems, state.historyLength, entry) : inserted(base, base.length, entry);
    const r = refold(history, null);
    refolded = { history, summary: r.summary, broken: r.broken };
  }
  const history = refolded.history;
  return {
    caseId, version: seq, summary: refolded.summary,
    historyItems: history, historyLength: history.length, lastAt: history.length === 0 ? Number.NEGATIVE_INFINITY : history[history.length - 1]!.at,
    ledgerItems, requestIds, voided, broken: refolded.broken,
  };
}

/** Folds a case's events (ledger order). */
export function foldCase(events: readonly (CaseEvent | StoredCaseEvent)[]): CaseState {
  let s = initialState();
  for (const e of events) s = evolve(s, e);
  return s;
}

// ---------------------------------------------------------------------------------------------
// decide
// ---------------------------------------------------------------------------------------------

function refusal(v: Violation, at: HistoryEntry, added: HistoryEntry): RuleViolationError {
  if (at === added) return new RuleViolationError(v.rule, v.message, v.field === undefined ? undefined : { field: v.field });
  return new RuleViolationError(
    v.rule,
    `${added.type} at ${iso(added.at)} cannot be recorded in its place: the later ${at.type} ${at.eventId} (occurredAt ${iso(at.at)}) would then break a rule: ${v.message}`,
    { atEventId: at.eventId },
  );
}

/** Set by a judgement that accepted an event after re-folding: the re-folded history, for evolve. */
let refoldedOk: { history: HistoryEntry[]; summary: Summary; broken: readonly BrokenRule[] } | null = null;

function judgeVoid(state: CaseState, entry: HistoryEntry): RuleViolationError | null {
  const targetId = entry.ref as string;
  const target = findEntry(state, targetId);
  if (target === undefined) {
    return new RuleViolationError('rule.void_unknown_event', `EntryVoided names event ${targetId}, which is not an event of case ${state.caseId ?? '(empty)'} in the ledger`, { field: 'data.eventId' });
  }
  if (target.type === 'CaseReported' || target.type === 'EntryVoided') {
    return new RuleViolationError('rule.void_not_allowed', `${target.type} ${target.eventId} cannot be voided: CaseReported and EntryVoided are never voided`, { field: 'data.eventId' });
  }
  if (state.voided.includes(targetId)) {
    return new RuleViolationError('rule.void_twice', `event ${target.eventId} (${target.type}) is already voided: an entry cannot be voided twice`, { field: 'data.eventId' });
  }
  const rest = without(state, target);
  const history = inserted(rest, rest.length, entry);
  const r = refold(history, state.broken);
  const found = r.fresh;
  if (found === null) {
    refoldedOk = { history, summary: r.summary, broken: r.broken };
    return null;
  }
  if (found.entry === entry) return refusal(found.violation, entry, entry);
  return new RuleViolationError(
    'rule.void_breaks_history',
    `voiding ${target.type} ${target.eventId} would leave ${found.entry.type} ${found.entry.eventId} (occurredAt ${iso(found.entry.at)}) breaking ${found.violation.rule}: ${found.violation.message}; void the dependants first`,
    { field: 'data.eventId', atEventId: found.entry.eventId },
  );
}

function judgeEntry(state: CaseState, event: CaseEvent, entry: HistoryEntry): RuleViolationError | null {
  const s = state.summary;
  // The report: first and once; everything else at or after it. Judged first, for plain messages.
  if (entry.type === 'CaseReported') {
    if (s.status !== 'unreported') return refusal(check(s, entry)!, entry, entry);
  } else if (s.status === 'unreported') {
    return refusal(check(s, entry)!, entry, entry);
  } else if (entry.at < s.reportAt) {
    return new RuleViolationError('rule.before_report',
      `${entry.type} at ${event.metadata.occurredAt} is before the case's report (${iso(s.reportAt)}): every event happens at or after the report`,
      { field: 'occurredAt' });
  }
  // Request ids are unique within the case, voided requests included.
  if ((entry.type === 'DeviceRequested' || entry.type === 'ThirdPartyMaterialRequested') && entry.ref !== null && state.requestIds.includes(entry.ref)) {
    const voided = s.status === 'unreported' || findRequest(s, entry.ref) === undefined; // in the ledger, not in the history: voided
    return new RuleViolationError('rule.request_id_taken',
      `request id "${entry.ref}" is already used in this case${voided ? ' by a voided request' : ''}: device and third-party requests share one namespace, voided requests included`,
      { field: 'data.requestId' });
  }
  if (entry.type === 'EntryVoided') return judgeVoid(state, entry);

  if (entry.at >= state.lastAt) {
    // Fast path: the new event sorts last; only it needs checking.
    const v = check(s, entry);
    return v === null ? null : refusal(v, entry, entry);
  }
  const history = inserted(state.historyItems, state.historyLength, entry);
  const r = refold(history, state.broken);
  if (r.fresh !== null) return refusal(r.fresh.violation, r.fresh.entry, entry);
  refoldedOk = { history, summary: r.summary, broken: r.broken };
  return null;
}

/** The reason `event` cannot be appended to the case, or null when it can. */
export function judge(state: CaseState, event: CaseEvent): RuleViolationError | null {
  const caseId = event.metadata.caseId;
  if (state.caseId !== null && caseId !== state.caseId) {
    return new RuleViolationError('rule.wrong_case', `event of case ${caseId} given to the decider of case ${state.caseId}`, { field: 'caseId' });
  }
  const entry = toEntry(event, state.version + 1, Number.NaN);
  if (entry.at !== entry.at) throw new ValidationError('format', 'occurredAt', `occurredAt must be an ISO 8601 instant (got ${JSON.stringify(event.metadata.occurredAt)})`);
  refoldedOk = null;
  const refused = judgeEntry(state, event, entry);
  if (refused === null) remember(state, event, entry, refoldedOk);
  else remember(null, null, null, null);
  refoldedOk = null;
  return refused;
}

/** Throws RuleViolationError when `event` cannot be appended to the case (the importer's entry point). */
export function validateAppend(state: CaseState, event: CaseEvent): void {
  const refused = judge(state, event);
  if (refused !== null) throw refused;
}

/** Emmett-style decide: the events to append for the command, or a RuleViolationError thrown. */
export function decide(command: CaseCommand, state: CaseState): CaseEvent[] {
  const expected = COMMAND_FOR_EVENT[command.event.type];
  if (command.type !== expected) {
    throw new RuleViolationError('rule.command_mismatch', `command ${command.type} cannot record a ${command.event.type} (that is ${expected})`, { field: 'type' });
  }
  validateAppend(state, command.event);
  return [command.event];
}

/** The decider, as one value (Emmett's shape). */
export const caseDecider = { decide, evolve, initialState } as const;
