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
  const values = JSON.parse(text) as unknown[] | null;
  if (values === null) return null;
  const facts: Record<string, unknown> = {};
  for (let k = 0; k < FACT_KEYS.length; k++) facts[FACT_KEYS[k]!] = values[k];
  return facts as unknown as CaseFacts;
}
