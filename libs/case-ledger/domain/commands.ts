// Commands of the case ledger: plain messages with imperative names, one per event type. The ledger
// records what happened, so a command carries the fully-formed event it asks to record
// (`{ type: 'SeizeDevice', event }`); `decide` (decider.ts) accepts it or refuses it.
import type { CaseEvent, EventType } from './vocabulary.js';

/** Event type -> command type, one to one. */
export const COMMAND_FOR_EVENT = {
  CaseReported: 'ReportCase',
  OfficerAssigned: 'AssignOfficer',
  VictimContactMade: 'RecordVictimContact',
  IsvaReferred: 'ReferToIsva',
  IsvaEngaged: 'RecordIsvaEngagement',
  InterviewScheduled: 'ScheduleInterview',
  InterviewHeld: 'HoldInterview',
  InterviewCancelled: 'CancelInterview',
  AccountInconsistencyNoted: 'NoteAccountInconsistency',
  SuspectIdentified: 'IdentifySuspect',
  KeyDecisionMade: 'RecordKeyDecision',
  DeviceRequested: 'RequestDevice',
  DeviceRequestAgreed: 'AgreeDeviceRequest',
  DeviceRequestDeclined: 'DeclineDeviceRequest',
  DeviceAgreementWithdrawn: 'WithdrawDeviceAgreement',
  DeviceSeized: 'SeizeDevice',
  ReplacementDeviceProvided: 'ProvideReplacementDevice',
  DeviceExtracted: 'ExtractDevice',
  DeviceExamined: 'ExamineDevice',
  DeviceReturned: 'ReturnDevice',
  ThirdPartyMaterialRequested: 'RequestThirdPartyMaterial',
  ThirdPartyMaterialReceived: 'ReceiveThirdPartyMaterial',
  VictimWithdrew: 'RecordVictimWithdrawal',
  VictimReengaged: 'RecordVictimReengagement',
  ConcernRaised: 'RaiseConcern',
  CaseReferredToCps: 'ReferCaseToCps',
  ChargingDecisionMade: 'RecordChargingDecision',
  CaseClosed: 'CloseCase',
  CaseReopened: 'ReopenCase',
  ReviewRequested: 'RequestReview',
  ReviewDecided: 'DecideReview',
  EntryVoided: 'VoidEntry',
} as const satisfies { readonly [K in EventType]: string };

export type CommandTypeOf<K extends EventType> = (typeof COMMAND_FOR_EVENT)[K];
export type CaseCommandType = CommandTypeOf<EventType>;
/** The event type a command type records. */
export type EventTypeOf<C extends CaseCommandType> = { [K in EventType]: CommandTypeOf<K> extends C ? K : never }[EventType];

/** A command: its imperative type and the event it asks to record. */
export type CaseCommand<K extends EventType = EventType> = {
  [T in K]: { readonly type: CommandTypeOf<T>; readonly event: CaseEvent<T> };
}[K];

/** Command type -> event type (the inverse of COMMAND_FOR_EVENT). */
export const EVENT_FOR_COMMAND = Object.freeze(
  Object.fromEntries(Object.entries(COMMAND_FOR_EVENT).map(([e, c]) => [c, e])),
) as { readonly [C in CaseCommandType]: EventTypeOf<C> };

/** The command that records `event`. */
export function commandFor<K extends EventType>(event: CaseEvent<K>): CaseCommand<K> {
  return { type: COMMAND_FOR_EVENT[event.type as K], event } as unknown as CaseCommand<K>;
}
