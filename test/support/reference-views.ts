// REFERENCE implementation of the four inspectors' views, written straight from
// ../shared/spec/views.md (and the decisions in libs/views/DECISIONS.md where it is silent), for
// property tests: random histories → the projected views (digests → facts → aggregation) must
// equal `referenceView` exactly.
//
// Deliberately naive and independent of libs/views: it takes a plain array of events, re-reads
// them for every question, parses instants with Date.parse, handles London dates as
// "YYYY-MM-DD" strings from Intl.DateTimeFormat, reads the bank holidays from the shared JSON file,
// and has its own statistics. Obviously correct over fast.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoredCaseEvent } from '../../libs/case-ledger/domain/vocabulary.js';

export interface ReferenceParams {
  asOf: string;
  reportedFrom?: string;
  reportedTo?: string;
  force?: string;
  borough?: string;
  team?: string;
  groupBy?: 'force' | 'borough' | 'team' | 'ageBand' | 'additionalNeeds' | 'relationship';
}
export type ReferenceViewName = 'withdrawal' | 'timeliness' | 'disproportionality' | 'predictors';

type Ev = StoredCaseEvent;
type Data = Record<string, any>;
const DAY = 24 * 60 * 60 * 1000;

// ---- time --------------------------------------------------------------------------------------

const t = (e: Ev): number => Date.parse(e.metadata.occurredAt);
const recorded = (e: Ev): number => Date.parse(e.metadata.recordedAt);
const days = (a: number, b: number): number => (b - a) / DAY;

const londonFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit',
});
/** The London calendar date of an instant, "YYYY-MM-DD". */
function londonDate(ms: number): string {
  const p = Object.fromEntries(londonFormat.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}
/** The first instant whose London date is `date` (found by bisection around UTC midnight). */
function startOfLondonDay(date: string): number {
  let lo = Date.parse(`${date}T00:00:00Z`) - 6 * 3600_000; // London date < date here
  let hi = lo + 12 * 3600_000;                              // London date >= date here
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (londonDate(mid) >= date) hi = mid; else lo = mid;
  }
  return hi;
}
const addDays = (date: string, n: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const dateDiff = (later: string, earlier: string): number => (Date.parse(`${later}T00:00:00Z`) - Date.parse(`${earlier}T00:00:00Z`)) / DAY;

const HOLIDAYS: string[] = JSON.parse(readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'spec', 'bank-holidays-england-and-wales.json'), 'utf8',
)).dates;
function isWorkingDay(date: string): boolean {
  const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6 && !HOLIDAYS.includes(date);
}
function nthWorkingDayAfter(date: string, n: number): string {
  let d = date;
  while (n > 0) { d = addDays(d, 1); if (isWorkingDay(d)) n--; }
  return d;
}
/** At or before the end (23:59:59.999 London) of `date`: its London date is not later. */
const noLaterThanEndOf = (ms: number, date: string): boolean => londonDate(ms) <= date;

// ---- statistics --------------------------------------------------------------------------------

const ascending = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
function medianOf(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = ascending(xs);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}
function p90Of(xs: number[]): number | null {
  if (xs.length === 0) return null;
  return ascending(xs)[Math.ceil(0.9 * xs.length) - 1]!;
}
function meanOf(xs: number[]): number | null {
  if (xs.length === 0) return null;
  let sum = 0;
  for (const x of ascending(xs)) sum += x;
  return sum / xs.length;
}
const maxOf = (xs: number[]): number | null => (xs.length === 0 ? null : ascending(xs)[xs.length - 1]!);

// ---- common rules ------------------------------------------------------------------------------

const NFA = [14, 15, 16, 17, 18, 20, 21];
const REASONS = ['lost_confidence_in_police', 'device_or_records_request', 'process_length_or_complexity',
  'fear_of_court_process', 'fear_of_suspect_or_reprisal', 'pressure_from_others', 'health_or_wellbeing',
  'wants_to_move_on', 'did_not_want_prosecution', 'other', 'not_established'];
const DEVICE_EVENT_TYPES = ['DeviceRequestAgreed', 'DeviceRequestDeclined', 'DeviceAgreementWithdrawn', 'DeviceSeized',
  'ReplacementDeviceProvided', 'DeviceExtracted', 'DeviceExamined', 'DeviceReturned'];

