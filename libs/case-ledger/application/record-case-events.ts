// The ledger's one write path. Every append (a single event from the API or the command line, a
// round of concurrent API requests, a chunk of an import) goes through `recordEvents`: judge each
// event against its case in order (idempotency by eventId, the caller's expected version, the order
// rules), then append the accepted ones with one `appendMany` (one transaction), each with its
// case's version as the store's guard. Callers differ only in where the cases' states come from:
// read afresh from the store (`FreshCaseStates`), kept between chunks (`CachedCaseStates`, the
// importer: the one writer), or kept between batches and checked against the store's versions
// (`CommittedCaseStates`, the API).
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, NotAppendedError, type AppendRequest, type EventStore, type ExpectedVersion } from '../../event-store/port.js';
import type { CaseEvent, StoredCaseEvent } from '../domain/vocabulary.js';
import { contentDifferences, normalizeEventId, parseEventLine, sameContent } from '../domain/interchange.js';
import { commandFor } from '../domain/commands.js';
import { decide, evolve, findEntry, foldCase, type CaseState } from '../domain/decider.js';
import { DomainError, EventIdConflictError, VersionConflictError } from '../domain/errors.js';
import { LruMap } from '../../common/lru-map.js';
import { ID_GENERATOR, type IdGenerator } from './ports.js';

export interface RecordResult { status: 'appended' | 'duplicate'; events: StoredCaseEvent[]; version: number }
/** What became of one event of a batch: recorded, a duplicate, or refused with a domain error. */
export type RecordOutcome = RecordResult | { status: 'rejected'; error: DomainError };

/** An event to record (already parsed and validated) with the case version its caller expects. */
export interface EventToRecord {
  event: CaseEvent;
  /** The eventId came with the line (not made by the ledger): it may be a retry of a stored event. */
  eventIdGiven: boolean;
  expectedVersion: ExpectedVersion;
}

/** Where the batch takes each case's folded state from, and gives it back after judging. */
export interface CaseStates {
  /** Makes the states of these cases available (reading from the store whatever is not held). */
  load(caseIds: string[]): Promise<void>;
  get(caseId: string): CaseState;
  set(caseId: string, state: CaseState): void;
  /** The held state may be wrong (an append failed, another writer appended): read it again next time. */
  forget(caseId: string): void;
}

/** Every batch reads its cases from the store (single appends, API rounds: other writers may have appended since). */
export class FreshCaseStates implements CaseStates {
  constructor(protected readonly store: EventStore, protected readonly states: Map<string, CaseState> = new Map()) {}
  async load(caseIds: string[]): Promise<void> {
    const missing = [...new Set(caseIds)].filter((id) => !this.states.has(id));
    if (!missing.length) return;
    const streams = await this.store.readStreams(missing);
    for (const id of missing) this.set(id, foldCase(streams.get(id) ?? []));
  }
  /** Whether this case's state is held (no need to read it from the store). */
  has(caseId: string): boolean {
    return this.states.has(caseId);
  }
  get(caseId: string): CaseState {
    return this.states.get(caseId) ?? foldCase([]);
  }
  set(caseId: string, state: CaseState): void {
    this.states.set(caseId, state);
  }
  forget(caseId: string): void {
    this.states.delete(caseId);
  }
}

/** States kept between batches, the most recently used `max` of them (the importer: one writer, many chunks). */
export class CachedCaseStates extends FreshCaseStates {
  private readonly lru: LruMap<string, CaseState>;
  constructor(store: EventStore, max: number) {
    const lru = new LruMap<string, CaseState>(max);
    super(store, lru);
    this.lru = lru;
  }
  override set(caseId: string, state: CaseState): void {
    this.lru.remember(caseId, state);
  }
}

/**
 * Case states kept between batches by a long-lived writer that need not be the only one (the API,
 * which other processes may append beside): a held state is used only while the store's version of
 * its case is still the state's version (one query for all the batch's cases, instead of reading and
 * folding each case's whole stream), and a state is held only once every event it folds is stored.
 */
export class CommittedCaseStates {
  private readonly held: LruMap<string, CaseState>;
  constructor(private readonly store: EventStore, max: number) {
    this.held = new LruMap(max);
  }

  /** The states one batch judges on; `kept()` after the batch returns hands its stored states back. */
  forBatch(): CaseStates & { kept(): void } {
    return new BatchOfCommittedStates(this.store, this.held);
  }
}

class BatchOfCommittedStates extends FreshCaseStates {
  private readonly forgotten = new Set<string>();
  constructor(store: EventStore, private readonly held: LruMap<string, CaseState>) {
    super(store);
  }

  override async load(caseIds: string[]): Promise<void> {
    const wanted = [...new Set(caseIds)].filter((id) => !this.states.has(id));
    const candidates = wanted.filter((id) => this.held.has(id));
    if (candidates.length) {
      const versions = await this.store.streamVersions(candidates);
      for (const id of candidates) {
        const state = this.held.get(id)!;
        if (state.version === (versions.get(id) ?? 0)) this.states.set(id, state);
        else this.held.delete(id); // another writer appended: read it again
      }
    }
    await super.load(wanted);
  }

