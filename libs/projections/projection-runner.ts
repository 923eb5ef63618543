import type { EventStore } from '../event-store/port.js';
import type { StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import type { Checkpoint, ReadModelRow, ReadModelStore } from './read-model-store.js';
import { LruMap } from '../common/lru-map.js';

/** A read model with one row per key, folded from the global log by a pure `evolve`. */
export interface KeyedProjection<S> {
  name: string;
  keyOf(event: StoredCaseEvent): string;
  /** Pure, never throws, and idempotent by stored position (an event already folded is ignored). */
  evolve(state: S | null, event: StoredCaseEvent): S;
  /** What queries read for "now", derived from the state whenever the row is written. */
  facts(state: S): unknown;
  /** recordedAt of an event, in ms (kept per checkpoint: views for an asOf at or after it need no replay). */
  recordedAtMs(event: StoredCaseEvent): number;
}

export interface RunnerOptions {
  /** Events read and committed per transaction. */
  batchSize?: number;
  /** Parsed states kept in memory between batches. */
  cacheSize?: number;
  /** Called after each commit with the rows it wrote (e.g. to refresh an in-memory query cache). */
  onCommit?: (rows: { key: string; facts: unknown }[], checkpoint: Checkpoint) => void;
}

export interface Progress { position: number; head: number; events: number }

/**
 * Feeds a projection from the store's global log, durably: each batch's rows and the checkpoint
 * are written in one transaction, so a crash at any moment neither double-counts nor skips.
 */
export class ProjectionRunner<S> {
  private readonly cache: LruMap<string, S>;
  private checkpointCache: Checkpoint | undefined;

  constructor(
    private readonly events: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly projection: KeyedProjection<S>,
    private readonly options: RunnerOptions = {},
  ) {
    this.cache = new LruMap(options.cacheSize ?? 50000);
  }

  async checkpoint(): Promise<Checkpoint> {
    this.checkpointCache ??= await this.readModels.checkpoint(this.projection.name);
    return this.checkpointCache;
  }

  /** Applies everything in the log after the checkpoint; returns the new checkpoint. */
  async catchUp(onProgress?: (p: Progress) => void): Promise<Checkpoint> {
    const batchSize = this.options.batchSize ?? 10000;
    let cp = await this.readModels.checkpoint(this.projection.name);
    this.checkpointCache = cp;
    const head = onProgress ? (await this.events.head()).position : 0;
    let applied = 0;
    for (;;) {
      const batch = await this.events.readAll({ fromPosition: cp.position + 1, limit: batchSize });
      if (!batch.length) break;
      cp = await this.apply(batch, cp);
      applied += batch.length;
      onProgress?.({ position: cp.position, head, events: applied });
      if (batch.length < batchSize) break;
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
  async rebuild(onProgress?: (p: Progress) => void): Promise<Checkpoint> {
    await this.readModels.reset(this.projection.name);
    this.cache.clear();
    this.checkpointCache = undefined;
    return this.catchUp(onProgress);
  }

  private async apply(batch: StoredCaseEvent[], from: Checkpoint): Promise<Checkpoint> {
    const p = this.projection;
    const keys = new Set<string>();
    for (const e of batch) keys.add(p.keyOf(e));
    const missing = [...keys].filter((k) => !this.cache.has(k));
    if (missing.length) {
      for (const [k, text] of await this.readModels.load(p.name, missing)) this.cache.set(k, JSON.parse(text) as S);
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
    const published: { key: string; facts: unknown }[] = [];
    for (const [key, state] of changed) {
      const facts = p.facts(state);
      rows.push({ key, state: JSON.stringify(state), facts: JSON.stringify(facts) });
      published.push({ key, facts });
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