interface Case { events: Ev[]; report: Ev; r: Data }

/** Cases in view at asOf, each with its live events in occurredAt order (ties: ledger order). */
function casesInView(all: Ev[], asOfMs: number): Case[] {
  const inView = all.filter((e) => recorded(e) <= asOfMs);
  const memo = new Map<Ev, boolean>();
  const isVoided = (e: Ev): boolean => {
    if (!memo.has(e)) {
      memo.set(e, false);
      memo.set(e, inView.some((v) => v.type === 'EntryVoided' && v.metadata.caseId === e.metadata.caseId
        && String((v.data as Data).eventId).toLowerCase() === e.metadata.eventId.toLowerCase() && !isVoided(v)));
    }
    return memo.get(e)!;
  };
  const live = inView.filter((e) => !isVoided(e));
  const cases: Case[] = [];
  for (const caseId of new Set(live.map((e) => e.metadata.caseId))) {
    const events = live.filter((e) => e.metadata.caseId === caseId).sort((a, b) => t(a) - t(b) || a.position - b.position);
    const report = events.find((e) => e.type === 'CaseReported');
    if (report) cases.push({ events, report, r: report.data as Data });
  }
  return cases;
}

function lastOf(c: Case, types: string[]): Ev | undefined {
  return c.events.filter((e) => types.includes(e.type)).at(-1);
}
const withdrawalOf = (c: Case): Ev | undefined => {
  const last = lastOf(c, ['VictimWithdrew', 'VictimReengaged']);
  return last?.type === 'VictimWithdrew' ? last : undefined;
};
const closureOf = (c: Case): Ev | undefined => {
  const last = lastOf(c, ['CaseClosed', 'CaseReopened']);
  return last?.type === 'CaseClosed' ? last : undefined;
};
const ofType = (c: Case, type: string): Ev[] => c.events.filter((e) => e.type === type);
const first = (c: Case, type: string): Ev | undefined => c.events.find((e) => e.type === type);
const isEmpty = (s: unknown): boolean => typeof s !== 'string' || s.trim() === '';

/** A device request and its own device events (not ConcernRaised, which may also name it). */
function deviceEvents(c: Case, request: Ev): Ev[] {
  const id = (request.data as Data).requestId;
  return c.events.filter((e) => DEVICE_EVENT_TYPES.includes(e.type) && (e.data as Data).requestId === id);
}
const victimRequests = (c: Case): Ev[] => ofType(c, 'DeviceRequested').filter((e) => (e.data as Data).owner === 'victim');

function nonRecent(c: Case): boolean {
  return days(startOfLondonDay(c.r.offenceFrom), t(c.report)) > 365;
}

// ---- the views ---------------------------------------------------------------------------------

function withdrawalView(cases: Case[]) {
  const withdrawn = cases.filter((c) => withdrawalOf(c));
  const d = withdrawn.map((c) => days(t(c.report), t(withdrawalOf(c)!)));
  const reasons: Record<string, number> = {};
  for (const r of REASONS) reasons[r] = withdrawn.filter((c) => (withdrawalOf(c)!.data as Data).reason === r).length;
  const closed = cases.filter((c) => closureOf(c));
  const code = (c: Case): number => (closureOf(c)!.data as Data).outcomeCode;
  const outcomes: Record<string, number> = {};
  for (const k of [...new Set(closed.map(code))].sort((a, b) => a - b)) outcomes[String(k)] = closed.filter((c) => code(c) === k).length;
  return {
    cases: cases.length,
    withdrawn: withdrawn.length,
    daysToWithdrawal: {
      within7: d.filter((x) => x <= 7).length,
      within30: d.filter((x) => x <= 30).length,
      within90: d.filter((x) => x <= 90).length,
      over90: d.filter((x) => x > 90).length,
      median: medianOf(d),
    },
    reasons,
    withdrawnBeforeIsvaEngaged: withdrawn.filter((c) => {
      const w = t(withdrawalOf(c)!);
      return !ofType(c, 'IsvaEngaged').some((e) => t(e) <= w);
    }).length,
    withdrawnAfterVictimDeviceRequest: withdrawn.filter((c) => {
      const w = t(withdrawalOf(c)!);
      return victimRequests(c).some((e) => t(e) <= w);
    }).length,
    unconfirmedWithdrawals: withdrawn.filter((c) => (withdrawalOf(c)!.data as Data).confirmedWithVictim === false).length,
    withdrawnWhileInterviewPending: withdrawn.filter((c) => {
      const w = t(withdrawalOf(c)!);
      const last = c.events.filter((e) => ['InterviewScheduled', 'InterviewHeld', 'InterviewCancelled'].includes(e.type) && t(e) <= w).at(-1);
      return last?.type === 'InterviewCancelled' && (last.data as Data).victimWishesToRearrange === true;
    }).length,
    closed: closed.length,
    outcomes,
    nfaOutcomes: closed.filter((c) => NFA.includes(code(c))).length,
    victimWithdrawalOutcomesWithoutWithdrawal: closed.filter((c) => [14, 16].includes(code(c)) && !withdrawalOf(c)).length,
  };
}

