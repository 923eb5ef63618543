import type { StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';

/** A row a commit wrote: its key, its facts as objects and as stored text. */
export interface CommittedRow<F> { key: string; facts: F; factsText: string }

/** A read model with one row per key, folded from the global log by a pure `evolve`. */
export interface KeyedProjection<S, F = unknown> {
  name: string;
  /** Names this projection replaces (an older format): their rows are dropped when this one starts from scratch. */
  supersedes?: readonly string[];
  keyOf(event: StoredCaseEvent): string;
  /**
   * True when no earlier event of the log has this event's key (e.g. the first event of a case's
   * stream), so its row cannot exist yet and need not be looked up.
   */
  startsKey?(event: StoredCaseEvent): boolean;
  /** Pure, never throws, and idempotent by stored position (an event already folded is ignored). */
  evolve(state: S | null, event: StoredCaseEvent): S;
  /** What queries read for "now", derived from the state whenever the row is written. */
  facts(state: S): F;
  /** The stored text of a state and of its facts, and a state back from its text. */
  encodeState(state: S): string;
  decodeState(text: string): S;
  encodeFacts(facts: F): string;
  /** recordedAt of an event, in ms (kept per checkpoint: views for an asOf at or after it need no replay). */
  recordedAtMs(event: StoredCaseEvent): number;
  /**
   * Where a worker thread imports this projection from (a module URL and the name it is exported
   * under), when `keyOf` depends on the event's caseId alone: then the log can be folded in
   * partitions by case, one worker thread each (ProjectionRunner's parallel catch-up).
   */
  module?: { url: string; name: string };
}
