import type { EventStore } from '../event-store/port.js';
import type { StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import type { Checkpoint, ReadModelRow, ReadModelStore } from './read-model-store.js';
import { availableParallelism } from 'node:os';
import { LruMap } from '../common/lru-map.js';
import { foldBatch, keysToLoad, type CommittedRow, type KeyedProjection } from './keyed-projection.js';
import type { FoldResult, Folder, LoadStates } from './partition-fold.js';
import { foldWorkersAvailable, workerFolders } from './fold-workers.js';

export type { CommittedRow, KeyedProjection } from './keyed-projection.js';

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
  /**
   * Long catch-ups (a rebuild) folded in partitions by case, one per worker thread, the rows of
   * all partitions and the checkpoint committed in one transaction per batch. Used when the store
   * can read its log by partition from another thread and the projection names its module (or
   * `folders` is given); `false` folds everything in this thread.
   */
  parallel?: false | {
    /** Partitions (worker threads). Default: the machine's cores, at most 4. */
    partitions?: number;
    /** Catch-ups of fewer events than this run in this thread. Default: 4 batches. */
    minEvents?: number;
    /** Folders for the partitions instead of worker threads (tests run them in this thread). */
    folders?: (partitions: number, load: LoadStates) => Folder<F>[];
  };
}

/** Batches a parallel catch-up asks its folders for beyond the one it commits. */
const AHEAD = 2;

export interface Progress {
  position: number;
  head: number;
  events: number;
  /** Partitions folded at once (worker threads), while a catch-up runs in parallel. */
  partitions?: number;
}

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
    const read = (fromPosition: number): Promise<StoredCaseEvent[]> => {
      const pending = this.events.readAll({ fromPosition, limit: batchSize });
      pending.catch(() => {}); // awaited below, unless a commit fails first
      return pending;
    };
    const folders = this.foldersFactory();
    let head = onProgress ? (await this.events.head()).position : 0;
    let applied = 0;
    let first: Promise<StoredCaseEvent[]> | undefined;
    if (folders && !onProgress) {
      // Most catch-ups (the follower's, the one before each view) find a few events: the head is asked
      // for, to choose a parallel catch-up, only when the first batch could be the start of a long one.
      first = read(cp.position + 1);
      if ((await first).length >= Math.min(batchSize, this.minParallelEvents(batchSize))) head = (await this.events.head()).position;
    }
    if (folders && head - cp.position >= this.minParallelEvents(batchSize)) {
      first = undefined;
      const done = await this.catchUpInParallel(folders, cp, head, batchSize, (p) => onProgress?.(p));
      applied += done.events;
      cp = done.checkpoint;
    }
    for (let next: Promise<StoredCaseEvent[]> | null = first ?? read(cp.position + 1); next !== null; ) {
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

  private minParallelEvents(batchSize: number): number {
    const o = this.options.parallel;
    return (o ? o.minEvents : undefined) ?? 4 * batchSize;
  }

  /** How to make the partitions' folders, when a parallel catch-up is possible. */
  private foldersFactory(): ((partitions: number, load: LoadStates) => Folder<F>[]) | undefined {
    const o = this.options.parallel;
    if (o === false) return undefined;
    if (o?.folders) return o.folders;
    const source = this.events.partitionSource?.();
    const module = this.projection.module;
    if (!source || !module || !foldWorkersAvailable()) return undefined;
    const cacheSize = this.options.cacheSize ?? 50000;
    return (partitions, load) => workerFolders<F>(source, module, partitions, Math.ceil(cacheSize / partitions), load);
  }

  /**
   * Catches up to `head` with the log folded in partitions by case, concurrently; each batch's rows
   * (from all partitions) and checkpoint are committed in one transaction, while the partitions
   * fold the next batch. Stops early at a gap in the log (the partitions' events of a range do not
   * add up to the range), leaving it to the reader in this thread, which stops at the gap.
   */
  private async catchUpInParallel(
    makeFolders: (partitions: number, load: LoadStates) => Folder<F>[],
    from: Checkpoint,
    head: number,
    batchSize: number,
    onProgress: (p: Progress) => void,
  ): Promise<{ checkpoint: Checkpoint; events: number }> {
    const p = this.projection;
    const o = this.options.parallel || {};
    const partitions = Math.max(1, Math.trunc(o.partitions ?? Math.min(4, availableParallelism())));
    const folders = makeFolders(partitions, (keys) => this.readModels.load(p.name, keys));
    let cp = from;
    let applied = 0;
    const fold = (start: number) => {
      const end = Math.min(head, start + batchSize - 1);
      const pending = Promise.all(folders.map((f) => f.fold(start, end)));
      pending.catch(() => {}); // awaited below, unless a commit fails first
      return { end, pending };
    };
    // Ranges asked of the folders ahead of the one being committed: read and folded meanwhile.
    const inFlight: { end: number; pending: Promise<FoldResult<F>[]> }[] = [];
    let nextStart = cp.position + 1;
    const askAhead = () => {
      while (inFlight.length < AHEAD && nextStart <= head) {
        const range = fold(nextStart);
        inFlight.push(range);
        nextStart = range.end + 1;
      }
    };
    try {
      askAhead();
      for (let range = inFlight.shift(); range; range = inFlight.shift()) {
        const results = await range.pending;
        const end = range.end;
        const events = results.reduce((n, r) => n + r.events, 0);
        if (events !== end - cp.position) break; // a gap: the reader in this thread stops at it
        askAhead();
        let maxRecordedAt = cp.maxRecordedAt;
        const rows: ReadModelRow[] = [];
        const published: CommittedRow<F>[] = [];
        for (const r of results) {
          if (r.maxRecordedAt > maxRecordedAt) maxRecordedAt = r.maxRecordedAt;
          for (const row of r.rows) rows.push(row);
          for (const pub of r.published) published.push(pub);
        }
        const checkpoint: Checkpoint = { position: end, maxRecordedAt };
        await this.readModels.commit(p.name, rows, checkpoint, cp.position);
        for (const f of folders) f.committed();
        cp = checkpoint;
        this.checkpointCache = cp;
        applied += events;
        this.options.onCommit?.(published, cp);
        onProgress({ position: cp.position, head, events: applied, partitions });
      }
    } catch (e) {
      this.checkpointCache = undefined;
      throw e;
    } finally {
      // What the folders hold is theirs: the states in this thread's cache predate these batches.
      this.cache.clear();
      await Promise.all(folders.map((f) => f.close().catch(() => {})));
    }
    return { checkpoint: cp, events: applied };
  }

  private async apply(batch: StoredCaseEvent[], from: Checkpoint): Promise<Checkpoint> {
    const p = this.projection;
    // Rows to look up: keys not cached, unless the batch starts them (no row can exist yet).
    const missing = keysToLoad(p, batch, (key) => this.cache.has(key));
    if (missing.length) {
      for (const [k, s] of await this.readModels.load(p.name, missing)) this.cache.set(k, p.decodeState(s));
    }
    const { changed, maxRecordedAt, rows, published } = foldBatch(p, batch, (key) => this.cache.get(key), from.maxRecordedAt);
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