function timelinessView(cases: Case[], asOfMs: number) {
  let seized = 0, returned = 0, returnedWithin24h = 0, replacedWithin24h = 0, heldOver = 0, failed = 0, awaiting = 0;
  const retention: number[] = [], toExamination: number[] = [];
  for (const c of cases) {
    for (const req of victimRequests(c)) {
      const evs = deviceEvents(c, req);
      const seizure = evs.find((e) => e.type === 'DeviceSeized');
      const ret = evs.find((e) => e.type === 'DeviceReturned');
      const replacements = evs.filter((e) => e.type === 'ReplacementDeviceProvided');
      if (seizure) {
        seized++;
        const replacedInTime = replacements.some((r) => days(t(seizure), t(r)) <= 1);
        const returnedInTime = ret !== undefined && days(t(seizure), t(ret)) <= 1;
        if (ret) { returned++; retention.push(days(t(seizure), t(ret))); }
        if (returnedInTime) returnedWithin24h++;
        if (!returnedInTime && replacedInTime) replacedWithin24h++;
        const heldUntil = ret ? t(ret) : asOfMs;
        if (days(t(seizure), heldUntil) > 1 && !replacedInTime) heldOver++;
      }
      const extractions = evs.filter((e) => e.type === 'DeviceExtracted');
      if (extractions.length > 0 && (extractions.at(-1)!.data as Data).outcome === 'failed') failed++;
      const complete = extractions.find((e) => (e.data as Data).outcome === 'complete');
      const exam = evs.find((e) => e.type === 'DeviceExamined');
      if (complete && !exam) awaiting++;
      if (complete && exam) toExamination.push(days(t(complete), t(exam)));
    }
  }

  let casesWithGap = 0, gaps = 0;
  for (const c of cases) {
    const closure = closureOf(c);
    const end = closure ? t(closure) : asOfMs;
    const updates = ofType(c, 'VictimContactMade')
      .filter((e) => (e.data as Data).direction === 'to_victim' && ['update', 'decision'].includes((e.data as Data).purpose))
      .map(t).filter((u) => u >= t(c.report) && u <= end);
    const points = [t(c.report), ...updates, end];
    let n = 0;
    for (let k = 1; k < points.length; k++) if (days(points[k - 1]!, points[k]!) > 28) n++;
    if (n > 0) casesWithGap++;
    gaps += n;
  }

  let decisions = 0, informed = 0;
  for (const c of cases) {
    for (const dec of ofType(c, 'KeyDecisionMade')) {
      decisions++;
      const deadlineDay = nthWorkingDayAfter(londonDate(t(dec)), 1);
      if (ofType(c, 'VictimContactMade').some((e) => (e.data as Data).direction === 'to_victim'
        && (e.data as Data).purpose === 'decision' && t(e) >= t(dec) && noLaterThanEndOf(t(e), deadlineDay))) informed++;
    }
  }

  const referredCases = cases.filter((c) => first(c, 'IsvaReferred'));
  const engagedCases = cases.filter((c) => first(c, 'IsvaEngaged'));
  const all = cases.flatMap((c) => c.events);
  const closed = cases.filter((c) => closureOf(c));
  return {
    victimDevices: {
      seized, returned, stillHeld: seized - returned,
      retentionDays: { mean: meanOf(retention), median: medianOf(retention), p90: p90Of(retention), max: maxOf(retention) },
      returnedWithin24h, replacedWithin24h, heldOver24hWithoutReplacement: heldOver,
      extractionFailed: failed, awaitingExamination: awaiting,
      extractionToExaminationDays: { median: medianOf(toExamination) },
    },
    victimUpdates: { casesWithGapOver28Days: casesWithGap, gapsOver28Days: gaps },
    keyDecisions: { total: decisions, victimInformedWithin1WorkingDay: informed },
    isva: {
      referred: referredCases.length,
      referredWithin2WorkingDays: referredCases.filter((c) =>
        noLaterThanEndOf(t(first(c, 'IsvaReferred')!), nthWorkingDayAfter(londonDate(t(c.report)), 2))).length,
      engaged: engagedCases.length,
      daysToEngagement: { median: medianOf(engagedCases.map((c) => days(t(c.report), t(first(c, 'IsvaEngaged')!)))) },
    },
    recording: { events: all.length, recordedOver7DaysLate: all.filter((e) => days(t(e), recorded(e)) > 7).length },
    daysToOutcome: { median: medianOf(closed.map((c) => days(t(c.report), t(closureOf(c)!)))) },
  };
}

