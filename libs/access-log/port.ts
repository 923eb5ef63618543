// The access log: who read which case-level data, when and why. Append-only and tamper-evident with
// the same leaf/chain construction as the ledger (libs/event-store/integrity/hash-chain.ts).

export const ACCESS_LOG = Symbol('ACCESS_LOG');

/** What a caller records: one read of case-level data. */
export interface AccessEntry {
  /** Token subject of the reader. */
  sub: string;
  role: string;
  /** The reader's force (null for roles without one). */
  force: string | null;
  /** What was read, e.g. `case.timeline`, `case.events`, `export`. */
  action: string;
  /** The case read, when one case was read. */
  caseId: string | null;
  /** The filter of a read over many cases (e.g. `{ "asOf": ... }` of an export), when there is one. */
  filter: Record<string, string> | null;
  /** The purpose given in the X-Purpose header. */
  purpose: string;
}

/** A stored entry: the entry, when it was recorded, and its place in the chain. */
export interface AccessRecord extends AccessEntry {
  position: number;
  /** ISO 8601 instant (UTC, ms) when the entry was recorded. */
  at: string;
  /** 64 lower-case hex digits. */
  leafHash: string;
  chainHash: string;
}

export interface AccessLogVerifyReport {
  ok: boolean;
  entries: number;
  head: { position: number; hash: string };
  /** The first broken entry, when not ok. */
  firstBroken?: { position: number; reason: string };
}

/** One stored row exactly as persisted. */
export interface AccessRow {
  position: number;
  appendedAt: number;
  body: string;
  leafHash: string;
  chainHash: string;
}

export interface AccessLog {
  /** Appends one entry durably (committed before it resolves) and returns it as stored. */
  record(entry: AccessEntry): Promise<AccessRecord>;
  /** Entries with position >= fromPosition, in order, at most `limit`. */
  list(fromPosition: number, limit: number): Promise<AccessRecord[]>;
  /** Re-checks every entry's leaf hash and the chain. */
  verify(): Promise<AccessLogVerifyReport>;
  /** Whether the log's storage answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
