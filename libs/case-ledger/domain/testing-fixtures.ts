// Test fixtures for the domain's unit specs (not a spec itself): a valid data object for every type,
// and builders for interchange lines and events. Nothing here is used by production code.
import type { CaseEvent, EventDataMap, EventType } from './vocabulary.js';

export const CASE_ID = 'MPS-2021-000001';

/** A valid `data` for every type, keys in the spec's order. */
export const VALID_DATA: { readonly [K in EventType]: EventDataMap[K] } = {
  CaseReported: {
    crimeReference: 'CR-1/21', force: 'MPS', borough: 'Lambeth', team: 'Lambeth-SOIT-2', offence: 'rape',
    offenceFrom: '2021-02-27', offenceTo: null, relationship: 'acquaintance', contactSinceOffence: true,
    victim: { pseudonym: 'V-1', ageBand: '25_34', additionalNeeds: false, phoneDependentLivelihood: false },
  },
  OfficerAssigned: { officerId: 'ds-1', role: 'oic', victimInformed: true },
  VictimContactMade: { direction: 'to_victim', channel: 'phone', purpose: 'update' },
  IsvaReferred: { service: 'Havens' },
  IsvaEngaged: { service: 'Havens' },
  InterviewScheduled: { interviewId: 'vri-1', kind: 'vri', scheduledFor: '2021-03-11T10:00:00Z' },
  InterviewHeld: { interviewId: 'vri-1' },
  InterviewCancelled: { interviewId: 'vri-1', cancelledBy: 'victim', victimWishesToRearrange: true },
  AccountInconsistencyNoted: { nature: 'timeline', traumaImpactConsidered: true },
  SuspectIdentified: { suspectPseudonym: 'S-1' },
  KeyDecisionMade: { decision: 'suspect_arrested' },
  DeviceRequested: {
    requestId: 'dev-1', owner: 'victim', deviceType: 'phone', lineOfEnquiry: 'messages with the suspect',
    alternativesConsidered: 'screenshots', dataCategories: ['messages'], periodFrom: '2021-02-01', periodTo: '2021-03-01',
    supervisorAuthorised: true,
  },
  DeviceRequestAgreed: {
    requestId: 'dev-1',
    notice: { informationSoughtStated: true, reasonStated: true, rightToRefuseStated: true, refusalNotEndingCaseStated: true, signedBeforeCompleted: false },
  },
  DeviceRequestDeclined: { requestId: 'dev-1' },
  DeviceAgreementWithdrawn: { requestId: 'dev-1' },
  DeviceSeized: { requestId: 'dev-1' },
  ReplacementDeviceProvided: { requestId: 'dev-1' },
  DeviceExtracted: { requestId: 'dev-1', outcome: 'complete' },
  DeviceExamined: { requestId: 'dev-1', relevantMaterialFound: false },
  DeviceReturned: { requestId: 'dev-1' },
  ThirdPartyMaterialRequested: {
    requestId: 'tp-1', holder: 'counselling', lineOfEnquiry: '', periodFrom: null, periodTo: null, seniorApproval: false, victimInformed: false,
  },
  ThirdPartyMaterialReceived: { requestId: 'tp-1', relevantMaterialFound: false },
  VictimWithdrew: { reason: 'not_established', confirmedWithVictim: false, statementTaken: false, isvaInformed: false },
  VictimReengaged: {},
  ConcernRaised: { raisedBy: 'isva', kind: 'blank_form', requestId: null },
  CaseReferredToCps: {},
  ChargingDecisionMade: { decision: 'no_charge' },
  CaseClosed: { outcomeCode: 16, rationale: '', victimInformed: false },
  CaseReopened: { reason: 'new evidence' },
  ReviewRequested: { requestedBy: 'victim' },
  ReviewDecided: { upheld: false },
  EntryVoided: { eventId: 'e0000000-0000-4000-8000-000000000001', reason: 'entered on the wrong case' },
};

let counter = 0;
/** A fresh lower-case UUID (deterministic sequence). */
export function nextUuid(): string {
  counter++;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

/** A JSON-safe deep copy. */
export const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A valid interchange line (an object, as JSON.parse gives it) of a type, with optional changes. */
export function lineOf(type: EventType, changes: Record<string, unknown> = {}, dataChanges: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: nextUuid(),
    caseId: CASE_ID,
    type,
    occurredAt: '2021-03-04T10:15:00Z',
    recordedAt: '2021-03-04T11:00:00Z',
    data: { ...copy(VALID_DATA[type] as unknown as Record<string, unknown>), ...dataChanges },
    ...changes,
  };
}

/** A case event of a type at an instant, with optional data changes and metadata. */
export function ev<K extends EventType>(
  type: K,
  occurredAt: string,
  data: Partial<EventDataMap[K]> = {},
  meta: { eventId?: string; caseId?: string; recordedAt?: string } = {},
): CaseEvent<K> {
  return {
    type,
    data: { ...copy(VALID_DATA[type]), ...data },
    metadata: {
      eventId: meta.eventId ?? nextUuid(),
      caseId: meta.caseId ?? CASE_ID,
      occurredAt,
      recordedAt: meta.recordedAt ?? occurredAt,
    },
  } as CaseEvent<K>;
}

/** `2021-03-DDTHH:00:00Z`: short instants for the order-rule specs. */
export const at = (day: number, hour = 10, minute = 0): string =>
  `2021-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`;