  override forget(caseId: string): void {
    super.forget(caseId);
    this.forgotten.add(caseId);
    this.held.delete(caseId);
  }

  /** After recordEvents returned: every state not forgotten folds exactly the case's stored events. */
  kept(): void {
    for (const [id, state] of this.states) if (!this.forgotten.has(id)) this.held.remember(id, state);
  }
}

export interface RecordOptions {
  /**
   * Look up in the store, before judging, every given eventId its case does not hold, so that an
   * eventId stored in another case is refused as an eventId conflict before any order rule. Without
   * it (the importer) the store's unique index refuses such an event at append time instead.
   */
  lookUpGivenIds?: boolean;
}

const conflict = (prior: CaseEvent, event: CaseEvent) =>
  new EventIdConflictError(event.metadata.eventId, contentDifferences(prior, event));

/** A batch judged against its cases' states (phase 1 of `recordEvents`), not yet appended. */
export interface JudgedBatch {
  readonly items: EventToRecord[];
  readonly outcomes: (RecordOutcome | undefined)[];
  /** The accepted events, one request each, with their case's version as the store's guard. */
  readonly requests: AppendRequest[];
  /** item -> index in requests (-1: not appended) */
  readonly requestOf: number[];
  /** normalised eventId -> item appending it in this batch */
  readonly batchIndex: Map<string, number>;
  /** Duplicate candidates: an eventId the case already holds (stored, or earlier in the batch). */
  readonly known: { i: number; version: number }[];
}

/**
 * Records a batch: each event judged in order against its case as left by the events before it
 * (those of the same batch included), the accepted ones appended in one transaction. Domain errors
 * come back per event; anything else (the store is down) throws for the whole batch.
 */
export async function recordEvents(store: EventStore, states: CaseStates, items: EventToRecord[], options: RecordOptions = {}): Promise<RecordOutcome[]> {
  await states.load(items.map((i) => i.event.metadata.caseId));

  const elsewhere = new Map<string, StoredCaseEvent>();
  if (options.lookUpGivenIds) {
    const ids = items.filter((i) => i.eventIdGiven && !findEntry(states.get(i.event.metadata.caseId), i.event.metadata.eventId)).map((i) => i.event.metadata.eventId);
    if (ids.length) for (const e of await store.findEvents(ids)) elsewhere.set(normalizeEventId(e.metadata.eventId), e);
  }
  return appendJudged(store, states, judgeEvents(states, items, elsewhere));
}

/**
 * Phase 1 of `recordEvents`, synchronous: judge each event in order against its case's state (which
 * `states.load` has made available), evolving the states of the accepted ones. The importer runs it
 * for the next chunk while the current one is being written (see CaseImporter).
 */
export function judgeEvents(states: CaseStates, items: EventToRecord[], elsewhere: ReadonlyMap<string, StoredCaseEvent> = new Map()): JudgedBatch {
  const outcomes = new Array<RecordOutcome | undefined>(items.length);
  // An eventId the case already holds (stored, or earlier in this batch) is a duplicate candidate,
  // compared in phase 2; the others are decided and their case's state evolved.
  const requests: AppendRequest[] = [];
  const requestOf = new Array<number>(items.length).fill(-1);
  const batchIndex = new Map<string, number>();
  const known: { i: number; version: number }[] = [];
  items.forEach((item, i) => {
    const { event } = item;
    const caseId = event.metadata.caseId;
    const key = normalizeEventId(event.metadata.eventId);
    const state = states.get(caseId);
    const prior = elsewhere.get(key);
    if (prior) {
      outcomes[i] = sameContent(prior, event) ? { status: 'duplicate', events: [prior], version: prior.streamVersion } : { status: 'rejected', error: conflict(prior, event) };
      return;
    }
    if (batchIndex.has(key) || findEntry(state, event.metadata.eventId)) {
      known.push({ i, version: state.version });
      return;
    }
    try {
      if (item.expectedVersion !== 'any' && item.expectedVersion !== state.version) {
        throw new VersionConflictError(caseId, item.expectedVersion, state.version);
      }
      const events = decide(commandFor(event), state);
      requestOf[i] = requests.push({ caseId, expectedVersion: state.version, events }) - 1;
      batchIndex.set(key, i);
      states.set(caseId, evolve(state, event));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      outcomes[i] = { status: 'rejected', error: e };
    }
  });
  return { items, outcomes, requests, requestOf, batchIndex, known };
}

/**
 * Phases 2 to 4 of `recordEvents`: fetch the stored originals of duplicate candidates, append the
 * accepted events in one transaction (the store judges each request again under its lock: expected
 * version, eventId), and answer every event. A request the store refuses makes its case's state be
 * read again next time.
 */
export async function appendJudged(store: EventStore, states: CaseStates, judged: JudgedBatch): Promise<RecordOutcome[]>;
/**
 * The same for a batch judged on the states an earlier batch, still being written, is to leave:
 * nothing is appended, and undefined comes back, unless `after` resolves to true (that batch committed
 * as judged); the store may prepare the append meanwhile.
 */
