// Folding one partition of the log (the cases of one hash partition) for the runner's parallel
// catch-up: each worker thread folds its own partition's events into rows; the runner commits the
// rows of all partitions and the checkpoint in one transaction (projection-runner.ts).
import type { EventStore } from '../event-store/port.js';
import type { StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import type { ReadModelRow, StoredState } from './read-model-store.js';
import { foldBatch, keysToLoad, type CommittedRow, type KeyedProjection } from './keyed-projection.js';
import { LruMap } from '../common/lru-map.js';

/** What a partition's fold of a range of the log gives the runner to commit. */
export interface FoldResult<F = unknown> {
  /** Events of the partition in the range. */
  events: number;
  /** Largest recordedAt (ms) among them (0 when none). */
  maxRecordedAt: number;
  rows: ReadModelRow[];
  published: CommittedRow<F>[];
}

/**
 * Folds ranges of the log for one partition. Ranges are folded in log order, each before the
 * runner commits it: `committed()` says the oldest folded range was committed (its states are now
 * those of the read model), so the next range may be folded while the previous one commits.
 * After a failure the runner discards the folder (the states it holds may not be committed).
 */
export interface Folder<F = unknown> {
  fold(fromPosition: number, toPosition: number): Promise<FoldResult<F>>;
  committed(): void;
  close(): Promise<void>;
}

/** Rows of these keys from the read model (absent: no row yet). */
export type LoadStates = (keys: string[]) => Promise<Map<string, StoredState>>;

/** The fold itself, for one partition: states cached between ranges, the uncommitted ones kept apart. */
export class PartitionFold<S, F> {
  private readonly cache: LruMap<string, S>;
  /** States changed by ranges folded but not yet committed, oldest first. */
  private readonly pending: Map<string, S>[] = [];

  constructor(private readonly projection: KeyedProjection<S, F>, cacheSize: number) {
    this.cache = new LruMap(cacheSize);
  }

  private state(key: string): S | undefined {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const s = this.pending[i]!.get(key);
      if (s !== undefined) return s;
    }
    return this.cache.get(key);
  }

  /** Keys of these events whose state must come from the read model (not held here, not started by the events). */
  missing(events: StoredCaseEvent[]): string[] {
    return keysToLoad(this.projection, events, (key) => this.state(key) !== undefined);
  }

  /** States loaded from the read model (committed: nothing pending holds these keys). */
  seed(rows: Map<string, StoredState>): void {
    for (const [k, s] of rows) this.cache.set(k, this.projection.decodeState(s));
  }

  fold(events: StoredCaseEvent[]): FoldResult<F> {
    const p = this.projection;
    const { changed, maxRecordedAt, rows, published } = foldBatch(p, events, (key) => this.state(key), 0);
    this.pending.push(changed);
    return { events: events.length, maxRecordedAt, rows, published };
  }

  committed(): void {
    const changed = this.pending.shift();
    if (changed) for (const [key, state] of changed) this.cache.remember(key, state);
  }
}

/** Reads and folds one partition in this thread (the worker threads run one each; tests use it directly). */
export class LocalFolder<S, F> implements Folder<F> {
  private readonly core: PartitionFold<S, F>;
  private turn: Promise<unknown> = Promise.resolve();
  private failed: Error | undefined;

  constructor(
    private readonly events: Pick<EventStore, 'readPartition'>,
    projection: KeyedProjection<S, F>,
    private readonly partition: number,
    private readonly partitions: number,
    private readonly load: LoadStates,
    cacheSize: number,
  ) {
    if (!events.readPartition) throw new Error('this event store cannot read the log by partition');
    this.core = new PartitionFold(projection, cacheSize);
  }

  /**
   * Reads start at once (a range asked for ahead is read while earlier ones fold); the folds
   * themselves run one at a time, in the order asked. After a failure every later fold fails too.
   */
  fold(fromPosition: number, toPosition: number): Promise<FoldResult<F>> {
    const read = this.events.readPartition!({ fromPosition, toPosition, partition: this.partition, partitions: this.partitions });
    read.catch(() => {}); // awaited in turn below
    const result = this.turn.then(async () => {
      if (this.failed) throw this.failed;
      try {
        const events = await read;
        const missing = this.core.missing(events);
        if (missing.length) this.core.seed(await this.load(missing));
        return this.core.fold(events);
      } catch (e) {
        this.failed = e instanceof Error ? e : new Error(String(e));
        throw e;
      }
    });
    this.turn = result.catch(() => {});
    return result;
  }

  committed(): void {
    this.core.committed();
  }

  /** Resolves once the folds asked for have ended. */
  async close(): Promise<void> {
    await this.turn;
  }
}
