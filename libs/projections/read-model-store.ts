// Durable read models: one row per key (a case), kept in the same database as the events, with the
// projection's checkpoint written in the same transaction as the rows it covers. A row's state may
// have parts besides (a long state in chunks, KeyedProjection.encodeState): stored apart, by index,
// so that a write rewrites only the parts that changed.

export const READ_MODEL_STORE = Symbol('READ_MODEL_STORE');

export interface ReadModelRow {
  key: string;
  /** The projection's own state for this key (JSON text), with its parts: what `evolve` folds. */
  state: string;
  /** What queries read for "now" (JSON text), derived from `state` when it is written. */
  facts: string;
  /**
   * The state's parts from index `from` on (absent: the state has none). Parts before `from` are kept
   * as stored; the state has `from + texts.length` parts from now on (parts stored beyond those, if
   * a state ever has fewer than before, are not read again and are overwritten as it grows back).
   * Each text is non-empty and has no line feed: both stores read a state's parts back in one
   * statement, joined by line feeds (`checkedPart`, `splitParts`); JSON text has none.
   */
  parts?: { from: number; texts: string[] };
}

/**
 * A part's text as a store may write it: refused (an Error, so the commit's transaction is rolled back)
 * when empty or holding a line feed, which would not survive `splitParts`.
 */
export function checkedPart(projection: string, key: string, text: string): string {
  if (text.length === 0 || text.includes('\n')) throw new Error(`projection ${projection}: a part of ${key} is empty or contains a line feed`);
  return text;
}

/** A state's parts from the stores' one text (parts joined by line feeds in index order; null: none). */
export function splitParts(joined: string | null): string[] {
  return joined === null || joined === '' ? [] : joined.split('\n');
}

/** A stored state as read back: the row's text and all its parts, in index order. */
export interface StoredState {
  state: string;
  parts: string[];
}

export interface Checkpoint {
  /** Last global-log position applied (0: none). */
  position: number;
  /** Largest recordedAt (ms) among the events applied: views for an asOf at or after it need no replay. */
  maxRecordedAt: number;
}

export interface ReadModelStore {
  checkpoint(projection: string): Promise<Checkpoint>;
  /** States of these keys (absent keys have no row yet). */
  load(projection: string, keys: string[]): Promise<Map<string, StoredState>>;
  /** Every row's facts, in key order, in pages (for queries and start-up). */
  scanFacts(projection: string, onPage: (rows: { key: string; facts: string }[]) => void): Promise<void>;
  /** Every row's state, in key order, in pages (for a read model derived from these rows, e.g. the dashboard's). */
  scanStates(projection: string, onPage: (rows: ({ key: string } & StoredState)[]) => void): Promise<void>;
  /** Writes rows and moves the checkpoint forward, in ONE transaction; refuses to move it backwards. */
  commit(projection: string, rows: ReadModelRow[], checkpoint: Checkpoint, expectedFrom: number): Promise<void>;
  /** Drops every row (with its parts) and the checkpoint of a projection, in one transaction (the start of a rebuild). */
  reset(projection: string): Promise<void>;
  close(): Promise<void>;
}

/** The checkpoint moved under us: another process is running the same projection. */
export class CheckpointConflictError extends Error {
  constructor(readonly projection: string, readonly expected: number, readonly actual: number) {
    super(`projection ${projection}: checkpoint is at ${actual}, expected ${expected}; another process is projecting`);
  }
}
