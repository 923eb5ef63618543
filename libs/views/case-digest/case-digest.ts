// The case digest: the read model's one row per case. A compact, JSON-serialisable record of the
// case's events holding only what the inspectors' views need, fed from the global log in ledger
// order by `evolveDigest`. Views never read events: they read `caseFacts(digest, asOf)`.
// The read model stores it in the shorter text form of `digest-codec.ts` (same content).
//
// Least data: no free text and no pseudonyms. Texts the views test for emptiness
// (lineOfEnquiry, alternativesConsidered) are kept as an "is empty" boolean; the written notice of
// an agreement as one "incomplete" boolean; a contact as the one code the views use; request ids
// as small ordinals into `q`.
import type { EventType, StoredCaseEvent } from '../../case-ledger/domain/vocabulary.js';
import { instantMs } from '../domain/instant.js';

export const DIGEST_VERSION = 1;

/**
 * Stable type codes of digest entries. Stored digests depend on them: never renumber, only append.
 */
export const T = {
  CaseReported: 0, OfficerAssigned: 1, VictimContactMade: 2, IsvaReferred: 3, IsvaEngaged: 4,
  InterviewScheduled: 5, InterviewHeld: 6, InterviewCancelled: 7, AccountInconsistencyNoted: 8,
  SuspectIdentified: 9, KeyDecisionMade: 10, DeviceRequested: 11, DeviceRequestAgreed: 12,
  DeviceRequestDeclined: 13, DeviceAgreementWithdrawn: 14, DeviceSeized: 15, ReplacementDeviceProvided: 16,
  DeviceExtracted: 17, DeviceExamined: 18, DeviceReturned: 19, ThirdPartyMaterialRequested: 20,
  ThirdPartyMaterialReceived: 21, VictimWithdrew: 22, VictimReengaged: 23, ConcernRaised: 24,
  CaseReferredToCps: 25, ChargingDecisionMade: 26, CaseClosed: 27, CaseReopened: 28, ReviewRequested: 29,
  ReviewDecided: 30, EntryVoided: 31,
} as const satisfies Record<EventType, number>;
export type TypeCode = (typeof T)[EventType];

/** `VictimContactMade` payload: what the views make of a contact. */
export const CONTACT = { other: 0, updateToVictim: 1, decisionToVictim: 2 } as const;

/** `CaseReported` payload: the cohort and grouping fields. */
export interface ReportPayload {
  force: string; borough: string; team: string; ageBand: string; additionalNeeds: boolean;
  relationship: string; offenceFrom: string; contactSinceOffence: boolean | null;
}
/** `DeviceRequested` payload. */
export interface DeviceRequestPayload {
  q: number;              // request ordinal (index into CaseDigest.q)
  w: string;              // owner: victim | suspect | witness
  le: boolean;            // lineOfEnquiry empty (or white space only)
  ae: boolean;            // alternativesConsidered empty
  fx: boolean;            // dataCategories contains full_extraction
  pf: string | null;      // periodFrom
  pt: string | null;      // periodTo
  sa: boolean;            // supervisorAuthorised
}
/** `DeviceRequestAgreed` payload. */
export interface AgreementPayload { q: number; ni: boolean /* notice lacks a statement or was signed before completion */ }
/** `DeviceExtracted` payload. */
export interface ExtractionPayload { q: number; ok: boolean /* outcome complete */ }
/** `DeviceExamined` payload. */
export interface ExaminationPayload { q: number; rm: boolean /* relevantMaterialFound */ }
/** `ThirdPartyMaterialRequested` payload. */
export interface ThirdPartyPayload {
  c: boolean;   // holder counselling
  np: boolean;  // periodFrom or periodTo null
  le: boolean;  // lineOfEnquiry empty
  sa: boolean;  // seniorApproval
  vi: boolean;  // victimInformed
}
/** `VictimWithdrew` payload. */
export interface WithdrawalPayload { w: string /* reason */; cv: boolean /* confirmedWithVictim */ }