export async function appendJudged(store: EventStore, states: CaseStates, judged: JudgedBatch, after: Promise<boolean>): Promise<RecordOutcome[] | undefined>;
export async function appendJudged(store: EventStore, states: CaseStates, judged: JudgedBatch, after?: Promise<boolean>): Promise<RecordOutcome[] | undefined> {
  const { items, outcomes, requests, requestOf, batchIndex, known } = judged;
  // 2. Duplicate candidates whose original is stored: fetch it and compare content (once the batch
  //    before, which may hold it, has committed).
  const fromStore = known.filter(({ i }) => !batchIndex.has(normalizeEventId(items[i]!.event.metadata.eventId)));
  const stored = new Map<string, StoredCaseEvent>();
  if (fromStore.length && after && !(await after)) return undefined;
  if (fromStore.length) {
    for (const e of await store.findEvents(fromStore.map(({ i }) => items[i]!.event.metadata.eventId))) {
      stored.set(normalizeEventId(e.metadata.eventId), e);
    }
  }

  // 3. One transaction; the store judges each request again under its lock (expected version, eventId).
  const appended = requests.length ? await store.appendMany(requests, after ? { after } : {}) : [];
  if (appended.some((o) => o.status === 'error' && o.error instanceof NotAppendedError)) return undefined;
  if (after && !(await after)) return undefined; // nothing to append: the answers still rest on the batch before
  items.forEach((item, i) => {
    const r = requestOf[i]!;
    if (r < 0) return;
    const o = appended[r]!;
    if (o.status === 'error') {
      states.forget(item.event.metadata.caseId); // its state assumed this event in
      if (!(o.error instanceof DomainError)) throw o.error;
      outcomes[i] = { status: 'rejected', error: o.error };
    } else {
      // The store found it stored already (another writer's retry): its state assumed it appended here.
      if (o.status !== 'appended') states.forget(item.event.metadata.caseId);
      const last = o.events[o.events.length - 1];
      outcomes[i] = { status: o.status, events: o.events, version: last?.streamVersion ?? requests[r]!.expectedVersion as number };
    }
  });

  // 4. The duplicate candidates: the same content as the original is a duplicate (of what the
  //    original became, for one appended in this batch), different content a conflict.
  for (const { i, version } of known) {
    const event = items[i]!.event;
    const key = normalizeEventId(event.metadata.eventId);
    const original = batchIndex.get(key);
    const prior = original !== undefined ? items[original]!.event : stored.get(key);
    if (!prior) {
      // The case holds it but the store does not return it: only a concurrent rewrite could do that.
      outcomes[i] = { status: 'rejected', error: new EventIdConflictError(event.metadata.eventId) };
    } else if (!sameContent(prior, event)) {
      outcomes[i] = { status: 'rejected', error: conflict(prior, event) };
    } else if (original !== undefined) {
      const o = outcomes[original]!;
      outcomes[i] = o.status === 'rejected' ? o : { status: 'duplicate', events: o.events, version: o.version };
    } else {
      outcomes[i] = { status: 'duplicate', events: [stored.get(key)!], version };
    }
  }
  return outcomes as RecordOutcome[];
}

/** One line to record as the API and the command line receive it: parsed here, at `receivedAt`. */
export interface LineToRecord {
  line: unknown;
  /** ms since the epoch: the ledger's time of append (recordedAt when the line has none). */
  receivedAt: number;
  expectedVersion: ExpectedVersion;
}

/** Record several lines together (one transaction); each is judged and answered on its own. */
export class RecordCaseEvents extends Command<RecordOutcome[]> {
  constructor(readonly lines: LineToRecord[]) {
    super();
  }
}

/** Case states the batch handler keeps between batches (most recently used). */
const HELD_CASES = 20_000;

/**
 * The batch command handler: parse each line (random eventIds for lines without one), then
 * `recordEvents` on the cases' states as stored (held ones checked against the store's versions).
 */
@CommandHandler(RecordCaseEvents)
export class RecordCaseEventsHandler implements ICommandHandler<RecordCaseEvents, RecordOutcome[]> {
  /** Cases judged recently, checked against the store's versions before each use. */
  private readonly states: CommittedCaseStates;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {
    this.states = new CommittedCaseStates(store, HELD_CASES);
  }

  async execute({ lines }: RecordCaseEvents): Promise<RecordOutcome[]> {
    const outcomes = new Array<RecordOutcome>(lines.length);
    const items: EventToRecord[] = [];
    const at: number[] = [];
    lines.forEach(({ line, receivedAt, expectedVersion }, i) => {
      const parsed = parseEventLine(line, { appendedAt: receivedAt, newEventId: () => this.ids.newId() });
      if (!parsed.ok) outcomes[i] = { status: 'rejected', error: parsed.error };
      else {
        at.push(i);
        items.push({ event: parsed.event, eventIdGiven: parsed.eventIdGiven, expectedVersion });
      }
    });
    if (items.length) {
      const states = this.states.forBatch();
      const recorded = await recordEvents(this.store, states, items, { lookUpGivenIds: true });
      states.kept();
      recorded.forEach((o, j) => (outcomes[at[j]!] = o));
    }
    return outcomes;
  }
}
