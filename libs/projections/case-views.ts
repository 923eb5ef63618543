import type { EventStore } from '../event-store/port.js';
import type { CaseDigest } from '../views/case-digest/case-digest.js';
import { decodeFacts } from '../views/case-digest/digest-codec.js';
import { caseFacts, factsHoldAt, type CaseFacts } from '../views/case-digest/case-facts.js';
import { aggregateView, computeView, type ViewName, type ViewParams, type ViewResult } from '../views/query.js';
import type { Checkpoint, ReadModelStore } from './read-model-store.js';
import { ProjectionRunner, type Progress, type Projector } from './projection-runner.js';
import { caseDigestProjection } from './case-digest-projection.js';
import { ProjectionThread } from './projection-thread.js';
import type { LedgerConfig } from '../case-ledger/ledger-config.js';

/** Digests fetched per round trip when cases are recomputed for a past asOf. */
const LOAD_CHUNK = 2000;

export interface ViewAnswer<N extends ViewName = ViewName> {
  view: ViewResult<N>;
  /** Log position the read model had reached, and how many cases were recomputed for this asOf. */
  position: number;
  replayedCases: number;
}

/**
 * The inspectors' views over the durable case-digest read model. Facts for "now" are kept in memory
 * (loaded from the read model on first use, refreshed by each projection commit); a case whose view
 * at the requested asOf differs (events recorded after asOf) is recomputed from its stored digest,
 * so a view at any asOf is exact.
 */
export class CaseViews {
  /** What folds the log into the read model: a runner in this thread, or one on a worker thread. */
  readonly projector: Projector;
  private readonly thread: ProjectionThread | undefined;
  private facts: Map<string, CaseFacts> | undefined;
  private loading: Promise<Map<string, CaseFacts>> | undefined;
  /** The cached facts as an array, rebuilt only after a commit changed them. */
  private factsList: CaseFacts[] | undefined;

  constructor(
    events: EventStore,
    private readonly readModels: ReadModelStore,
    options: {
      batchSize?: number;
      onCommit?: (checkpoint: Checkpoint) => void;
      /**
       * Fold on a worker thread with its own connections to these stores (the same ones `events` and
       * `readModels` reach), instead of in this thread.
       */
      thread?: { config: LedgerConfig; entry?: URL };
    } = {},
  ) {
    const committed = (keys: string[], facts: (i: number) => CaseFacts | null, checkpoint: Checkpoint) => {
      options.onCommit?.(checkpoint);
      this.factsList = undefined;
      if (!this.facts) return;
      for (let i = 0; i < keys.length; i++) {
        const f = facts(i);
        if (f === null) this.facts.delete(keys[i]!);
        else this.facts.set(keys[i]!, f);
      }
    };
    if (options.thread) {
      this.thread = new ProjectionThread(options.thread.config, {
        committed: (keys, facts, checkpoint) => committed(keys, (i) => decodeFacts(facts[i]!), checkpoint),
        lost: () => {
          // A commit of the stopped worker may not have reached the cache: load it again.
          this.facts = undefined;
          this.loading = undefined;
          this.factsList = undefined;
        },
      }, options.thread.entry);
      this.projector = this.thread;
    } else {
      this.projector = new ProjectionRunner(events, readModels, caseDigestProjection, {
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        onCommit: (rows, checkpoint) => committed(rows.map((r) => r.key), (i) => rows[i]!.facts, checkpoint),
      });
    }
  }

  /** The read model's checkpoint, as the facts cache knows it. */
  checkpoint(): Promise<Checkpoint> {
    return this.projector.checkpoint();
  }

  catchUp(onProgress?: (p: Progress) => void): Promise<Checkpoint> {
    return this.projector.catchUp(onProgress);
  }

  async rebuild(onProgress?: (p: Progress) => void): Promise<Checkpoint> {
    this.facts = undefined;
    this.loading = undefined;
    this.factsList = undefined;
    return this.projector.rebuild(onProgress);
  }

  follow(signal: AbortSignal, onError?: (e: unknown) => void): Promise<void> {
    return this.projector.follow(signal, onError);
  }

  /** Ends the projection thread, if any. */
  async close(): Promise<void> {
    await this.thread?.close();
  }

  /** The facts cache, loaded once from the read model (from the worker, when it folds: in step with its commits). */
  private async cachedFacts(): Promise<Map<string, CaseFacts>> {
    if (this.facts) return this.facts;
    this.loading ??= (async () => {
      const map = new Map<string, CaseFacts>();
      if (this.thread) {
        const { keys, facts } = await this.thread.allFacts();
        for (let i = 0; i < keys.length; i++) {
          const f = decodeFacts(facts[i]!);
          if (f !== null) map.set(keys[i]!, f);
        }
      } else {
        await this.readModels.scanFacts(caseDigestProjection.name, (rows) => {
          for (const r of rows) {
            const f = decodeFacts(r.facts);
            if (f !== null) map.set(r.key, f);
          }
        });
      }
      this.facts = map;
      return map;
    })();
    return this.loading;
  }

  async query<N extends ViewName>(name: N, params: ViewParams): Promise<ViewAnswer<N>> {
    const facts = await this.cachedFacts();
    // After the facts: the checkpoint they hold at (a commit between the two awaits updates both).
    const cp = await this.checkpoint();
    if (params.asOfMs >= cp.maxRecordedAt) {
      // Nothing in the read model was recorded after asOf: every case's cached facts hold as they are.
      this.factsList ??= [...facts.values()];
      return { view: aggregateView(name, this.factsList, params), position: cp.position, replayedCases: 0 };
    }
    const input: CaseFacts[] = [];
    const replay: string[] = [];
    for (const [key, f] of facts) {
      if (factsHoldAt(f, params.asOfMs)) input.push(f);
      // Events recorded after asOf: recompute this case's facts at asOf from its digest, unless it
      // cannot be in view at all (reported after asOf, so its report was recorded after it too).
      else if (f.reportedAtMs <= params.asOfMs) replay.push(key);
    }
    // Their digests, fetched by key in chunks (sorted: neighbouring rows), the next chunk read while
    // this one is recomputed.
    replay.sort();
    const load = (from: number) => {
      const pending = this.readModels.load(caseDigestProjection.name, replay.slice(from, from + LOAD_CHUNK));
      pending.catch(() => {}); // awaited below, unless an earlier chunk failed
      return pending;
    };
    for (let from = 0, next = replay.length ? load(0) : null; next !== null; from += LOAD_CHUNK) {
      const rows = await next;
      next = from + LOAD_CHUNK < replay.length ? load(from + LOAD_CHUNK) : null;
      for (const s of rows.values()) {
        const f = caseFacts(caseDigestProjection.decodeState(s), params.asOfMs);
        if (f !== null) input.push(f);
      }
    }
    return { view: computeView(name, input, params), position: cp.position, replayedCases: replay.length };
  }
}
