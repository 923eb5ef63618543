// Per-case facts: the common rules of views.md applied to one digest at one asOf. Every view is an
// aggregation of these flat records (see ../withdrawal, ../timeliness, ../disproportionality,
// ../predictors).
//
// What a fact depends on:
// - The *view* (the events recorded at or before asOf, less the voided ones) decides everything.
// - Beyond the view, only two figures measure time up to asOf itself: a victim device still held
//   (`vdHeldUnreturnedSeizedMs`) and an open case's last update gap (`updateOpenSinceMs`). They
//   are kept raw here and finished by the aggregations, which take asOf.
// So facts computed at asOf A are exact for any asOf B with the same view, i.e.
// `viewFromMs <= B < viewUntilMs` (and the digest unchanged): a live service can cache facts for
// "now" and only recompute a case when an event arrives for it or the clock passes `viewUntilMs`.
import { NFA_OUTCOMES } from '../../case-ledger/domain/vocabulary.js';
import {
  endOfNthWorkingDayAfterMs, londonEndOfDayMs, londonDay, londonStartOfDayMs, MS_PER_DAY, nthWorkingDayAfter,
  parseIsoDate,
} from '../domain/calendar.js';
import {
  CONTACT, T,
  type AgreementPayload, type CaseDigest, type DeviceRequestPayload, type DigestEntry, type ExaminationPayload,
  type ExtractionPayload, type ReportPayload, type ThirdPartyPayload, type WithdrawalPayload,
} from './case-digest.js';

const EMPTY: readonly number[] = Object.freeze([]);

export interface CaseFacts {
  caseId: string;
  /**
   * The asOf range with this same view (see the file comment): [viewFromMs, viewUntilMs), where
   * viewFromMs is the latest recordedAt in view and viewUntilMs the earliest recordedAt after it
   * (null: none). JSON-safe, like every field, so facts can be stored as JSON text.
   */
  viewFromMs: number;
  viewUntilMs: number | null;

  // Cohort and grouping (CaseReported)
  reportedAtMs: number;
  force: string; borough: string; team: string; ageBand: string; additionalNeeds: boolean; relationship: string;

  // Withdrawal in effect
  withdrawn: boolean;
  withdrawalReason: string | null;
  daysToWithdrawal: number | null;
  withdrawnBeforeIsvaEngaged: boolean;
  withdrawnAfterVictimDeviceRequest: boolean;
  withdrawalUnconfirmed: boolean;
  withdrawnWhileInterviewPending: boolean;

  // Closure in effect
  closed: boolean;
  outcomeCode: number | null;
  nfa: boolean;
  daysToOutcome: number | null;

  // Victim devices (timeliness)
  vdSeized: number;
  vdReturned: number;
  vdRetentionDays: readonly number[];
  vdReturnedWithin24h: number;
  vdReplacedWithin24h: number;
  /** Returned devices held more than 1 day with no replacement within 1 day of seizure. */
  vdHeldOver24hReturned: number;
  /** Seizure instants of devices not returned and not replaced within 1 day: held over 24 h once asOf − seizure > 1 day. */
  vdHeldUnreturnedSeizedMs: readonly number[];
  vdExtractionFailed: number;
  vdAwaitingExamination: number;
  vdExtractionToExaminationDays: readonly number[];

  // Victim updates: gaps over 28 days among the intervals already closed; for an open case the
  // last interval runs from `updateOpenSinceMs` to asOf (null when closed).
  updateGapsOver28: number;
  updateOpenSinceMs: number | null;

  keyDecisions: number;
  keyDecisionsInformed: number;

  isvaReferred: boolean;
  isvaReferredWithin2WorkingDays: boolean;
  isvaEngaged: boolean;
  daysToIsvaEngagement: number | null;

  recordedEvents: number;
  recordedOver7DaysLate: number;

