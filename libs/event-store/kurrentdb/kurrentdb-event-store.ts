// The KurrentDB (EventStoreDB) event store, for a replicated cluster. Design (docs/kurrentdb.md):
//
// - `case-<caseId>`: one stream per case, holding the ledger's events (event id = the eventId as a
//   lower-case UUID, data = the interchange line, metadata = position, streamVersion, appendedAt, leaf
//   and chain hashes).
// - `ledger-head`: the serialisation point and write-ahead log. Every commit FIRST appends one
//   `LedgerCommit` event here with the expected revision of the head it read (optimistic lock: of two
//   writers with the same head exactly one wins); the event holds everything the commit writes
//   (positions, hashes, bodies). THEN one `ledger-id-<uuid>` reservation stream per event is written
//   (the global eventId index, for idempotency), and last the case streams, in position order.
//   A crash in between leaves a commit recorded but not yet applied: whoever reads the head next
//   (any writer, `head()`, `readAll`) rolls it forward from the commit event, idempotently (the
//   same event ids at the same expected revisions). So an acknowledged event is never lost, positions
//   stay contiguous, and `verify` checks the same hash chain as the other stores.
// - The global log is read from `$all` with a server-side stream-prefix filter (`case-`), starting
//   at the `$all` position of the commit that holds the wanted ledger position (found by binary
//   search over `ledger-head`, or remembered from the previous page).
import {
  END, NO_STREAM, START, BACKWARDS, FORWARDS,
  EventStoreDBClient, StreamNotFoundError, WrongExpectedVersionError,
  jsonEvent, streamNameFilter,
  type JSONType, type Position,
} from '@eventstore/db-client';
import type { Readable } from 'node:stream';
import type { StoredCaseEvent } from '../../case-ledger/domain/vocabulary.js';
import { DomainError } from '../../case-ledger/domain/errors.js';
import {
  NotAppendedError,
  type AppendManyOptions, type AppendOutcome, type AppendRequest, type EventStore, type LedgerHead, type ReadAllOptions, type StoredRecord,
} from '../port.js';
import { decodeBody, storedFromLine, eventKeysHex } from '../codec.js';
import { judgeRequest, prepareRequest, type PreparedEvent, type PreparedRequest } from '../append-judge.js';
import { HeadWaiters } from '../head-waiters.js';
import { GENESIS_CHAIN_HEX, sealEvents, type ChainTip } from '../integrity/hash-chain.js';

export const COMMIT_EVENT_TYPE = 'LedgerCommit';
export const RESERVATION_EVENT_TYPE = 'LedgerEventId';
export const COMMIT_FORMAT = 'ledger-commit-v1';

export interface KurrentDbEventStoreOptions {
  /**
   * Prefix of every stream name (default none: `case-…`, `ledger-head`, `ledger-id-…`). Tests give each
   * store its own so many ledgers share one server; production leaves it empty so `$ce-case` works.
   */
  streamPrefix?: string;
  /** Polling fallback for waitForEvents besides the live subscription (default 1000 ms). */
  pollIntervalMs?: number;
  /** Largest commit (sum of event bodies) written as one KurrentDB append (default 700 KiB; the server's MaxAppendSize is 1 MiB by default). */
  maxCommitBytes?: number;
  /** Events buffered per read before the server is paused (backpressure; default 512). */
  readBufferSize?: number;
  /** A read of `$all` that receives nothing for this long ends (default 3000 ms). */
  readIdleTimeoutMs?: number;
  /** Parallel look-ups / reservation writes (default 32). */
  concurrency?: number;
  /** How often a writer retries when another process moved the head first (default 100). */
  maxAttempts?: number;
  /**
   * Test hook: runs after the commit record is in the head stream, before the case events are written.
   * Throwing simulates a writer that dies there (the next reader of the head must roll the commit forward).
   */
  afterCommitRecorded?: (commit: { from: number; to: number; revision: bigint }) => Promise<void>;
}

type Outcome = AppendOutcome | { status: 'error'; error: Error };

/** The shape of a recorded event this adapter reads (the client's conditional types, flattened). */
interface RawEvent {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  isJson: boolean;
  position?: Position;
}

/** One event of a commit, as the write-ahead record holds it. */
interface CommitEvent {
  position: number;
  streamVersion: number;
  /** the KurrentDB event id: the eventId as a lower-case UUID */
  id: string;
  type: string;
  body: string;
  leaf: string;
  chain: string;
}

