// The one event-store port. Every adapter (embedded SQLite, PostgreSQL, KurrentDB) passes the same
// contract suite (libs/event-store/contract/). Nothing here knows about Nest or a driver.
import type { CaseEvent, StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';

export const EVENT_STORE = Symbol('EVENT_STORE');

/** Expected version of a case stream before an append: its current last version (0 = no events yet), or 'any'. */
export type ExpectedVersion = number | 'any';

export interface AppendRequest {
  caseId: string;
  expectedVersion: ExpectedVersion;
  /** Events of this case, in the order they are to be appended; `metadata.recordedAt` is already filled in. */
  events: CaseEvent[];
}

export type AppendOutcome =
  | { status: 'appended'; events: StoredCaseEvent[] }
  /** Every event's eventId was already stored with the same caseId, type, occurredAt and data: nothing stored. */
  | { status: 'duplicate'; events: StoredCaseEvent[] };

/** Head of the global log: what an inspector exports and later checks a ledger against. */
export interface LedgerHead { position: number; hash: string }

/**
 * One stored record exactly as persisted: what the hash chain commits to (see docs/integrity.md).
 * `body` is the interchange line as stored (JSON text); hashes are 32-byte SHA-256 digests.
 */
export interface StoredRecord {
  position: number;
  caseId: string;
  streamVersion: number;
  appendedAt: number; // ms since epoch: when the ledger appended it
  body: string;
  leafHash: Buffer;
  chainHash: Buffer;
  /**
   * The store's eventId key column (16 bytes of the normalised UUID), when the adapter keeps one. It is
   * derived from the body and not hashed, so `verify` checks it against the body.
   */
  eventKey?: Buffer;
}

export interface ReadAllOptions { fromPosition: number; limit: number }

export interface AppendManyOptions {
  /**
   * The batch was judged on the outcome of an earlier batch still being written (the importer's
   * pipeline): write nothing before this resolves, and nothing at all if it resolves to false, in
   * which case every request comes back as an error `NotAppendedError`. Meanwhile a store may prepare
   * the batch (the PostgreSQL store numbers and hashes it from the head the batches before it are to
   * leave). It must not wait for a later append of the same store (the store awaits it first).
   */
  after?: Promise<boolean>;
}

/** The request was not appended because the `after` of its batch resolved to false. Nothing was written. */
export class NotAppendedError extends Error {
  constructor() {
    super('not appended: the batch it was judged after did not commit as judged; judge it again');
    this.name = 'NotAppendedError';
  }
}

/** A slice of the global log by case: see `EventStore.readPartition`. */
export interface PartitionReadOptions {
  fromPosition: number;
  toPosition: number;
  /** 0 .. partitions - 1 */
  partition: number;
  partitions: number;
}

/** How another thread opens the same log by itself: a connection string, and the schema when it is not the connection's own. */
export interface PartitionSource { kind: 'postgres'; connectionString: string; schema?: string }

export interface EventStore {
  /**
   * Appends atomically with an expected-version check. Idempotent by eventId: a retry of stored
   * events is a 'duplicate'; an eventId stored with different content throws EventIdConflictError;
   * a version mismatch throws VersionConflictError (with expected and actual).
   */
  append(request: AppendRequest): Promise<AppendOutcome>;
  /**
   * Several appends in one transaction (the importer's and group commit's path): each request is
   * judged on its own (one failing request does not stop the others, except that a later request of
   * the same case with an expected version, built on the failing one, is refused as a version
   * conflict too) and the outcomes come back in order.
   */
  appendMany(requests: AppendRequest[], options?: AppendManyOptions): Promise<(AppendOutcome | { status: 'error'; error: Error })[]>;
  /** All events of a case, in stream order (ledger order). Empty for an unknown case. */
  readStream(caseId: string): Promise<StoredCaseEvent[]>;
  /** readStream for many cases in one round trip; cases with no events are absent from the map. */
  readStreams(caseIds: string[]): Promise<Map<string, StoredCaseEvent[]>>;
  /** The stored events with these eventIds (compared case-insensitively, as UUIDs are), in any order. */
  findEvents(eventIds: string[]): Promise<StoredCaseEvent[]>;
  /** Current version of a case's stream (0 when it has none). */
  streamVersion(caseId: string): Promise<number>;
  /** streamVersion for many cases in one round trip (one snapshot); cases with no events are absent from the map. */
  streamVersions(caseIds: string[]): Promise<Map<string, number>>;
  /** Events of the global log with position >= fromPosition, in position order, at most `limit`. Never skips an event that commits late. */
  readAll(options: ReadAllOptions): Promise<StoredCaseEvent[]>;
  /**
   * Optional (the PostgreSQL store): the events with fromPosition <= position <= toPosition whose case
   * falls in `partition` (a fixed hash of the caseId, the same in every process), in position order.
   * The partitions of one range together hold every event of the range, each event exactly once, so
   * a reader can tell a gap in the log by counting. What a projection folds in worker threads, one
   * partition per thread (ProjectionRunner).
   */
  readPartition?(options: PartitionReadOptions): Promise<StoredCaseEvent[]>;
  /** Optional: how a worker thread opens this store for `readPartition` (undefined when it cannot). */
  partitionSource?(): PartitionSource | undefined;
  /** Resolves when the log holds an event with position >= `position`, or after `timeoutMs`. */
  waitForEvents(position: number, timeoutMs: number): Promise<void>;
  head(): Promise<LedgerHead>;
  /** The raw stored records (exact stored bytes and hashes) for `verify`, in position order. */
  readRecords(options: ReadAllOptions): Promise<StoredRecord[]>;
  /** Storage used, for the benchmarks: bytes on disk (or in the database) and events stored. */
  storageStats(): Promise<{ bytes: number; events: number }>;
  close(): Promise<void>;
}