/**
 * One event. `d` by type: CaseReported → ReportPayload; VictimContactMade → a CONTACT code;
 * InterviewCancelled → 1 if the victim wishes to rearrange, else 0; DeviceRequested →
 * DeviceRequestPayload; DeviceRequestAgreed → AgreementPayload; DeviceRequestDeclined,
 * DeviceAgreementWithdrawn, DeviceSeized, ReplacementDeviceProvided, DeviceReturned → the request
 * ordinal; DeviceExtracted → ExtractionPayload; DeviceExamined → ExaminationPayload;
 * ThirdPartyMaterialRequested → ThirdPartyPayload; VictimWithdrew → WithdrawalPayload; CaseClosed →
 * the outcome code; EntryVoided → the target's position, or its eventId (lower case) when the
 * target was not in the digest when the void arrived. Other types carry no `d`.
 */
export interface DigestEntry {
  p: number;      // ledger position (global order)
  t: TypeCode;
  o: number;      // occurredAt, ms since the epoch
  r: number;      // recordedAt, ms since the epoch
  i: string;      // eventId, lower case (UUIDs compare case-insensitively): the key voids name
  d?: unknown;
}

export interface CaseDigest {
  v: typeof DIGEST_VERSION;
  caseId: string;
  /** Request ids of the case in first-seen order; payloads refer to them by index. */
  q: string[];
  /** Entries in ascending ledger position. */
  ev: DigestEntry[];
}

export function emptyDigest(caseId: string): CaseDigest {
  return { v: DIGEST_VERSION, caseId, q: [], ev: [] };
}

const isEmptyText = (value: unknown): boolean => typeof value !== 'string' || value.trim() === '';

/**
 * The digest with `event` applied. Pure (the input digest is never modified), never throws, and
 * idempotent by ledger position: an event whose position the digest already holds returns the
 * same digest object, so a runner can skip writing it. Also returns the digest unchanged for an
 * event of another case, of an unknown type, or with an unreadable position or instant.
 * Events are expected in ledger order; one arriving out of order is still inserted in place.
 */
export function evolveDigest(digest: CaseDigest | null, event: StoredCaseEvent): CaseDigest {
  try {
    return evolve(digest, event);
  } catch {
    return digest ?? emptyDigest(typeof event?.metadata?.caseId === 'string' ? event.metadata.caseId : '');
  }
}