interface CommitSegment { caseId: string; events: CommitEvent[] }

/** The data of a `LedgerCommit` event in `ledger-head`. */
export interface CommitRecord {
  format: typeof COMMIT_FORMAT;
  /** first and last ledger position of the commit */
  from: number;
  to: number;
  previousChain: string;
  /** chain hash at `to`: the ledger's head after this commit */
  chain: string;
  appendedAt: number;
  /** runs of consecutive positions in one case stream, in position order */
  segments: CommitSegment[];
}

/** The metadata of every ledger event in a case stream. */
export interface LedgerEventMetadata {
  ledger: 'v1';
  position: number;
  streamVersion: number;
  appendedAt: number;
  leaf: string;
  chain: string;
  /** revision of the `ledger-head` event of its commit (decimal) */
  commit: string;
}

interface Tip {
  /** revision of the last commit event (-1n: none yet) */
  revision: bigint;
  position: number;
  chain: string;
  /** `$all` position of the last commit event */
  allPosition?: Position;
}

interface Reservation { caseId: string; streamVersion: number; position: number }

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function uuidOfKey(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function isHex64(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
}

/** Runs `fn` over `items` with at most `limit` at a time, results in order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The stored body: the client has parsed JSON data; our bodies are JSON.stringify output, so this is the identity. */
function bodyOf(ev: RawEvent): string {
  if (ev.data instanceof Uint8Array) return Buffer.from(ev.data).toString('utf8');
  if (typeof ev.data === 'string') return ev.data; // not valid JSON (the client hands back the text): verify reports it
  return JSON.stringify(ev.data);
}

function ledgerMetadata(ev: RawEvent): Partial<LedgerEventMetadata> {
  const m = ev.metadata;
  return m && typeof m === 'object' && !(m instanceof Uint8Array) ? (m as Partial<LedgerEventMetadata>) : {};
}

function intOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : fallback;
}

function parseCommit(ev: RawEvent): CommitRecord {
  const r = ev.data as CommitRecord | undefined;
  if (ev.type !== COMMIT_EVENT_TYPE || !r || r.format !== COMMIT_FORMAT || !Number.isSafeInteger(r.to) || !isHex64(r.chain) || !Array.isArray(r.segments)) {
    throw new Error(`${ev.streamId}@${ev.revision} is not a ledger commit record: the ledger head stream was written outside the ledger`);
  }
  return r;
}

/** A reservation of a commit decided after the head this writer judged against. */
class HeadMoved extends Error {}

/** A small FIFO mutex: one commit at a time from this process (other processes: the head's expected revision). */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** KurrentDB from a connection string (`esdb://…` or `esdb+discover://…`); the store owns the client. */
export async function openKurrentDbEventStore(connectionString: string, options: KurrentDbEventStoreOptions = {}): Promise<KurrentDbEventStore> {
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(connectionString);
  } catch (e) {
    throw new Error(`KURRENTDB_URL is not a usable KurrentDB connection string: ${(e as Error).message}`);
  }
  const store = new KurrentDbEventStore(client, options, true);
  try {
    await store.head(); // reachable, readable, and any half-applied commit rolled forward
  } catch (e) {
    await store.close().catch(() => {});
    throw new Error(`KurrentDB at KURRENTDB_URL is not usable: ${(e as Error).message}`);
  }
  return store;
}

export class KurrentDbEventStore implements EventStore {
  readonly streams: { head: string; casePrefix: string; idPrefix: string };
  private readonly waiters: HeadWaiters;
  private readonly writeLock = new Mutex();
  /** Highest commit revision known to be fully applied (its case events and reservations all written). */
  private appliedUpTo = -1n;
  /** next ledger position -> `$all` position to read after (consecutive pages skip the search). */
  private readonly cursors = new Map<number, Position>();
  private live: { stop(): void } | undefined;
  private closed = false;
  private readonly o: Required<Omit<KurrentDbEventStoreOptions, 'streamPrefix' | 'afterCommitRecorded'>>;
  private readonly afterCommitRecorded: KurrentDbEventStoreOptions['afterCommitRecorded'];

