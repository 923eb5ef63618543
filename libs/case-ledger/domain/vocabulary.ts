// The case-action vocabulary of ../shared/spec/events.md (interchange format v1), as types.
// Pure: no framework or database imports anywhere under a `domain/` folder.

export const ACTOR_ROLES = ['oic', 'soit', 'supervisor', 'isva', 'cps', 'inspector', 'analyst', 'system'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];
export interface Actor { id: string; role: ActorRole }

export const OFFENCES = ['rape', 'attempted_rape', 'assault_by_penetration', 'other_sexual_offence'] as const;
export const RELATIONSHIPS = ['stranger', 'acquaintance', 'partner', 'ex_partner', 'family', 'online_contact', 'other', 'unknown'] as const;
export const AGE_BANDS = ['under_18', '18_24', '25_34', '35_44', '45_54', '55_plus', 'unknown'] as const;
export const OFFICER_ROLES = ['oic', 'soit', 'supervisor'] as const;
export const CONTACT_DIRECTIONS = ['to_victim', 'from_victim'] as const;
export const CONTACT_CHANNELS = ['phone', 'email', 'letter', 'in_person', 'text', 'via_isva'] as const;
export const CONTACT_PURPOSES = ['update', 'decision', 'interview_arrangement', 'device_request', 'welfare', 'other'] as const;
export const INTERVIEW_KINDS = ['vri', 'statement'] as const;
export const CANCELLED_BY = ['victim', 'police'] as const;
export const INCONSISTENCY_NATURES = ['timeline', 'detail', 'omission', 'other'] as const;
export const KEY_DECISIONS = ['suspect_arrested', 'suspect_interviewed_under_caution', 'released_without_charge', 'released_on_bail', 'released_under_investigation', 'bail_varied'] as const;
export const DEVICE_OWNERS = ['victim', 'suspect', 'witness'] as const;
export const DEVICE_TYPES = ['phone', 'computer', 'tablet', 'other'] as const;
export const DATA_CATEGORIES = ['messages', 'call_logs', 'photos', 'location', 'social_media', 'app_data', 'full_extraction'] as const;
export const EXTRACTION_OUTCOMES = ['complete', 'failed'] as const;
export const THIRD_PARTY_HOLDERS = ['medical', 'counselling', 'social_services', 'education', 'other'] as const;
export const WITHDRAWAL_REASONS = ['lost_confidence_in_police', 'device_or_records_request', 'process_length_or_complexity', 'fear_of_court_process', 'fear_of_suspect_or_reprisal', 'pressure_from_others', 'health_or_wellbeing', 'wants_to_move_on', 'did_not_want_prosecution', 'other', 'not_established'] as const;
export const CONCERN_RAISERS = ['victim', 'isva', 'supervisor', 'inspector'] as const;
export const CONCERN_KINDS = ['pressure_to_agree', 'blank_form', 'excessive_scope', 'no_updates', 'disbelief_or_blame', 'other'] as const;
export const CHARGING_DECISIONS = ['charge', 'no_charge', 'further_enquiries'] as const;
export const REVIEW_REQUESTERS = ['victim', 'isva'] as const;

type Of<T extends readonly string[]> = T[number];
/** `YYYY-MM-DD`, a calendar date in Europe/London. */
export type IsoDate = string;
/** ISO 8601 instant with offset, at most millisecond precision, kept as given. */
export type IsoInstant = string;