  // Disproportionality (victim device requests unless said otherwise)
  victimDeviceRequests: number;
  agreed: number; declined: number; pending: number;
  noLineOfEnquiry: number; noAlternativesConsidered: number; periodUnboundedOrBeyondWindow: number;
  fullExtraction: number; nonRecentNoContact: number; requestedBeforeAccount: number;
  repeatedAfterDecline: number; notSupervisorAuthorised: number; incompleteNotice: number;
  flaggedRequests: number;
  examined: number; noRelevantMaterial: number;
  suspectDeviceRequests: number;
  tpRequests: number; tpNoParameters: number; tpNoLineOfEnquiry: number;
  tpCounsellingRequests: number; tpCounsellingWithoutSeniorApproval: number; tpVictimNotInformed: number;

  // Predictors
  accountInconsistencyNoted: boolean;
  nonRecent: boolean;
  isvaEngagedWithin30Days: boolean;
}

/** What the case's events say about one device request. */
interface Device {
  request: DeviceRequestPayload | null;
  requestedMs: number;
  agreed: boolean;
  noticeIncomplete: boolean;
  declinedMs: number | null;
  seizedMs: number | null;
  returnedMs: number | null;
  firstReplacementMs: number | null;
  lastExtractionOk: boolean | null;
  firstCompleteExtractionMs: number | null;
  examinedMs: number | null;
  relevantMaterialFound: boolean;
}

const newDevice = (): Device => ({
  request: null, requestedMs: 0, agreed: false, noticeIncomplete: false, declinedMs: null, seizedMs: null,
  returnedMs: null, firstReplacementMs: null, lastExtractionOk: null, firstCompleteExtractionMs: null,
  examinedMs: null, relevantMaterialFound: false,
});

const byOccurrence = (a: DigestEntry, b: DigestEntry): number => a.o - b.o || a.p - b.p;

/** days(a, b) of views.md: elapsed time over 24 h, as a real number. */
const days = (fromMs: number, toMs: number): number => (toMs - fromMs) / MS_PER_DAY;

/**
 * The case's events as views.md's common rules see them at `asOfMs`: recorded at or before asOf,
 * not voided by an EntryVoided in view, in occurredAt order (ties: ledger order).
 */
export function eventsInView(digest: CaseDigest, asOfMs: number): DigestEntry[] {
  return viewOf(digest, asOfMs).live;
}

function viewOf(digest: CaseDigest, asOfMs: number): { live: DigestEntry[]; fromMs: number; untilMs: number } {
  const all = digest.ev;
  const view: DigestEntry[] = [];
  let voids = false, fromMs = -Infinity, untilMs = Infinity;
  for (let k = 0; k < all.length; k++) {
    const e = all[k]!;
    if (e.r <= asOfMs) {
      view.push(e);
      if (e.t === T.EntryVoided) voids = true;
      if (e.r > fromMs) fromMs = e.r;
    } else if (e.r < untilMs) {
      untilMs = e.r;
    }
  }
  let live = view;
  if (voids) {
    // A void counts only if it is not itself voided. A void names an earlier entry (the ledger
    // refuses anything else), so deciding voids from the highest position down settles each void
    // before the entry it names is looked at.
    const voided = new Set<number>();
    for (let k = view.length - 1; k >= 0; k--) {
      const e = view[k]!;
      if (e.t !== T.EntryVoided || voided.has(e.p)) continue;
      const target = typeof e.d === 'number' ? e.d : all.find((x) => x.i === e.d)?.p;
      if (target !== undefined) voided.add(target);
    }
    live = view.filter((e) => !voided.has(e.p));
  }
  live.sort(byOccurrence);
  return { live, fromMs, untilMs };
}

/** The first instant after asOf at which the case's view changes (its earliest recordedAt after asOf), or Infinity. */
export function nextViewChangeMs(digest: CaseDigest, asOfMs: number): number {
  let until = Infinity;
  for (const e of digest.ev) if (e.r > asOfMs && e.r < until) until = e.r;
  return until;
}