  constructor(
    /** The raw client (tests use it to tamper, as someone with direct access to the cluster would). */
    readonly client: EventStoreDBClient,
    options: KurrentDbEventStoreOptions = {},
    private readonly ownsClient = false,
  ) {
    const p = options.streamPrefix ?? '';
    this.streams = { head: `${p}ledger-head`, casePrefix: `${p}case-`, idPrefix: `${p}ledger-id-` };
    this.o = {
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      maxCommitBytes: options.maxCommitBytes ?? 700 * 1024,
      readBufferSize: options.readBufferSize ?? 512,
      readIdleTimeoutMs: options.readIdleTimeoutMs ?? 3000,
      concurrency: options.concurrency ?? 32,
      maxAttempts: options.maxAttempts ?? 100,
    };
    this.afterCommitRecorded = options.afterCommitRecorded;
    this.waiters = new HeadWaiters(async () => (await this.readTip()).position, this.o.pollIntervalMs);
  }

  // ---------------------------------------------------------------- writing

  async append(request: AppendRequest): Promise<AppendOutcome> {
    const [outcome] = await this.appendMany([request]);
    if (outcome!.status === 'error') throw outcome!.error;
    return outcome!;
  }

  async appendMany(requests: AppendRequest[], options: AppendManyOptions = {}): Promise<Outcome[]> {
    if (requests.length === 0) return [];
    if (options.after && !(await options.after)) return requests.map(() => ({ status: 'error', error: new NotAppendedError() }));
    return this.writeLock.run(() => this.appendManyLocked(requests));
  }