function disproportionalityView(cases: Case[]) {
  const flags = {
    noLineOfEnquiry: 0, noAlternativesConsidered: 0, periodUnboundedOrBeyondWindow: 0, fullExtraction: 0,
    nonRecentNoContact: 0, requestedBeforeAccount: 0, repeatedAfterDecline: 0, notSupervisorAuthorised: 0, incompleteNotice: 0,
  };
  let requests = 0, agreed = 0, declined = 0, pending = 0, flagged = 0, examined = 0, noRelevant = 0;
  for (const c of cases) {
    for (const req of victimRequests(c)) {
      requests++;
      const d = req.data as Data;
      const evs = deviceEvents(c, req);
      const agreement = evs.find((e) => e.type === 'DeviceRequestAgreed');
      const decline = evs.find((e) => e.type === 'DeviceRequestDeclined');
      if (agreement) agreed++; else if (decline) declined++; else pending++;
      const notice = agreement ? (agreement.data as Data).notice : null;
      const f = {
        noLineOfEnquiry: isEmpty(d.lineOfEnquiry),
        noAlternativesConsidered: isEmpty(d.alternativesConsidered),
        periodUnboundedOrBeyondWindow: d.periodFrom === null || d.periodTo === null || dateDiff(c.r.offenceFrom, d.periodFrom) > 30,
        fullExtraction: d.dataCategories.includes('full_extraction'),
        nonRecentNoContact: nonRecent(c) && c.r.contactSinceOffence === false,
        requestedBeforeAccount: !ofType(c, 'InterviewHeld').some((e) => t(e) < t(req)),
        repeatedAfterDecline: victimRequests(c).some((other) => other !== req
          && deviceEvents(c, other).some((e) => e.type === 'DeviceRequestDeclined' && t(e) < t(req))),
        notSupervisorAuthorised: d.supervisorAuthorised === false,
        incompleteNotice: notice !== null && !(notice.informationSoughtStated && notice.reasonStated
          && notice.rightToRefuseStated && notice.refusalNotEndingCaseStated && !notice.signedBeforeCompleted),
      };
      for (const k of Object.keys(flags) as (keyof typeof flags)[]) if (f[k]) flags[k]++;
      if (Object.values(f).some(Boolean)) flagged++;
      const exam = evs.find((e) => e.type === 'DeviceExamined');
      if (exam) { examined++; if ((exam.data as Data).relevantMaterialFound === false) noRelevant++; }
    }
  }
  const tp = cases.flatMap((c) => ofType(c, 'ThirdPartyMaterialRequested').map((e) => e.data as Data));
  return {
    cases: cases.length,
    casesWithVictimDeviceRequest: cases.filter((c) => victimRequests(c).length > 0).length,
    victimDeviceRequests: requests,
    responses: { agreed, declined, pending },
    flags,
    flaggedRequests: flagged,
    examined,
    noRelevantMaterial: noRelevant,
    suspectDeviceRequests: cases.flatMap((c) => ofType(c, 'DeviceRequested')).filter((e) => (e.data as Data).owner === 'suspect').length,
    thirdParty: {
      requests: tp.length,
      noParameters: tp.filter((d) => d.periodFrom === null || d.periodTo === null).length,
      noLineOfEnquiry: tp.filter((d) => isEmpty(d.lineOfEnquiry)).length,
      counsellingRequests: tp.filter((d) => d.holder === 'counselling').length,
      counsellingWithoutSeniorApproval: tp.filter((d) => d.holder === 'counselling' && d.seniorApproval === false).length,
      victimNotInformed: tp.filter((d) => d.victimInformed === false).length,
    },
  };
}

