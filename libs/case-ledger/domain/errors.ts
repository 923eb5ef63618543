// Domain errors of the case ledger. Each has a stable string `code` that callers (CLI, HTTP, importer)
// map to their own world; nothing here knows about HTTP or any framework.
//
// Code families:
//   validation.<rule>               a line does not have the shape of events.md ("The line", "Types and their data")
//   rule.<name>                     an order rule of events.md is broken (the ledger refuses what cannot have happened)
//   concurrency.version_conflict    an append expected another stream version
//   idempotency.event_id_conflict   an eventId already stored with different content

/** Base of every domain error: a stable machine-readable `code` and a one-line human message. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The validation rules (the part after `validation.`). */
export type ValidationRule =
  | 'required'      // a required field is absent
  | 'unknown_field' // a field the contract does not define
  | 'type'          // wrong JSON type (string/boolean/number/object/array/null)
  | 'enum'          // a value outside a closed enumeration
  | 'format'        // a string that does not have the required format (UUID, caseId, instant, date)
  | 'empty'         // a string that must contain a non-white-space character, or an empty array
  | 'range';        // a number or a length outside its allowed range

/** A line (or one of its fields) does not have the shape the contract requires. */
export class ValidationError extends DomainError {
  readonly code: `validation.${ValidationRule}`;
  /** The rule broken, e.g. `enum` (the code without its `validation.` prefix). */
  readonly rule: ValidationRule;
  /** Path of the offending field, e.g. `data.victim.ageBand`, `occurredAt`, `actor.role` (`line` for the line itself). */
  readonly field: string;
  constructor(rule: ValidationRule, field: string, message: string) {
    super(message);
    this.rule = rule;
    this.code = `validation.${rule}`;
    this.field = field;
  }
}

/** The order-rule codes. The list is the contract with callers: add to it, never rename. */
export const RULE_CODES = [
  'rule.report_first',             // an event before the case is reported
  'rule.report_once',              // a second CaseReported
  'rule.before_report',            // occurredAt before the report's occurredAt
  'rule.case_closed',              // an event not allowed while the case is closed (or CaseClosed when closed)
  'rule.case_not_closed',          // CaseReopened while the case is open
  'rule.unknown_request',          // names a request unknown, voided, or requested later
  'rule.request_id_taken',         // a request id already used in the case (voided requests included)
  'rule.wrong_request_kind',       // a device event naming a third-party request or vice versa
  'rule.already_responded',        // a device request agreed or declined a second time
  'rule.needs_agreement',          // a victim's/witness's device seized without agreement; withdrawing an agreement never given
  'rule.agreement_withdrawn',      // a device event after the agreement was withdrawn
  'rule.already_seized',           // seized twice; an agreement withdrawn after seizure
  'rule.needs_seizure',            // extraction, replacement or return of a device never seized
  'rule.needs_complete_extraction',// examination with no complete extraction at or before it
  'rule.already_examined',         // examined twice
  'rule.already_returned',         // returned twice, or a replacement after the return
  'rule.after_return',             // a device event (other than ConcernRaised) after the return
  'rule.already_received',         // third-party material received twice
  'rule.no_withdrawal_in_effect',  // VictimReengaged with no withdrawal in effect
  'rule.interview_not_pending',    // InterviewHeld/InterviewCancelled of an interview not scheduled, or already held/cancelled
  'rule.interview_already_held',   // InterviewScheduled of an interview already held
  'rule.no_pending_review',        // ReviewDecided with no undecided ReviewRequested
  'rule.void_unknown_event',       // EntryVoided names no event of this case
  'rule.void_twice',               // EntryVoided names an event already voided
  'rule.void_not_allowed',         // EntryVoided names a CaseReported or an EntryVoided
  'rule.void_breaks_history',      // without the voided event, the history would break an order rule
  'rule.recorded_before_occurred', // recordedAt earlier than occurredAt
  'rule.recorded_in_future',       // recordedAt (or occurredAt) later than the ledger's time of append
  'rule.wrong_case',               // an event of another case given to this case's decider (a caller's bug)
  'rule.command_mismatch',         // a command whose type does not match the event it carries (a caller's bug)
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** An event that cannot have happened given the case's history (events.md "Order rules"). */
export class RuleViolationError extends DomainError {
  /** Same as `rule`. */
  readonly code: RuleCode;
  /** The rule broken, e.g. `rule.needs_agreement`. */
  readonly rule: RuleCode;
  /** The field that carries the problem, when one does (e.g. `recordedAt`, `data.requestId`). */
  readonly field?: string;
  /** The ledger event the violation was found at, when it is not the event being appended (late insertion, void). */
  readonly atEventId?: string;
  constructor(rule: RuleCode, message: string, options?: { field?: string; atEventId?: string }) {
    super(message);
    this.rule = rule;
    this.code = rule;
    if (options?.field !== undefined) this.field = options.field;
    if (options?.atEventId !== undefined) this.atEventId = options.atEventId;
  }
}

/** An append expected the case's stream at one version and found it at another. Thrown by the stores. */
export class VersionConflictError extends DomainError {
  readonly code = 'concurrency.version_conflict' as const;
  readonly caseId: string;
  readonly expected: number | 'any';
  readonly actual: number;
  constructor(caseId: string, expected: number | 'any', actual: number) {
    super(`case ${caseId}: expected stream version ${String(expected)}, but it is at version ${actual}`);
    this.caseId = caseId;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * An eventId already stored with a different caseId, type, occurredAt or data (events.md: "with any of
 * those different it is refused"). Thrown by the stores; `differs` names what differs, when known.
 */
export class EventIdConflictError extends DomainError {
  readonly code = 'idempotency.event_id_conflict' as const;
  readonly eventId: string;
  readonly differs: readonly string[];
  constructor(eventId: string, differs: readonly string[] = []) {
    super(
      `eventId ${eventId} is already stored with a different ` +
        (differs.length > 0 ? differs.join(', ') : 'caseId, type, occurredAt or data') +
        ': an eventId can only be retried with identical content',
    );
    this.eventId = eventId;
    this.differs = differs;
  }
}