  private async appendManyLocked(requests: AppendRequest[]): Promise<Outcome[]> {
    const outcomes = new Array<Outcome>(requests.length);
    const valid: { index: number; request: PreparedRequest; bytes: number }[] = [];
    requests.forEach((r, index) => {
      try {
        const request = prepareRequest(r);
        // Its size in the commit record: the body as a JSON string (escaped) plus ids, hashes and numbers.
        const bytes = request.events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e.body)) + 320, 0);
        if (bytes > this.o.maxCommitBytes) {
          outcomes[index] = {
            status: 'error',
            error: new Error(`append request of case ${request.caseId} is ${bytes} bytes: more than one KurrentDB commit holds (${this.o.maxCommitBytes}); split it`),
          };
        } else {
          valid.push({ index, request, bytes });
        }
      } catch (e) {
        outcomes[index] = { status: 'error', error: e as Error };
      }
    });
    // Requests are never split; a batch is committed in chunks that fit one KurrentDB append.
    // An earlier chunk's events are visible to the later ones' judgement (they are applied first).
    let chunk: typeof valid = [];
    let size = 0;
    const flush = async () => {
      if (!chunk.length) return;
      const results = await this.commit(chunk.map((c) => c.request));
      chunk.forEach((c, i) => (outcomes[c.index] = results[i]!));
      chunk = [];
      size = 0;
    };
    for (const item of valid) {
      if (size + item.bytes > this.o.maxCommitBytes) await flush();
      chunk.push(item);
      size += item.bytes;
    }
    await flush();
    return outcomes;
  }

  /** One commit: judge against the settled head, write the commit record (the lock), apply it. */
  private async commit(requests: PreparedRequest[]): Promise<Outcome[]> {
    for (let attempt = 1; ; attempt++) {
      const tip = await this.settleHead();
      let found;
      try {
        found = await this.lookups(requests, tip);
      } catch (e) {
        if (e instanceof HeadMoved && attempt < this.o.maxAttempts) {
          await sleep(Math.min(200, 2 ** Math.min(attempt, 7)) * (0.5 + Math.random()));
          continue;
        }
        throw e;
      }
      const { storedByKey, versionOf } = found;
      const refused = new Set<string>();
      const lookup = {
        storedEvent: (e: PreparedEvent) => storedByKey.get(e.keyHex),
        currentVersion: (caseId: string) => versionOf.get(caseId) ?? 0,
        refusedEarlier: (caseId: string) => refused.has(caseId),
      };
      const appendedAt = Date.now();
      const sealed: ChainTip = { position: tip.position, chain: tip.chain };
      const segments: CommitSegment[] = [];
      const outcomes = requests.map((request): Outcome => {
        let judged;
        try {
          judged = judgeRequest(request, lookup);
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          refused.add(request.caseId);
          return { status: 'error', error: e };
        }
        if (judged.kind === 'duplicate') return { status: 'duplicate', events: judged.events };
        const events: StoredCaseEvent[] = [];
        const segment: CommitSegment = { caseId: request.caseId, events: [] };
        sealEvents(sealed, request.caseId, judged.currentVersion, appendedAt, request.events, (e, position, version, leaf, chain) => {
          segment.events.push({ position, streamVersion: version, id: uuidOfKey(e.keyHex), type: e.event.type, body: e.body, leaf, chain });
          const stored = storedFromLine(e.line, position, version);
          storedByKey.set(e.keyHex, stored);
          events.push(stored);
        });
        versionOf.set(request.caseId, judged.currentVersion + request.events.length);
        if (segment.events.length) {
          const last = segments[segments.length - 1];
          if (last && last.caseId === segment.caseId) last.events.push(...segment.events);
          else segments.push(segment);
        }
        return { status: 'appended', events };
      });
      if (sealed.position === tip.position) return outcomes;

      const record: CommitRecord = {
        format: COMMIT_FORMAT, from: tip.position + 1, to: sealed.position, previousChain: tip.chain, chain: sealed.chain, appendedAt, segments,
      };
      let revision: bigint;
      try {
        const written = await this.client.appendToStream(
          this.streams.head,
          jsonEvent({ type: COMMIT_EVENT_TYPE, data: record as unknown as JSONType }),
          { expectedRevision: tip.revision < 0n ? NO_STREAM : tip.revision, requiresLeader: true },
        );
        revision = written.nextExpectedRevision;
      } catch (e) {
        if (e instanceof WrongExpectedVersionError && attempt < this.o.maxAttempts) {
          // Another process committed first: judge again against its commit.
          await sleep(Math.min(200, 2 ** Math.min(attempt, 7)) * (0.5 + Math.random()));
          continue;
        }
        throw e;
      }
      // From here the commit is decided: if applying it fails, the next reader of the head completes
      // it, and a retry of the same request is judged a duplicate.
      await this.afterCommitRecorded?.({ from: record.from, to: record.to, revision });
      await this.apply(record, revision, true);
      this.waiters.notify(record.to);
      return outcomes;
    }
  }

  /**
   * The current version of each case and the stored events under the requests' eventIds. A reservation
   * beyond the settled head belongs to a commit decided since (its events may not be written yet):
   * the head moved, judge again.
   */
  private async lookups(requests: PreparedRequest[], tip: Tip) {
    const cases = [...new Set(requests.map((r) => r.caseId))];
    const keys = [...new Set(requests.flatMap((r) => r.events.map((e) => e.keyHex)))];
    const [versions, stored] = await Promise.all([
      mapLimit(cases, this.o.concurrency, (c) => this.caseVersion(c, true)),
      mapLimit(keys, this.o.concurrency, (k) => this.indexed(k, true)),
    ]);
    const versionOf = new Map(cases.map((c, i) => [c, versions[i]!]));
    const storedByKey = new Map<string, StoredCaseEvent>();
    keys.forEach((k, i) => {
      const found = stored[i]!;
      if (found.event) storedByKey.set(k, found.event);
      else if (found.reservation) {
        if (found.reservation.position > tip.position) throw new HeadMoved();
        throw new Error(
          `eventId ${uuidOfKey(k)} is indexed at ${found.reservation.caseId} version ${found.reservation.streamVersion}, ` +
          `but that event is not there: the case stream was changed outside the ledger (run verify)`,
        );
      }
    });
    return { versionOf, storedByKey };
  }

  /** The last commit, applied (rolled forward if a writer stopped half-way). Only the last can be unapplied. */
  private async settleHead(): Promise<Tip> {
    const last = await this.readLast(this.streams.head, true);
    if (!last) return { revision: -1n, position: 0, chain: GENESIS_CHAIN_HEX };
    const record = parseCommit(last);
    if (last.revision > this.appliedUpTo) await this.apply(record, last.revision);
    return { revision: last.revision, position: record.to, chain: record.chain, ...(last.position ? { allPosition: last.position } : {}) };
  }

  /** The last commit as recorded (not rolled forward): cheap, for waiters. */
  private async readTip(): Promise<{ position: number }> {
    const last = await this.readLast(this.streams.head, false);
    return { position: last ? parseCommit(last).to : 0 };
  }

  /**
   * Writes a commit's eventId reservations (in parallel), then its case events (segment by segment, in
   * position order, so `$all` holds them in ledger order). Idempotent: what is already there is
   * checked, not rewritten; several processes may apply the same commit at once. Because the last
   * segment is written last, its last event being there means the whole commit is: that one read is
   * all a reader pays for a commit someone else applied.
   */
  private async apply(record: CommitRecord, revision: bigint, fresh = false): Promise<void> {
    if (revision <= this.appliedUpTo) return;
    if (fresh || !(await this.isApplied(record))) {
      const all = record.segments.flatMap((s) => s.events.map((e) => ({ caseId: s.caseId, e })));
      await mapLimit(all, this.o.concurrency, ({ caseId, e }) => this.reserve(caseId, e));
      for (const segment of record.segments) await this.applySegment(record, revision, segment);
    }
    if (revision > this.appliedUpTo) this.appliedUpTo = revision;
  }

  private async isApplied(record: CommitRecord): Promise<boolean> {
    const segment = record.segments[record.segments.length - 1];
    const last = segment?.events[segment.events.length - 1];
    if (!segment || !last) return true;
    const [ev] = await this.readRange(this.streams.casePrefix + segment.caseId, BigInt(last.streamVersion - 1), 1, true);
    return ev !== undefined && ev.id.toLowerCase() === last.id;
  }

  private async applySegment(record: CommitRecord, revision: bigint, segment: CommitSegment): Promise<void> {
    const stream = this.streams.casePrefix + segment.caseId;
    const first = segment.events[0]!.streamVersion;
    const matches = (found: RawEvent[]) =>
      found.length === segment.events.length && found.every((f, i) => f.id.toLowerCase() === segment.events[i]!.id);
    let found = await this.readRange(stream, BigInt(first - 1), segment.events.length, true);
    if (found.length === 0) {
      try {
        await this.client.appendToStream(
          stream,
          segment.events.map((e) => {
            const metadata: LedgerEventMetadata = {
              ledger: 'v1', position: e.position, streamVersion: e.streamVersion, appendedAt: record.appendedAt,
              leaf: e.leaf, chain: e.chain, commit: revision.toString(),
            };
            // JSON.stringify of the parsed body is the body itself: the server stores the exact bytes.
            return jsonEvent({ id: e.id, type: e.type, data: JSON.parse(e.body) as JSONType, metadata });
          }),
          { expectedRevision: first === 1 ? NO_STREAM : BigInt(first - 2), requiresLeader: true },
        );
        return;
      } catch (e) {
        if (!(e instanceof WrongExpectedVersionError)) throw e;
        found = await this.readRange(stream, BigInt(first - 1), segment.events.length, true); // applied concurrently?
      }
    }
    if (!matches(found)) {
      throw new Error(
        `stream ${stream} does not hold commit ${revision}'s events at versions ${first}–${first + segment.events.length - 1}: ` +
        `it was written or truncated outside the ledger (run verify)`,
      );
    }
  }

  private async reserve(caseId: string, e: CommitEvent): Promise<void> {
    const stream = this.streams.idPrefix + e.id.replace(/-/g, '');
    const data: Reservation = { caseId, streamVersion: e.streamVersion, position: e.position };
    try {
      await this.client.appendToStream(stream, jsonEvent({ type: RESERVATION_EVENT_TYPE, data: data as unknown as JSONType }), {
        expectedRevision: NO_STREAM,
        requiresLeader: true,
      });
    } catch (err) {
      if (!(err instanceof WrongExpectedVersionError)) throw err;
      const r = await this.reservation(e.id.replace(/-/g, ''), true);
      if (!r || r.caseId !== caseId || r.position !== e.position) {
        throw new Error(`eventId ${e.id} is reserved by ${stream} for another event: the index was written outside the ledger`);
      }
    }
  }

  // ---------------------------------------------------------------- reading

  async readStream(caseId: string): Promise<StoredCaseEvent[]> {
    const events = await this.readRange(this.streams.casePrefix + caseId, 0n, Number.MAX_SAFE_INTEGER, false);
    return events.map((ev) => this.decode(ev));
  }

  async readStreams(caseIds: string[]): Promise<Map<string, StoredCaseEvent[]>> {
    const ids = [...new Set(caseIds)];
    const lists = await mapLimit(ids, this.o.concurrency, (id) => this.readStream(id));
    const out = new Map<string, StoredCaseEvent[]>();
    ids.forEach((id, i) => lists[i]!.length && out.set(id, lists[i]!));
    return out;
  }

  async streamVersions(caseIds: string[]): Promise<Map<string, number>> {
    const ids = [...new Set(caseIds)];
    const versions = await mapLimit(ids, this.o.concurrency, (id) => this.streamVersion(id));
    const out = new Map<string, number>();
    ids.forEach((id, i) => versions[i]! > 0 && out.set(id, versions[i]!));
    return out;
  }

  async findEvents(eventIds: string[]): Promise<StoredCaseEvent[]> {
    const keys = eventKeysHex(eventIds);
    // An event indexed by a commit still being applied is not stored yet: not found (yet).
    const found = await mapLimit([...keys], this.o.concurrency, (k) => this.indexed(k, false));
    return found.flatMap((f) => (f.event ? [f.event] : []));
  }

  async streamVersion(caseId: string): Promise<number> {
    return this.caseVersion(caseId, false);
  }

  /**
   * A catch-up read of `$all` from the commit holding `fromPosition`, filtered on the server to the
   * case streams, ending at the settled head. Stops at the first gap in positions (like the other
   * stores), so a tailing reader never moves its checkpoint past a missing event.
   */
  async readAll({ fromPosition, limit }: ReadAllOptions): Promise<StoredCaseEvent[]> {
    if (limit <= 0) return [];
    const from = Math.max(1, Math.trunc(fromPosition));
    const tip = await this.settleHead();
    if (from > tip.position) return [];
    const want = Math.min(Math.trunc(limit), tip.position - from + 1);
    const start = await this.locate(from, tip);
    const out: StoredCaseEvent[] = [];
    let lastAll: Position | undefined;
    let started = false;
    const subscription = this.client.subscribeToAll(
      {
        fromPosition: start,
        filter: streamNameFilter({ prefixes: [this.streams.casePrefix] }),
      },
      { highWaterMark: Math.min(want, this.o.readBufferSize) },
    );
    await this.drain(subscription as unknown as Readable, () => void subscription.unsubscribe().catch(() => {}), (ev) => {
      if (!ev.streamId.startsWith(this.streams.casePrefix)) return true;
      const stored = this.decode(ev);
      if (!started) {
        if (stored.position < from) return true; // the start of the commit, before `from`
        started = true;
      }
      if (stored.position !== from + out.length) return false; // a gap: stop before it
      out.push(stored);
      lastAll = ev.position;
      return out.length < want;
    }, true);
    if (out.length && lastAll) this.remember(out[out.length - 1]!.position + 1, lastAll);
    return out;
  }

  async waitForEvents(position: number, timeoutMs: number): Promise<void> {
    if (this.closed) return;
    this.ensureLive();
    return this.waiters.wait(position, timeoutMs);
  }

  async head(): Promise<LedgerHead> {
    const tip = await this.settleHead();
    return { position: tip.position, hash: tip.chain };
  }

  /**
   * The stored records for `verify`: every event of every case stream in `$all` order from the commit
   * holding `fromPosition` to the end of `$all` (a finite read, so events appended outside the ledger
   * beyond its head show up too). Only the events before `fromPosition` at the start of that commit are
   * skipped; after that everything is returned as found, so `verify` sees forged and reordered events.
   */
  async readRecords({ fromPosition, limit }: ReadAllOptions): Promise<StoredRecord[]> {
    if (limit <= 0) return [];
    const from = Math.max(1, Math.trunc(fromPosition));
    const tip = await this.settleHead();
    const start = from === 1 ? START : from > tip.position ? (tip.allPosition ?? START) : await this.locate(from, tip);
    const out: StoredRecord[] = [];
    let lastAll: Position | undefined;
    let started = from === 1;
    const read = this.client.readAll(
      { fromPosition: start, direction: FORWARDS },
      { highWaterMark: Math.min(Math.trunc(limit), this.o.readBufferSize) },
    );
    await this.drain(read as unknown as Readable, () => void read.cancel().catch(() => {}), (ev) => {
      if (ev.streamId.startsWith('$$')) {
        this.checkStreamMetadata(ev);
        return true;
      }
      if (!ev.streamId.startsWith(this.streams.casePrefix)) return true;
      const record = this.toRecord(ev);
      if (!started) {
        if (record.position < from) return true;
        started = true;
      }
      out.push(record);
      lastAll = ev.position;
      return out.length < limit;
    }, false);
    if (out.length && lastAll && out[out.length - 1]!.position === from + out.length - 1) {
      this.remember(out[out.length - 1]!.position + 1, lastAll);
    }
    return out;
  }

  /**
   * What a shared server can say cheaply: events = the head position; bytes = the `$all` commit position
   * of the last commit (the size of the server's transaction log up to it, other data included).
   */
  async storageStats(): Promise<{ bytes: number; events: number }> {
    const tip = await this.settleHead();
    return { bytes: Number(tip.allPosition?.commit ?? 0n), events: tip.position };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiters.close();
    this.live?.stop();
    this.live = undefined;
    if (this.ownsClient) await this.client.dispose();
  }

  // ---------------------------------------------------------------- helpers

  private async caseVersion(caseId: string, leader: boolean): Promise<number> {
    const last = await this.readLast(this.streams.casePrefix + caseId, leader);
    return last ? Number(last.revision) + 1 : 0;
  }

  private async reservation(keyHex: string, leader: boolean): Promise<Reservation | undefined> {
    const ev = await this.readLast(this.streams.idPrefix + keyHex, leader);
    const r = ev?.data as Reservation | undefined;
    return r && typeof r.caseId === 'string' && Number.isSafeInteger(r.streamVersion) ? r : undefined;
  }

  /** The reservation of an eventId and the event it points to (absent when not (yet) written there). */
  private async indexed(keyHex: string, leader: boolean): Promise<{ reservation?: Reservation; event?: StoredCaseEvent }> {
    const reservation = await this.reservation(keyHex, leader);
    if (!reservation) return {};
    const [ev] = await this.readRange(this.streams.casePrefix + reservation.caseId, BigInt(reservation.streamVersion - 1), 1, leader);
    if (!ev || ev.id.replace(/-/g, '').toLowerCase() !== keyHex) return { reservation };
    return { reservation, event: this.decode(ev) };
  }

  private decode(ev: RawEvent): StoredCaseEvent {
    const m = ledgerMetadata(ev);
    return decodeBody(bodyOf(ev), intOr(m.position, 0), Number(ev.revision) + 1);
  }

  private toRecord(ev: RawEvent): StoredRecord {
    const m = ledgerMetadata(ev);
    const hex = (v: unknown) => Buffer.from(typeof v === 'string' && /^([0-9a-f]{2})*$/.test(v) ? v : '', 'hex');
    return {
      position: intOr(m.position, 0),
      caseId: ev.streamId.slice(this.streams.casePrefix.length),
      streamVersion: Number(ev.revision) + 1,
      appendedAt: intOr(m.appendedAt, 0),
      body: bodyOf(ev),
      leafHash: hex(m.leaf),
      chainHash: hex(m.chain),
      eventKey: Buffer.from(ev.id.replace(/-/g, '').toLowerCase(), 'hex'),
    };
  }

  /**
   * The ledger never deletes, truncates or limits its streams. A delete (soft or hard) or a `$tb`,
   * `$maxCount` or `$maxAge` on a case stream or the head stream hides events from stream reads at
   * once and removes them from `$all` at the next scavenge: verify must not pass quietly over that.
   * (Access-control changes, `$acl`, are an operator's business and pass.)
   */
  private checkStreamMetadata(ev: RawEvent): void {
    const stream = ev.streamId.slice(2);
    if (!stream.startsWith(this.streams.casePrefix) && stream !== this.streams.head) return;
    const data = ev.data && typeof ev.data === 'object' ? (ev.data as Record<string, unknown>) : {};
    const limits = ['$tb', '$maxCount', '$maxAge'].filter((k) => data[k] !== undefined && data[k] !== null);
    if (limits.length) {
      throw new Error(
        `stream ${stream} was deleted or truncated outside the ledger (its stream metadata sets ${limits.join(', ')} ` +
        `at $all position ${ev.position?.commit ?? '?'}): its events are hidden from reads and will be lost at the next scavenge`,
      );
    }
  }

  private remember(nextPosition: number, after: Position): void {
    this.cursors.delete(nextPosition);
    this.cursors.set(nextPosition, after);
    if (this.cursors.size > 256) this.cursors.delete(this.cursors.keys().next().value!);
  }

  /**
   * Where in `$all` to start reading for ledger position `from`: after the last event returned before
   * it, or at the commit event of the commit holding it (binary search over `ledger-head`: commits
   * are numbered by revision and their position ranges increase). The commit event precedes its case
   * events in `$all`, and every later commit's events follow them.
   */
  private async locate(from: number, tip: Tip): Promise<Position | typeof START> {
    const cached = this.cursors.get(from);
    if (cached) return cached;
    if (from <= 1 || tip.revision < 0n) return START;
    let lo = 0n;
    let hi = tip.revision;
    let found: RawEvent | undefined;
    while (lo < hi) {
      const mid = (lo + hi) / 2n;
      const [ev] = await this.readRange(this.streams.head, mid, 1, true);
      if (!ev) throw new Error(`${this.streams.head} has no revision ${mid}: the ledger head stream was truncated`);
      if (parseCommit(ev).to < from) lo = mid + 1n;
      else {
        hi = mid;
        found = ev;
      }
    }
    if (!found || found.revision !== lo) [found] = await this.readRange(this.streams.head, lo, 1, true);
    // A server older than 22.6 returns no `$all` position on stream reads: read from the start.
    return found?.position ?? START;
  }

  /** Reads a readable of resolved events with backpressure until `visit` says stop or it ends. */
  private drain(
    source: Readable,
    cancel: () => void,
    visit: (ev: RawEvent) => boolean,
    endWhenCaughtUp: boolean,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let done = false;
      let caughtUp = false;
      let idle: ReturnType<typeof setTimeout> | undefined;
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(idle);
        source.removeListener('readable', pump);
        source.on('error', () => {}); // errors after we stopped (cancellation) are not ours
        cancel();
        if (error) reject(error);
        else resolve();
      };
      const arm = () => {
        clearTimeout(idle);
        idle = setTimeout(() => finish(), this.o.readIdleTimeoutMs);
      };
      function pump() {
        let item: { event?: unknown } | null;
        while (!done && (item = source.read() as { event?: unknown } | null) !== null) {
          if (item.event && !visit(item.event as RawEvent)) return finish();
        }
        if (!done && caughtUp && source.readableLength === 0) return finish();
        if (!done) arm();
      }
      source.on('readable', pump);
      source.once('error', (e: Error) => finish(e instanceof StreamNotFoundError ? undefined : e));
      source.once('end', () => finish());
      source.once('close', () => finish());
      if (endWhenCaughtUp) {
        source.on('caughtUp', () => {
          caughtUp = true;
          pump();
        });
      }
      arm();
    });
  }

  private async readLast(stream: string, leader: boolean): Promise<RawEvent | undefined> {
    const [ev] = await this.readRange(stream, END, 1, leader, BACKWARDS);
    return ev;
  }

  private async readRange(
    stream: string,
    fromRevision: bigint | typeof END,
    maxCount: number,
    leader: boolean,
    direction: typeof FORWARDS | typeof BACKWARDS = FORWARDS,
  ): Promise<RawEvent[]> {
    const out: RawEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, {
        fromRevision, maxCount, direction, ...(leader ? { requiresLeader: true } : {}),
      })) {
        if (resolved.event) out.push(resolved.event as unknown as RawEvent);
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) return out;
      throw e;
    }
    return out;
  }

  /**
   * Wakes waiters from a live subscription to the head stream (each commit record carries its last
   * position). A subscription can drop silently when the cluster's leader changes (a known client
   * problem), so it is re-opened on any error, end or close, with back-off, and the waiters also poll
   * the head (pollIntervalMs) while anyone waits.
   */
  private ensureLive(): void {
    if (this.live || this.closed) return;
    let stopped = false;
    let current: { unsubscribe(): Promise<void> } | undefined;
    let delay = 250;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      if (stopped) return;
      const sub = this.client.subscribeToStream(this.streams.head, { fromRevision: END }, { highWaterMark: 16 });
      current = sub;
      let reopened = false;
      const reopen = () => {
        if (reopened || stopped) return;
        reopened = true;
        void sub.unsubscribe().catch(() => {});
        timer = setTimeout(open, delay);
        timer.unref?.();
        delay = Math.min(delay * 2, 5000);
        // A drop may have hidden commits: look at the head once now.
        void this.readTip().then((t) => this.waiters.notify(t.position), () => {});
      };
      sub.on('data', (resolved: { event?: unknown }) => {
        delay = 250;
        try {
          if (resolved.event) this.waiters.notify(parseCommit(resolved.event as RawEvent).to);
        } catch {
          // not a commit record: verify will say so; waiters fall back to polling
        }
      });
      sub.on('error', reopen);
      sub.on('end', reopen);
      sub.on('close', reopen);
    };
    this.live = {
      stop: () => {
        stopped = true;
        clearTimeout(timer);
        void current?.unsubscribe().catch(() => {});
      },
    };
    open();
  }
}