/**
 * The case's facts at `asOfMs` (views.md common rules applied), or null when its CaseReported is
 * not in view (not yet recorded at asOf, or voided).
 */
export function caseFacts(digest: CaseDigest, asOfMs: number): CaseFacts | null {
  const { live, fromMs, untilMs } = viewOf(digest, asOfMs);
  const n = live.length;

  let reportEntry: DigestEntry | null = null;
  for (let k = 0; k < n; k++) if (live[k]!.t === T.CaseReported) { reportEntry = live[k]!; break; }
  if (reportEntry === null) return null;
  const report = reportEntry.d as ReportPayload;
  const reportMs = reportEntry.o;

  // One pass in occurrence order.
  let lastWithdrawalEvent: DigestEntry | null = null;  // last VictimWithdrew / VictimReengaged
  let lastClosureEvent: DigestEntry | null = null;     // last CaseClosed / CaseReopened
  let interviews: DigestEntry[] | null = null;         // InterviewScheduled / Held / Cancelled
  let firstInterviewHeldMs: number | null = null;
  let firstIsvaReferralMs: number | null = null;
  let firstIsvaEngagementMs: number | null = null;
  let updates: number[] | null = null;                 // to_victim update or decision contacts
  let decisionContacts: number[] | null = null;        // to_victim decision contacts
  let decisions: number[] | null = null;               // KeyDecisionMade
  const devices: (Device | undefined)[] = [];          // by request ordinal
  let accountInconsistencyNoted = false;
  let recordedOver7DaysLate = 0;
  let tpRequests = 0, tpNoParameters = 0, tpNoLineOfEnquiry = 0, tpCounsellingRequests = 0;
  let tpCounsellingWithoutSeniorApproval = 0, tpVictimNotInformed = 0;

  const device = (ordinal: number): Device => (devices[ordinal] ??= newDevice());

  for (let k = 0; k < n; k++) {
    const e = live[k]!;
    if (days(e.o, e.r) > 7) recordedOver7DaysLate++;
    switch (e.t) {
      case T.VictimWithdrew: case T.VictimReengaged: lastWithdrawalEvent = e; break;
      case T.CaseClosed: case T.CaseReopened: lastClosureEvent = e; break;
      case T.InterviewScheduled: case T.InterviewCancelled: (interviews ??= []).push(e); break;
      case T.InterviewHeld:
        (interviews ??= []).push(e);
        firstInterviewHeldMs ??= e.o;
        break;
      case T.IsvaReferred: firstIsvaReferralMs ??= e.o; break;
      case T.IsvaEngaged: firstIsvaEngagementMs ??= e.o; break;
      case T.AccountInconsistencyNoted: accountInconsistencyNoted = true; break;
      case T.KeyDecisionMade: (decisions ??= []).push(e.o); break;
      case T.VictimContactMade:
        if (e.d === CONTACT.updateToVictim || e.d === CONTACT.decisionToVictim) (updates ??= []).push(e.o);
        if (e.d === CONTACT.decisionToVictim) (decisionContacts ??= []).push(e.o);
        break;
      case T.DeviceRequested: {
        const d = e.d as DeviceRequestPayload;
        const dev = device(d.q);
        if (dev.request === null) { dev.request = d; dev.requestedMs = e.o; }
        break;
      }
      case T.DeviceRequestAgreed: {
        const d = e.d as AgreementPayload;
        const dev = device(d.q);
        if (!dev.agreed) { dev.agreed = true; dev.noticeIncomplete = d.ni; }
        break;
      }
      case T.DeviceRequestDeclined: { const dev = device(e.d as number); dev.declinedMs ??= e.o; break; }
      case T.DeviceSeized: { const dev = device(e.d as number); dev.seizedMs ??= e.o; break; }
      case T.ReplacementDeviceProvided: { const dev = device(e.d as number); dev.firstReplacementMs ??= e.o; break; }
      case T.DeviceReturned: { const dev = device(e.d as number); dev.returnedMs ??= e.o; break; }
      case T.DeviceExtracted: {
        const d = e.d as ExtractionPayload;
        const dev = device(d.q);
        dev.lastExtractionOk = d.ok;
        if (d.ok) dev.firstCompleteExtractionMs ??= e.o;
        break;
      }
      case T.DeviceExamined: {
        const d = e.d as ExaminationPayload;
        const dev = device(d.q);
        if (dev.examinedMs === null) { dev.examinedMs = e.o; dev.relevantMaterialFound = d.rm; }
        break;
      }
      case T.ThirdPartyMaterialRequested: {
        const d = e.d as ThirdPartyPayload;
        tpRequests++;
        if (d.np) tpNoParameters++;
        if (d.le) tpNoLineOfEnquiry++;
        if (d.c) { tpCounsellingRequests++; if (!d.sa) tpCounsellingWithoutSeniorApproval++; }
        if (!d.vi) tpVictimNotInformed++;
        break;
      }
      default: break;
    }
  }

  // Offence recency (start of offenceFrom in Europe/London → report).
  const offenceFromDay = parseIsoDate(report.offenceFrom);
  const nonRecent = offenceFromDay !== null && days(londonStartOfDayMs(offenceFromDay), reportMs) > 365;

  // Withdrawal in effect.
  const withdrawal = lastWithdrawalEvent !== null && lastWithdrawalEvent.t === T.VictimWithdrew ? lastWithdrawalEvent : null;
  let withdrawnBeforeIsvaEngaged = false, withdrawnAfterVictimDeviceRequest = false, withdrawnWhileInterviewPending = false;
  if (withdrawal !== null) {
    const w = withdrawal.o;
    withdrawnBeforeIsvaEngaged = firstIsvaEngagementMs === null || firstIsvaEngagementMs > w;
    for (const dev of devices) {
      if (dev !== undefined && dev.request !== null && dev.request.w === 'victim' && dev.requestedMs <= w) {
        withdrawnAfterVictimDeviceRequest = true;
        break;
      }
    }
    if (interviews !== null) {
      // The last interview event at or before the withdrawal's instant (same instant counts, whatever its position).
      for (let k = interviews.length - 1; k >= 0; k--) {
        const ie = interviews[k]!;
        if (ie.o <= w) { withdrawnWhileInterviewPending = ie.t === T.InterviewCancelled && ie.d === 1; break; }
      }
    }
  }

  // Closure in effect.
  const closure = lastClosureEvent !== null && lastClosureEvent.t === T.CaseClosed ? lastClosureEvent : null;
  const outcomeCode = closure === null ? null : (closure.d as number);

  // Victim updates: report → updates (at or before the end) → end.
  let updateGapsOver28 = 0;
  let since = reportMs;
  const endMs = closure === null ? Infinity : closure.o;
  if (updates !== null) {
    for (const u of updates) {
      if (u > endMs) break;      // sorted: the rest are after the end too
      if (u < reportMs) continue; // before the report: cannot happen in an accepted history
      if (days(since, u) > 28) updateGapsOver28++;
      since = u;
    }
  }
  let updateOpenSinceMs: number | null = since;
  if (closure !== null) {
    if (days(since, endMs) > 28) updateGapsOver28++;
    updateOpenSinceMs = null;
  }

  // Key decisions: a to_victim decision contact at or after it, by the end of the next working day.
  let keyDecisionsInformed = 0;
  if (decisions !== null) {
    const contacts = decisionContacts ?? (EMPTY as number[]);
    let c = 0;
    for (const t of decisions) {
      while (c < contacts.length && contacts[c]! < t) c++;
      if (c < contacts.length && contacts[c]! <= londonEndOfDayMs(nthWorkingDayAfter(londonDay(t), 1))) keyDecisionsInformed++;
    }
  }

  // Devices.
  let vdSeized = 0, vdReturned = 0, vdReturnedWithin24h = 0, vdReplacedWithin24h = 0, vdHeldOver24hReturned = 0;
  let vdExtractionFailed = 0, vdAwaitingExamination = 0;
  let vdRetentionDays: number[] | null = null, vdHeldUnreturnedSeizedMs: number[] | null = null;
  let vdExtractionToExaminationDays: number[] | null = null;
  let victimDeviceRequests = 0, agreed = 0, declined = 0, pending = 0;
  let noLineOfEnquiry = 0, noAlternativesConsidered = 0, periodUnboundedOrBeyondWindow = 0, fullExtraction = 0;
  let nonRecentNoContact = 0, requestedBeforeAccount = 0, repeatedAfterDecline = 0, notSupervisorAuthorised = 0;
  let incompleteNotice = 0, flaggedRequests = 0, examined = 0, noRelevantMaterial = 0, suspectDeviceRequests = 0;
  {
    const all = devices;
    for (let k = 0; k < all.length; k++) {
      const dev = all[k];
      if (dev === undefined || dev.request === null) continue; // events of a request not in view: no device
      const req = dev.request;
      if (req.w === 'suspect') suspectDeviceRequests++;
      if (req.w !== 'victim') continue;

      // Timeliness.
      if (dev.seizedMs !== null) {
        const seized = dev.seizedMs;
        vdSeized++;
        const replacedInTime = dev.firstReplacementMs !== null && days(seized, dev.firstReplacementMs) <= 1;
        if (dev.returnedMs !== null) {
          vdReturned++;
          const d = days(seized, dev.returnedMs);
          (vdRetentionDays ??= []).push(d);
          if (d <= 1) vdReturnedWithin24h++;
          else if (replacedInTime) vdReplacedWithin24h++;
          else vdHeldOver24hReturned++;
        } else if (replacedInTime) {
          vdReplacedWithin24h++;
        } else {
          (vdHeldUnreturnedSeizedMs ??= []).push(seized);
        }
      }
      if (dev.lastExtractionOk === false) vdExtractionFailed++;
      if (dev.firstCompleteExtractionMs !== null) {
        if (dev.examinedMs === null) vdAwaitingExamination++;
        else (vdExtractionToExaminationDays ??= []).push(days(dev.firstCompleteExtractionMs, dev.examinedMs));
      }
      if (dev.examinedMs !== null) { examined++; if (!dev.relevantMaterialFound) noRelevantMaterial++; }

      // Disproportionality.
      victimDeviceRequests++;
      if (dev.agreed) agreed++; else if (dev.declinedMs !== null) declined++; else pending++;
      let flagged = false;
      if (req.le) { noLineOfEnquiry++; flagged = true; }
      if (req.ae) { noAlternativesConsidered++; flagged = true; }
      if (periodUnboundedOrBeyond(req, offenceFromDay)) { periodUnboundedOrBeyondWindow++; flagged = true; }
      if (req.fx) { fullExtraction++; flagged = true; }
      if (nonRecent && report.contactSinceOffence === false) { nonRecentNoContact++; flagged = true; }
      if (firstInterviewHeldMs === null || firstInterviewHeldMs >= dev.requestedMs) { requestedBeforeAccount++; flagged = true; }
      for (let j = 0; j < all.length; j++) {
        const other = all[j];
        if (j !== k && other !== undefined && other.request !== null && other.request.w === 'victim'
          && other.declinedMs !== null && other.declinedMs < dev.requestedMs) {
          repeatedAfterDecline++; flagged = true; break;
        }
      }
      if (!req.sa) { notSupervisorAuthorised++; flagged = true; }
      if (dev.agreed && dev.noticeIncomplete) { incompleteNotice++; flagged = true; }
      if (flagged) flaggedRequests++;
    }
  }

  return {
    caseId: digest.caseId,
    viewFromMs: fromMs,
    viewUntilMs: untilMs === Infinity ? null : untilMs,
    reportedAtMs: reportMs,
    force: report.force, borough: report.borough, team: report.team, ageBand: report.ageBand,
    additionalNeeds: report.additionalNeeds, relationship: report.relationship,

    withdrawn: withdrawal !== null,
    withdrawalReason: withdrawal === null ? null : (withdrawal.d as WithdrawalPayload).w,
    daysToWithdrawal: withdrawal === null ? null : days(reportMs, withdrawal.o),
    withdrawnBeforeIsvaEngaged,
    withdrawnAfterVictimDeviceRequest,
    withdrawalUnconfirmed: withdrawal !== null && !(withdrawal.d as WithdrawalPayload).cv,
    withdrawnWhileInterviewPending,

    closed: closure !== null,
    outcomeCode,
    nfa: outcomeCode !== null && NFA_OUTCOMES.has(outcomeCode),
    daysToOutcome: closure === null ? null : days(reportMs, closure.o),

    vdSeized, vdReturned,
    vdRetentionDays: vdRetentionDays ?? EMPTY,
    vdReturnedWithin24h, vdReplacedWithin24h, vdHeldOver24hReturned,
    vdHeldUnreturnedSeizedMs: vdHeldUnreturnedSeizedMs ?? EMPTY,
    vdExtractionFailed, vdAwaitingExamination,
    vdExtractionToExaminationDays: vdExtractionToExaminationDays ?? EMPTY,

    updateGapsOver28, updateOpenSinceMs,

    keyDecisions: decisions === null ? 0 : decisions.length,
    keyDecisionsInformed,

    isvaReferred: firstIsvaReferralMs !== null,
    isvaReferredWithin2WorkingDays: firstIsvaReferralMs !== null && firstIsvaReferralMs <= endOfNthWorkingDayAfterMs(reportMs, 2),
    isvaEngaged: firstIsvaEngagementMs !== null,
    daysToIsvaEngagement: firstIsvaEngagementMs === null ? null : days(reportMs, firstIsvaEngagementMs),

    recordedEvents: n,
    recordedOver7DaysLate,

    victimDeviceRequests, agreed, declined, pending,
    noLineOfEnquiry, noAlternativesConsidered, periodUnboundedOrBeyondWindow, fullExtraction, nonRecentNoContact,
    requestedBeforeAccount, repeatedAfterDecline, notSupervisorAuthorised, incompleteNotice, flaggedRequests,
    examined, noRelevantMaterial, suspectDeviceRequests,
    tpRequests, tpNoParameters, tpNoLineOfEnquiry, tpCounsellingRequests, tpCounsellingWithoutSeniorApproval,
    tpVictimNotInformed,

    accountInconsistencyNoted,
    nonRecent,
    isvaEngagedWithin30Days: firstIsvaEngagementMs !== null && days(reportMs, firstIsvaEngagementMs) <= 30,
  };
}

/** periodFrom or periodTo null, or periodFrom more than 30 calendar days before offenceFrom. */
function periodUnboundedOrBeyond(req: DeviceRequestPayload, offenceFromDay: number | null): boolean {
  if (req.pf === null || req.pt === null) return true;
  const from = parseIsoDate(req.pf);
  return from !== null && offenceFromDay !== null && offenceFromDay - from > 30;
}

/** Whether facts computed for some asOf are exact for `asOfMs` too (same view; digest unchanged since). */
export function factsHoldAt(facts: CaseFacts, asOfMs: number): boolean {
  return facts.viewFromMs <= asOfMs && (facts.viewUntilMs === null || asOfMs < facts.viewUntilMs);
}

/** Facts of many digests at one asOf, cases not in view left out. */
export function caseFactsOf(digests: Iterable<CaseDigest>, asOfMs: number): CaseFacts[] {
  const out: CaseFacts[] = [];
  for (const d of digests) { const f = caseFacts(d, asOfMs); if (f !== null) out.push(f); }
  return out;
}