function predictorsView(cases: Case[]) {
  const closed = cases.filter((c) => closureOf(c));
  const isNfa = (c: Case): boolean => NFA.includes((closureOf(c)!.data as Data).outcomeCode);
  const factors: [string, (c: Case) => boolean][] = [
    ['accountInconsistencyNoted', (c) => ofType(c, 'AccountInconsistencyNoted').length > 0],
    ['victimDeviceRequested', (c) => victimRequests(c).length > 0],
    ['nonRecent', (c) => nonRecent(c)],
    ['isvaEngagedWithin30Days', (c) => ofType(c, 'IsvaEngaged').some((e) => days(t(c.report), t(e)) <= 30)],
    ['additionalNeeds', (c) => c.r.victim.additionalNeeds === true],
    ['strangerRelationship', (c) => c.r.relationship === 'stranger'],
  ];
  return {
    closed: closed.length,
    nfa: closed.filter(isNfa).length,
    factors: factors.map(([factor, has]) => {
      const withF = closed.filter(has), withoutF = closed.filter((c) => !has(c));
      let a = withF.filter(isNfa).length, b = withF.length - a, c = withoutF.filter(isNfa).length, d = withoutF.length - c;
      let oddsRatio: number | null = null, ci95: [number, number] | null = null;
      if (withF.length > 0 && withoutF.length > 0) {
        if (a === 0 || b === 0 || c === 0 || d === 0) { a += 0.5; b += 0.5; c += 0.5; d += 0.5; }
        oddsRatio = (a * d) / (b * c);
        const half = 1.96 * Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d);
        ci95 = [Math.exp(Math.log(oddsRatio) - half), Math.exp(Math.log(oddsRatio) + half)];
      }
      return {
        factor,
        with: { cases: withF.length, nfa: withF.filter(isNfa).length },
        without: { cases: withoutF.length, nfa: withoutF.filter(isNfa).length },
        oddsRatio, ci95,
      };
    }),
  };
}

/** The view `name` of `events` (any order; positions give the ledger order) for `params`. */
export function referenceView(name: ReferenceViewName, events: readonly StoredCaseEvent[], params: ReferenceParams): unknown {
  const asOfMs = Date.parse(params.asOf);
  const cohort = casesInView([...events], asOfMs).filter((c) => {
    const day = londonDate(t(c.report));
    return (params.reportedFrom === undefined || day >= params.reportedFrom)
      && (params.reportedTo === undefined || day < params.reportedTo)
      && (params.force === undefined || c.r.force === params.force)
      && (params.borough === undefined || c.r.borough === params.borough)
      && (params.team === undefined || c.r.team === params.team);
  });
  const view = (cases: Case[]): object => {
    switch (name) {
      case 'withdrawal': return withdrawalView(cases);
      case 'timeliness': return timelinessView(cases, asOfMs);
      case 'disproportionality': return disproportionalityView(cases);
      case 'predictors': return predictorsView(cases);
    }
  };
  if (params.groupBy === undefined) return view(cohort);
  const keyOf = (c: Case): string => {
    switch (params.groupBy) {
      case 'ageBand': return c.r.victim.ageBand;
      case 'additionalNeeds': return String(c.r.victim.additionalNeeds);
      default: return c.r[params.groupBy!];
    }
  };
  const codePoints = (s: string): number[] => [...s].map((c) => c.codePointAt(0)!);
  const byCodePoint = (a: string, b: string): number => {
    const x = codePoints(a), y = codePoints(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };
  const keys = [...new Set(cohort.map(keyOf))].sort(byCodePoint);
  return { groups: keys.map((key) => ({ key, ...view(cohort.filter((c) => keyOf(c) === key)) })) };
}
