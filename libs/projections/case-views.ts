import type { EventStore } from '../event-store/port.js';
import type { CaseDigest } from '../views/case-digest/case-digest.js';
import { decodeDigest, decodeFacts } from '../views/case-digest/digest-codec.js';
import { caseFacts, factsHoldAt, type CaseFacts } from '../views/case-digest/case-facts.js';
import { aggregateView, computeView, type ViewName, type ViewParams, type ViewResult } from '../views/query.js';
import type { Checkpoint, ReadModelStore } from './read-model-store.js';
import { ProjectionRunner, type Progress } from './projection-runner.js';
import { caseDigestProjection } from './case-digest-projection.js';

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
  readonly runner: ProjectionRunner<CaseDigest, CaseFacts | null>;
  private facts: Map<string, CaseFacts> | undefined;
  private loading: Promise<Map<string, CaseFacts>> | undefined;
  /** The cached facts as an array, rebuilt only after a commit changed them. */
  private factsList: CaseFacts[] | undefined;

  constructor(
    events: EventStore,
    private readonly readModels: ReadModelStore,
    options: { batchSize?: number; onCommit?: (checkpoint: Checkpoint) => void } = {},
  ) {
    this.runner = new ProjectionRunner(events, readModels, caseDigestProjection, {
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      onCommit: (rows, checkpoint) => {
        options.onCommit?.(checkpoint);
        this.factsList = undefined;
        if (!this.facts) return;
        for (const r of rows) {
          if (r.facts === null) this.facts.delete(r.key);
          else this.facts.set(r.key, r.facts);
        }
      },
    });
  }

  catchUp(onProgress?: (p: Progress) => void): Promise<Checkpoint> {
    return this.runner.catchUp(onProgress);
  }

  async rebuild(onProgress?: (p: Progress) => void): Promise<Checkpoint> {
    this.facts = undefined;
    this.loading = undefined;
    this.factsList = undefined;
    return this.runner.rebuild(onProgress);
  }

  follow(signal: AbortSignal, onError?: (e: unknown) => void): Promise<void> {
    return this.runner.follow(signal, onError);
  }

  /** The facts cache, loaded once from the read model. */
  private async cachedFacts(): Promise<Map<string, CaseFacts>> {
    if (this.facts) return this.facts;
    this.loading ??= (async () => {
      const map = new Map<string, CaseFacts>();
      await this.readModels.scanFacts(caseDigestProjection.name, (rows) => {
        for (const r of rows) {
          const f = decodeFacts(r.facts);
          if (f !== null) map.set(r.key, f);
        }
      });
      this.facts = map;
      return map;
    })();
    return this.loading;
  }

  async query<N extends ViewName>(name: N, params: ViewParams): Promise<ViewAnswer<N>> {
    const cp = await this.runner.checkpoint();
    const facts = await this.cachedFacts();
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
      for (const state of rows.values()) {
        const f = caseFacts(decodeDigest(state), params.asOfMs);
        if (f !== null) input.push(f);
      }
    }
    return { view: computeView(name, input, params), position: cp.position, replayedCases: replay.length };
  }
}