export interface EventDataMap {
  CaseReported: {
    crimeReference: string; force: string; borough: string; team: string;
    offence: Of<typeof OFFENCES>; offenceFrom: IsoDate; offenceTo: IsoDate | null;
    relationship: Of<typeof RELATIONSHIPS>; contactSinceOffence: boolean | null;
    victim: { pseudonym: string; ageBand: Of<typeof AGE_BANDS>; additionalNeeds: boolean; phoneDependentLivelihood: boolean };
  };
  OfficerAssigned: { officerId: string; role: Of<typeof OFFICER_ROLES>; victimInformed: boolean };
  VictimContactMade: { direction: Of<typeof CONTACT_DIRECTIONS>; channel: Of<typeof CONTACT_CHANNELS>; purpose: Of<typeof CONTACT_PURPOSES> };
  IsvaReferred: { service: string };
  IsvaEngaged: { service: string };
  InterviewScheduled: { interviewId: string; kind: Of<typeof INTERVIEW_KINDS>; scheduledFor: IsoInstant };
  InterviewHeld: { interviewId: string };
  InterviewCancelled: { interviewId: string; cancelledBy: Of<typeof CANCELLED_BY>; victimWishesToRearrange: boolean };
  AccountInconsistencyNoted: { nature: Of<typeof INCONSISTENCY_NATURES>; traumaImpactConsidered: boolean };
  SuspectIdentified: { suspectPseudonym: string };
  KeyDecisionMade: { decision: Of<typeof KEY_DECISIONS> };
  DeviceRequested: {
    requestId: string; owner: Of<typeof DEVICE_OWNERS>; deviceType: Of<typeof DEVICE_TYPES>;
    lineOfEnquiry: string; alternativesConsidered: string; dataCategories: Of<typeof DATA_CATEGORIES>[];
    periodFrom: IsoDate | null; periodTo: IsoDate | null; supervisorAuthorised: boolean;
  };
  DeviceRequestAgreed: {
    requestId: string;
    notice: { informationSoughtStated: boolean; reasonStated: boolean; rightToRefuseStated: boolean; refusalNotEndingCaseStated: boolean; signedBeforeCompleted: boolean };
  };
  DeviceRequestDeclined: { requestId: string };
  DeviceAgreementWithdrawn: { requestId: string };
  DeviceSeized: { requestId: string };
  ReplacementDeviceProvided: { requestId: string };
  DeviceExtracted: { requestId: string; outcome: Of<typeof EXTRACTION_OUTCOMES> };
  DeviceExamined: { requestId: string; relevantMaterialFound: boolean };
  DeviceReturned: { requestId: string };
  ThirdPartyMaterialRequested: {
    requestId: string; holder: Of<typeof THIRD_PARTY_HOLDERS>; lineOfEnquiry: string;
    periodFrom: IsoDate | null; periodTo: IsoDate | null; seniorApproval: boolean; victimInformed: boolean;
  };
  ThirdPartyMaterialReceived: { requestId: string; relevantMaterialFound: boolean };
  VictimWithdrew: { reason: Of<typeof WITHDRAWAL_REASONS>; confirmedWithVictim: boolean; statementTaken: boolean; isvaInformed: boolean };
  VictimReengaged: Record<string, never>;
  ConcernRaised: { raisedBy: Of<typeof CONCERN_RAISERS>; kind: Of<typeof CONCERN_KINDS>; requestId: string | null };
  CaseReferredToCps: Record<string, never>;
  ChargingDecisionMade: { decision: Of<typeof CHARGING_DECISIONS> };
  CaseClosed: { outcomeCode: number; rationale: string; victimInformed: boolean };
  CaseReopened: { reason: string };
  ReviewRequested: { requestedBy: Of<typeof REVIEW_REQUESTERS> };
  ReviewDecided: { upheld: boolean };
  EntryVoided: { eventId: string; reason: string };
}

export type EventType = keyof EventDataMap;
export const EVENT_TYPES = [
  'CaseReported', 'OfficerAssigned', 'VictimContactMade', 'IsvaReferred', 'IsvaEngaged', 'InterviewScheduled',
  'InterviewHeld', 'InterviewCancelled', 'AccountInconsistencyNoted', 'SuspectIdentified', 'KeyDecisionMade',
  'DeviceRequested', 'DeviceRequestAgreed', 'DeviceRequestDeclined', 'DeviceAgreementWithdrawn', 'DeviceSeized',
  'ReplacementDeviceProvided', 'DeviceExtracted', 'DeviceExamined', 'DeviceReturned', 'ThirdPartyMaterialRequested',
  'ThirdPartyMaterialReceived', 'VictimWithdrew', 'VictimReengaged', 'ConcernRaised', 'CaseReferredToCps',
  'ChargingDecisionMade', 'CaseClosed', 'CaseReopened', 'ReviewRequested', 'ReviewDecided', 'EntryVoided',
] as const satisfies readonly EventType[];

/** Ledger-side facts about a case event that are not its `data`. */
export interface CaseEventMetadata {
  eventId: string;          // as given (case preserved) or made by the ledger
  caseId: string;
  occurredAt: IsoInstant;   // as given
  recordedAt: IsoInstant;   // as given, or the append time
  actor?: Actor;
}

/** A plain message: `{ type, data, metadata }`. One per interchange line. */
export type CaseEvent<T extends EventType = EventType> = {
  [K in T]: { type: K; data: EventDataMap[K]; metadata: CaseEventMetadata };
}[T];

/** A case event as the store holds it: with its global position and its version in the case's stream. */
export type StoredCaseEvent<T extends EventType = EventType> = CaseEvent<T> & {
  position: number;      // 1-based position in the global log
  streamVersion: number; // 1-based version within the case
};

/** NFA outcome codes (views.md). */
export const NFA_OUTCOMES: ReadonlySet<number> = new Set([14, 15, 16, 17, 18, 20, 21]);
