// How a case digest and its facts are stored as text in the read model. The in-memory shapes
// (`CaseDigest`, `CaseFacts`) are unchanged; only the stored text is compact:
//
// - A digest is `{"c": caseId, "q": requestIds, "e": entries}` with each entry an array
//   `[p − previous p, t, o − previous o, r − o, i]`, plus `d` as a sixth element when the entry has
//   one (the first entry's "previous" is 0). Differences of integers are exact, so decoding gives
//   back the same numbers; positions and instants of one case are close together, so the
//   differences are short. Field names are gone. About two thirds of the JSON text of
//   case-digest-v1 for the generated cohort; the event ids (kept whole: a void names its target by
//   id) are now more than half of what remains. case-digest-v2 stored it whole.
// - case-digest-v3 stores it in parts (`encodeDigestParts`): part k holds entries k·DIGEST_BLOCK
//   onwards, DIGEST_BLOCK of them, except the last part, which holds the entries of the last block
//   up to a multiple of DIGEST_CHUNK; the entries after those (fewer than DIGEST_CHUNK) stay in the
//   row's text, the object above with only them in `e`. A part is an array of entries as above (the
//   differences start again at each part). The layout depends on the entries alone, not on how
//   they came, and a digest's part count never decreases.
// - Facts are the values of `CaseFacts` as an array, in the order of FACT_KEYS (`null` for a case
//   not in view). About a third of the JSON object's text.
//
// Decoding trusts the text: it was written by the encoders here for this projection version (a
// change of format is a new projection name, so old rows are rebuilt, never decoded).
import { DIGEST_VERSION, type CaseDigest, type DigestEntry, type TypeCode } from './case-digest.js';
import type { CaseFacts } from './case-facts.js';

type StoredEntry = [dp: number, t: TypeCode, dO: number, dR: number, i: string, d?: unknown];

/**
 * Entries per part of a digest (case-digest-v3), and the step by which the last part grows.
 * Changing them changes the stored layout: a new projection name.
 */
export const DIGEST_BLOCK = 64;
export const DIGEST_CHUNK = 8;

/** Entries ev[from, to) as stored entries, differences starting from 0. */
function encodeEntries(ev: readonly DigestEntry[], from: number, to: number): StoredEntry[] {
  const out: StoredEntry[] = new Array(to - from);
  let p = 0, o = 0;
  for (let k = from; k < to; k++) {
    const e = ev[k]!;
    out[k - from] = e.d === undefined ? [e.p - p, e.t, e.o - o, e.r - e.o, e.i] : [e.p - p, e.t, e.o - o, e.r - e.o, e.i, e.d];
    p = e.p;
    o = e.o;
  }
  return out;
}

/** Appends the entries of `se` (differences starting from 0) to `ev`. */
function decodeEntries(se: readonly StoredEntry[], ev: DigestEntry[]): void {
  let p = 0, o = 0;
  for (let k = 0; k < se.length; k++) {
    const s = se[k]!;
    p += s[0];
    o += s[2];
    const entry: DigestEntry = { p, t: s[1], o, r: o + s[3], i: s[4] };
    if (s.length > 5) entry.d = s[5];
    ev.push(entry);
  }
}

/** A digest stored in parts: the row's text, and the parts from `from` on (the digest has `from + texts.length`). */
export interface DigestParts {
  state: string;
  /** Index of the first part in `texts`: parts before it are unchanged since `previous`. */
  from: number;
  texts: string[];
}

/**
 * The digest in parts (`block` and `chunk` other than the stored layout's only in tests). Only the
 * parts that can differ from those of `previous` (the digest as last stored; null: nothing stored)
 * are encoded: from the one holding the first entry `previous` does not hold at the same index. An
 * append therefore encodes the row's text (at most `chunk` − 1 entries, besides the request ids),
 * plus once per `chunk` appends the last part (at most `block` entries).
 */
export function encodeDigestParts(
  digest: CaseDigest, previous: CaseDigest | null, block = DIGEST_BLOCK, chunk = DIGEST_CHUNK,
): DigestParts {
  const ev = digest.ev;
  const inParts = ev.length - (ev.length % block) % chunk; // entries held by parts (the rest: in the row)
  const parts = Math.ceil(inParts / block);
  const changed = firstChangedEntry(previous, digest);
  const from = changed < inParts ? Math.floor(changed / block) : parts;
  const texts: string[] = new Array(parts - from);
  for (let k = from; k < parts; k++) texts[k - from] = JSON.stringify(encodeEntries(ev, k * block, Math.min(inParts, (k + 1) * block)));
  const state = JSON.stringify({ c: digest.caseId, q: digest.q, e: encodeEntries(ev, inParts, ev.length) });
  return { state, from, texts };
}

/** The digest back from the row's text and all its parts, in order. */
export function decodeDigestParts(state: string, parts: readonly string[]): CaseDigest {
  const stored = JSON.parse(state) as { c: string; q: string[]; e: StoredEntry[] };
  const ev: DigestEntry[] = [];
  for (const part of parts) decodeEntries(JSON.parse(part) as StoredEntry[], ev);
  decodeEntries(stored.e, ev);
  return { v: DIGEST_VERSION, caseId: stored.c, q: stored.q, ev };
}

/**
 * Index of the first entry of `next` that `previous` does not hold at the same index (`next` is
 * `previous` evolved: entries are only ever added, in ascending position). Appends are found in
 * constant time: `previous`'s last entry still at its index means nothing was inserted before it.
 */
export function firstChangedEntry(previous: CaseDigest | null, next: CaseDigest): number {
  if (previous === null) return 0;
  const a = previous.ev, b = next.ev;
  const n = Math.min(a.length, b.length);
  if (n === 0 || a[n - 1]!.p === b[n - 1]!.p) return n;
  let k = 0;
  while (k < n && a[k]!.p === b[k]!.p) k++;
  return k;
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
