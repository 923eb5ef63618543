import type { EventStore } from '../event-store/port.js';
import type { StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import type { Checkpoint, ReadModelRow, ReadModelStore } from './read-model-store.js';
import { LruMap } from '../common/lru-map.js';

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
}

export interface RunnerOptions<F = unknown> {
  /** Events read and committed per transaction. */
  batchSize?: number;
  /** Parsed states kept in memory between batches. */
  cacheSize?: number;
  /**
   * Called after each commit with the rows it wrote, their facts as objects and as stored text (e.g.
   * to refresh an in-memory query cache, here or in another thread).
   */
  onCommit?: (rows: CommittedRow<F>[], checkpoint: Checkpoint) => void;
}

export interface Progress { position: number; head: number; events: number }

export interface CommittedRow<F> { key: string; facts: F; factsText: string }

/** What folds the log into the read model: a runner here, or one in a worker thread (projection-thread.ts). */
export interface Projector {
  /** The read model's checkpoint (as last seen). */
  checkpoint(): Promise<Checkpoint>;
  catchUp(onProgress?: (p: Progress) => void): Promise<Checkpoint>;
  rebuild(onProgress?: (p: Progress) => void): Promise<Checkpoint>;
  follow(signal: AbortSignal, onError?: (e: unknown) => void): Promise<void>;
}

/**
 * Feeds a projection from the store's global log, durably: each batch's rows and the checkpoint
 * are written in one transaction, so a crash at any moment neither double-counts nor skips.
 */
export class ProjectionRunner<S, F = unknown> implements Projector {
  private readonly cache: LruMap<string, S>;
  private checkpointCache: Checkpoint | undefined;
  /** The catch-up or rebuild under way (they run one at a time). */
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly events: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly projection: KeyedProjection<S, F>,
    private readonly options: RunnerOptions<F> = {},
  ) {
    this.cache = new LruMap(options.cacheSize ?? 50000);
  }

  async checkpoint(): Promise<Checkpoint> {
    this.checkpointCache ??= await this.readModels.checkpoint(this.projection.name);
    return this.checkpointCache;
  }

  /**
   * Applies everything in the log after the checkpoint; returns the new checkpoint. Catch-ups (and
   * rebuilds) of this runner run one at a time: two at once would fold the same events from the same
   * checkpoint, and the second commit would be refused as a checkpoint conflict.
   */
  catchUp(onProgress?: (p: Progress) => void): Promise<Checkpoint> {
    return this.exclusive(() => this.catchUpNow(onProgress));
  }

  /** Runs `work` between catch-ups (none under way while it runs). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work);
    this.turn = run.then(() => {}, () => {});
    return run;
  }

  private async catchUpNow(onProgress?: (p: Progress) => void): Promise<Checkpoint> {
    const batchSize = this.options.batchSize ?? 10000;
    let cp = await this.readModels.checkpoint(this.projection.name);
    this.checkpointCache = cp;
    if (cp.position === 0) for (const old of this.projection.supersedes ?? []) await this.readModels.reset(old);
    const head = onProgress ? (await this.events.head()).position : 0;
    let applied = 0;
    const read = (fromPosition: number): Promise<StoredCaseEvent[]> => {
      const pending = this.events.readAll({ fromPosition, limit: batchSize });
      pending.catch(() => {}); // awaited below, unless a commit fails first
      return pending;
    };
    for (let next: Promise<StoredCaseEvent[]> | null = read(cp.position + 1); next !== null; ) {
      const batch: StoredCaseEvent[] = await next;
      if (!batch.length) break;
      // Pipelined: the next batch is read while this one is folded and committed.
      next = batch.length < batchSize ? null : read(batch[batch.length - 1]!.position + 1);
      cp = await this.apply(batch, cp);
      applied += batch.length;
      onProgress?.({ position: cp.position, head, events: applied });
    }
    return cp;
  }

  /** Catches up, then follows new events until `signal` aborts. */
  async follow(signal: AbortSignal, onError?: (e: unknown) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        const cp = await this.catchUp();
        await this.events.waitForEvents(cp.position + 1, 500);
      } catch (e) {
        this.cache.clear();
        this.checkpointCache = undefined;
        onError?.(e);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Recomputes the read model from scratch: drop rows and checkpoint (one transaction), then catch up. */
  rebuild(onProgress?: (p: Progress) => void): Promise<Checkpoint> {
    return this.exclusive(async () => {
      await this.readModels.reset(this.projection.name);
      this.cache.clear();
      this.checkpointCache = undefined;
      return this.catchUpNow(onProgress);
    });
  }

  private async apply(batch: StoredCaseEvent[], from: Checkpoint): Promise<Checkpoint> {
    const p = this.projection;
    // Rows to look up: keys not cached, unless the batch starts them (no row can exist yet).
    const seen = new Set<string>();
    const missing: string[] = [];
    for (const e of batch) {
      const key = p.keyOf(e);
      if (seen.has(key)) continue;
      seen.add(key);
      if (!this.cache.has(key) && !p.startsKey?.(e)) missing.push(key);
    }
    if (missing.length) {
      for (const [k, text] of await this.readModels.load(p.name, missing)) this.cache.set(k, p.decodeState(text));
    }
    const changed = new Map<string, S>();
    let maxRecordedAt = from.maxRecordedAt;
    for (const e of batch) {
      const key = p.keyOf(e);
      const next = p.evolve(changed.get(key) ?? this.cache.get(key) ?? null, e);
      changed.set(key, next);
      const rec = p.recordedAtMs(e);
      if (rec > maxRecordedAt) maxRecordedAt = rec;
    }
    const rows: ReadModelRow[] = [];
    const published: CommittedRow<F>[] = [];
    for (const [key, state] of changed) {
      const facts = p.facts(state);
      const factsText = p.encodeFacts(facts);
      rows.push({ key, state: p.encodeState(state), facts: factsText });
      published.push({ key, facts, factsText });
    }
    const cp: Checkpoint = { position: batch[batch.length - 1]!.position, maxRecordedAt };
    try {
      await this.readModels.commit(p.name, rows, cp, from.position);
    } catch (e) {
      this.cache.clear(); // what we folded was not committed
      this.checkpointCache = undefined;
      throw e;
    }
    for (const [key, state] of changed) this.cache.remember(key, state);
    this.checkpointCache = cp;
    this.options.onCommit?.(published, cp);
    return cp;
  }

}
