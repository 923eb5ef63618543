import type { StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import type { ReadModelRow, StoredState } from './read-model-store.js';

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
  /**
   * The stored text of a state: the row's text and parts (e.g. a long state that only grows, in
   * chunks; a state stored whole has none), so that a write rewrites the parts that changed and not
   * the others. Gives the parts from `from` on, which must include every part that differs from
   * those of `previous` (the state as last stored; null: no row), `from` at most `previous`'s part
   * count. `decodeState` gets the row's text and all its parts.
   */
  encodeState(state: S, previous: S | null): { state: string; from: number; texts: string[] };
  decodeState(stored: StoredState): S;
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

/** A batch of the log folded: each changed key's new state, the rows to write and the rows to publish. */
export interface FoldedBatch<S, F> {
  changed: Map<string, S>;
  /** Largest recordedAt (ms) among the events and `maxRecordedAt` given. */
  maxRecordedAt: number;
  rows: ReadModelRow[];
  published: CommittedRow<F>[];
}

/**
 * Folds `events` (in log order) onto the states `stateOf` gives (null: the key has no row yet), the
 * one fold both the runner and the partition workers use.
 */
export function foldBatch<S, F>(
  p: KeyedProjection<S, F>,
  events: readonly StoredCaseEvent[],
  stateOf: (key: string) => S | null | undefined,
  maxRecordedAt: number,
): FoldedBatch<S, F> {
  const changed = new Map<string, S>();
  // States as stored before the batch: encodeState writes only the parts that changed since.
  const before = new Map<string, S | null>();
  for (const e of events) {
    const key = p.keyOf(e);
    let state = changed.get(key) ?? null;
    if (!changed.has(key)) {
      state = stateOf(key) ?? null;
      before.set(key, state);
    }
    changed.set(key, p.evolve(state, e));
    const rec = p.recordedAtMs(e);
    if (rec > maxRecordedAt) maxRecordedAt = rec;
  }
  const rows: ReadModelRow[] = [];
  const published: CommittedRow<F>[] = [];
  for (const [key, state] of changed) {
    const facts = p.facts(state);
    const factsText = p.encodeFacts(facts);
    const { state: text, from, texts } = p.encodeState(state, before.get(key) ?? null);
    rows.push({ key, state: text, facts: factsText, parts: { from, texts } });
    published.push({ key, facts, factsText });
  }
  return { changed, maxRecordedAt, rows, published };
}

/**
 * Keys of these events whose state must be loaded from the read model: not `held`, and not started by
 * the events themselves (no row can exist yet). Each key once, in order of first appearance.
 */
export function keysToLoad<S, F>(p: KeyedProjection<S, F>, events: readonly StoredCaseEvent[], held: (key: string) => boolean): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of events) {
    const key = p.keyOf(e);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!held(key) && !p.startsKey?.(e)) out.push(key);
  }
  return out;
}