function evolve(digest: CaseDigest | null, event: StoredCaseEvent): CaseDigest {
  const meta = event.metadata;
  const base = digest ?? emptyDigest(String(meta.caseId));
  if (meta.caseId !== base.caseId) return base;
  const code = (T as Record<string, TypeCode | undefined>)[event.type];
  const position = event.position;
  const o = instantMs(meta.occurredAt);
  const r = instantMs(meta.recordedAt);
  if (code === undefined || !Number.isSafeInteger(position) || Number.isNaN(o) || Number.isNaN(r)) return base;

  // Where it goes (ascending position), and whether it is already there.
  const ev = base.ev;
  let at = ev.length;
  if (at > 0 && ev[at - 1]!.p >= position) {
    let lo = 0, hi = ev.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (ev[mid]!.p < position) lo = mid + 1; else hi = mid; }
    if (lo < ev.length && ev[lo]!.p === position) return base;
    at = lo;
  }

  let q = base.q;
  const ordinal = (requestId: unknown): number => {
    const id = String(requestId);
    const k = q.indexOf(id);
    if (k >= 0) return k;
    q = [...q, id];
    return q.length - 1;
  };

  const entry: DigestEntry = { p: position, t: code, o, r, i: String(meta.eventId).toLowerCase() };
  const data = event.data as Record<string, any>;
  switch (event.type) {
    case 'CaseReported': {
      const d = event.data;
      const payload: ReportPayload = {
        force: String(d.force), borough: String(d.borough), team: String(d.team),
        ageBand: String(d.victim?.ageBand), additionalNeeds: d.victim?.additionalNeeds === true,
        relationship: String(d.relationship), offenceFrom: String(d.offenceFrom),
        contactSinceOffence: typeof d.contactSinceOffence === 'boolean' ? d.contactSinceOffence : null,
      };
      entry.d = payload;
      break;
    }
    case 'VictimContactMade': {
      const d = event.data;
      entry.d = d.direction !== 'to_victim' ? CONTACT.other
        : d.purpose === 'decision' ? CONTACT.decisionToVictim
          : d.purpose === 'update' ? CONTACT.updateToVictim : CONTACT.other;
      break;
    }
    case 'InterviewCancelled':
      entry.d = event.data.victimWishesToRearrange === true ? 1 : 0;
      break;
    case 'DeviceRequested': {
      const d = event.data;
      const payload: DeviceRequestPayload = {
        q: ordinal(d.requestId), w: String(d.owner),
        le: isEmptyText(d.lineOfEnquiry), ae: isEmptyText(d.alternativesConsidered),
        fx: Array.isArray(d.dataCategories) && d.dataCategories.includes('full_extraction'),
        pf: typeof d.periodFrom === 'string' ? d.periodFrom : null,
        pt: typeof d.periodTo === 'string' ? d.periodTo : null,
        sa: d.supervisorAuthorised === true,
      };
      entry.d = payload;
      break;
    }
    case 'DeviceRequestAgreed': {
      const n = event.data.notice;
      const complete = n != null && n.informationSoughtStated === true && n.reasonStated === true
        && n.rightToRefuseStated === true && n.refusalNotEndingCaseStated === true && n.signedBeforeCompleted === false;
      entry.d = { q: ordinal(event.data.requestId), ni: !complete } satisfies AgreementPayload;
      break;
    }
    case 'DeviceRequestDeclined': case 'DeviceAgreementWithdrawn': case 'DeviceSeized':
    case 'ReplacementDeviceProvided': case 'DeviceReturned':
      entry.d = ordinal(data.requestId);
      break;
    case 'DeviceExtracted':
      entry.d = { q: ordinal(event.data.requestId), ok: event.data.outcome === 'complete' } satisfies ExtractionPayload;
      break;
    case 'DeviceExamined':
      entry.d = { q: ordinal(event.data.requestId), rm: event.data.relevantMaterialFound === true } satisfies ExaminationPayload;
      break;
    case 'ThirdPartyMaterialRequested': {
      const d = event.data;
      entry.d = {
        c: d.holder === 'counselling', np: d.periodFrom == null || d.periodTo == null,
        le: isEmptyText(d.lineOfEnquiry), sa: d.seniorApproval === true, vi: d.victimInformed === true,
      } satisfies ThirdPartyPayload;
      break;
    }
    case 'VictimWithdrew':
      entry.d = { w: String(event.data.reason), cv: event.data.confirmedWithVictim === true } satisfies WithdrawalPayload;
      break;
    case 'CaseClosed':
      entry.d = Number(event.data.outcomeCode);
      break;
    case 'EntryVoided': {
      const target = String(event.data.eventId).toLowerCase();
      const hit = ev.find((e) => e.i === target);
      entry.d = hit === undefined ? target : hit.p;
      break;
    }
    default:
      break;
  }

  const nextEv = at === ev.length ? [...ev, entry] : [...ev.slice(0, at), entry, ...ev.slice(at)];
  return { v: DIGEST_VERSION, caseId: base.caseId, q, ev: nextEv };
}

/** Folds events (any order of delivery) into one digest per case. Convenience for rebuilds and tests. */
export function digestsOf(events: Iterable<StoredCaseEvent>): Map<string, CaseDigest> {
  const out = new Map<string, CaseDigest>();
  for (const e of events) {
    const id = e.metadata.caseId;
    out.set(id, evolveDigest(out.get(id) ?? null, e));
  }
  return out;
}
