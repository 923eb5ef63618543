import type { EventStore } from '../event-store/port.js';
import type { CaseDigest } from '../views/case-digest/case-digest.js';
import { caseFacts, factsHoldAt, type CaseFacts } from '../views/case-digest/case-facts.js';
import { aggregateView, computeView, type ViewName, type ViewParams, type ViewResult } from '../views/query.js';
import type { Checkpoint, ReadModelStore } from './read-model-store.js';
import { ProjectionRunner, type Progress } from './projection-runner.js';
import { caseDigestProjection } from './case-digest-projection.js';

/** Above this many cases needing a replay, one scan of every digest beats fetching them by key. */
const SCAN_THRESHOLD = 2000;

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
  readonly runner: ProjectionRunner<CaseDigest>;
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
          else this.facts.set(r.key, r.facts as CaseFacts);
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
          const f = JSON.parse(r.facts) as CaseFacts | null;
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
    if (replay.length) {
      const recompute = (state: string) => {
        const f = caseFacts(JSON.parse(state) as CaseDigest, params.asOfMs);
        if (f !== null) input.push(f);
      };
      if (replay.length > SCAN_THRESHOLD) {
        const wanted = new Set(replay);
        await this.readModels.scanStates(caseDigestProjection.name, (rows) => {
          for (const r of rows) if (wanted.has(r.key)) recompute(r.state);
        });
      } else {
        for (const state of (await this.readModels.load(caseDigestProjection.name, replay)).values()) recompute(state);
      }
    }
    return { view: computeView(name, input, params), position: cp.position, replayedCases: replay.length };
  }
}
