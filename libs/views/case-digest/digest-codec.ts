// How a case digest and its facts are stored as text in the read model (case-digest-v2). The
// in-memory shapes (`CaseDigest`, `CaseFacts`) are unchanged; only the stored text is compact:
//
// - A digest is `{"c": caseId, "q": requestIds, "e": entries}` with each entry an array
//   `[p − previous p, t, o − previous o, r − o, i]`, plus `d` as a sixth element when the entry has
//   one. Differences of integers are exact, so decoding gives back the same numbers; positions and
//   instants of one case are close together, so the differences are short. Field names are gone.
//   About two thirds of the JSON text of case-digest-v1 for the generated cohort; the event ids (kept
//   whole: a void names its target by id) are now more than half of what remains.
// - Facts are the values of `CaseFacts` as an array, in the order of FACT_KEYS (`null` for a case
//   not in view). About a third of the JSON object's text.
//
// Decoding trusts the text: it was written by `encodeDigest`/`encodeFacts` for this projection
// version (a change of format is a new projection name, so old rows are rebuilt, never decoded).
import { DIGEST_VERSION, type CaseDigest, type DigestEntry, type TypeCode } from './case-digest.js';
import type { CaseFacts } from './case-facts.js';

type StoredEntry = [dp: number, t: TypeCode, dO: number, dR: number, i: string, d?: unknown];

export function encodeDigest(digest: CaseDigest): string {
  const ev = digest.ev;
  const out: StoredEntry[] = new Array(ev.length);
  let p = 0, o = 0;
  for (let k = 0; k < ev.length; k++) {
    const e = ev[k]!;
    out[k] = e.d === undefined ? [e.p - p, e.t, e.o - o, e.r - e.o, e.i] : [e.p - p, e.t, e.o - o, e.r - e.o, e.i, e.d];
    p = e.p;
    o = e.o;
  }
  return JSON.stringify({ c: digest.caseId, q: digest.q, e: out });
}

export function decodeDigest(text: string): CaseDigest {
  const stored = JSON.parse(text) as { c: string; q: string[]; e: StoredEntry[] };
  const se = stored.e;
  const ev: DigestEntry[] = new Array(se.length);
  let p = 0, o = 0;
  for (let k = 0; k < se.length; k++) {
    const s = se[k]!;
    p += s[0];
    o += s[2];
    const entry: DigestEntry = { p, t: s[1], o, r: o + s[3], i: s[4] };
    if (s.length > 5) entry.d = s[5];
    ev[k] = entry;
  }
  return { v: DIGEST_VERSION, caseId: stored.c, q: stored.q, ev };
}

/** Every key of CaseFacts, in the order `caseFacts` builds them (the stored array's order). */
export const FACT_KEYS = [
  'caseId', 'viewFromMs', 'viewUntilMs', 'reportedAtMs',
  'force', 'borough', 'team', 'ageBand', 'additionalNeeds', 'relationship',
  'withdrawn', 'withdrawalReason', 'daysToWithdrawal', 'withdrawnBeforeIsvaEngaged', 'withdrawnAfterVictimDeviceRequest',
  'withdrawalUnconfirmed', 'withdrawnWhileInterviewPending',
  'closed', 'outcomeCode', 'nfa', 'daysToOutcome',
  'vdSeized', 'vdReturned', 'vdRetentionDays', 'vdReturnedWithin24h', 'vdReplacedWithin24h', 'vdHeldOver24hReturned',
  'vdHeldUnreturnedSeizedMs', 'vdExtractionFailed', 'vdAwaitingExamination', 'vdExtractionToExaminationDays',
  'updateGapsOver28', 'updateOpenSinceMs',
  'keyDecisions', 'keyDecisionsInformed',
  'isvaReferred', 'isvaReferredWithin2WorkingDays', 'isvaEngaged', 'daysToIsvaEngagement',
  'recordedEvents', 'recordedOver7DaysLate',
  'victimDeviceRequests', 'agreed', 'declined', 'pending',
  'noLineOfEnquiry', 'noAlternativesConsidered', 'periodUnboundedOrBeyondWindow', 'fullExtraction', 'nonRecentNoContact',
  'requestedBeforeAccount', 'repeatedAfterDecline', 'notSupervisorAuthorised', 'incompleteNotice', 'flaggedRequests',
  'examined', 'noRelevantMaterial', 'suspectDeviceRequests',
  'tpRequests', 'tpNoParameters', 'tpNoLineOfEnquiry', 'tpCounsellingRequests', 'tpCounsellingWithoutSeniorApproval',
  'tpVictimNotInformed',
  'accountInconsistencyNoted', 'nonRecent', 'isvaEngagedWithin30Days',
] as const satisfies readonly (keyof CaseFacts)[];

// Compile-time check that FACT_KEYS names every key of CaseFacts (a new fact must be added above).
type MissingFactKeys = Exclude<keyof CaseFacts, (typeof FACT_KEYS)[number]>;
const allFactKeysListed: [MissingFactKeys] extends [never] ? true : MissingFactKeys = true;
void allFactKeysListed;

export function encodeFacts(facts: CaseFacts | null): string {
  if (facts === null) return 'null';
  const values: unknown[] = new Array(FACT_KEYS.length);
  for (let k = 0; k < FACT_KEYS.length; k++) values[k] = facts[FACT_KEYS[k]!];
  return JSON.stringify(values);
}

export function decodeFacts(text: string): CaseFacts | null {
  const v = JSON.parse(text) as any[] | null;
  if (v === null) return null;
  // One object literal in FACT_KEYS order (checked by the round-trip test): every cached fact shares
  // one hidden class, and property reads in the aggregations stay fast (an object built key by key
  // with 67 computed keys falls back to slow dictionary properties).
  return {
    caseId: v[0], viewFromMs: v[1], viewUntilMs: v[2], reportedAtMs: v[3], force: v[4], borough: v[5],
    team: v[6], ageBand: v[7], additionalNeeds: v[8], relationship: v[9], withdrawn: v[10],
    withdrawalReason: v[11], daysToWithdrawal: v[12], withdrawnBeforeIsvaEngaged: v[13],
    withdrawnAfterVictimDeviceRequest: v[14], withdrawalUnconfirmed: v[15],
    withdrawnWhileInterviewPending: v[16], closed: v[17], outcomeCode: v[18], nfa: v[19], daysToOutcome: v[20],
    vdSeized: v[21], vdReturned: v[22], vdRetentionDays: v[23], vdReturnedWithin24h: v[24],
    vdReplacedWithin24h: v[25], vdHeldOver24hReturned: v[26], vdHeldUnreturnedSeizedMs: v[27],
    vdExtractionFailed: v[28], vdAwaitingExamination: v[29], vdExtractionToExaminationDays: v[30],
    updateGapsOver28: v[31], updateOpenSinceMs: v[32], keyDecisions: v[33], keyDecisionsInformed: v[34],
    isvaReferred: v[35], isvaReferredWithin2WorkingDays: v[36], isvaEngaged: v[37],
    daysToIsvaEngagement: v[38], recordedEvents: v[39], recordedOver7DaysLate: v[40],
    victimDeviceRequests: v[41], agreed: v[42], declined: v[43], pending: v[44], noLineOfEnquiry: v[45],
    noAlternativesConsidered: v[46], periodUnboundedOrBeyondWindow: v[47], fullExtraction: v[48],
    nonRecentNoContact: v[49], requestedBeforeAccount: v[50], repeatedAfterDecline: v[51],
    notSupervisorAuthorised: v[52], incompleteNotice: v[53], flaggedRequests: v[54], examined: v[55],
    noRelevantMaterial: v[56], suspectDeviceRequests: v[57], tpRequests: v[58], tpNoParameters: v[59],
    tpNoLineOfEnquiry: v[60], tpCounsellingRequests: v[61], tpCounsellingWithoutSeniorApproval: v[62],
    tpVictimNotInformed: v[63], accountInconsistencyNoted: v[64], nonRecent: v[65],
    isvaEngagedWithin30Days: v[66],
  };
}
