// The dashboard's read model: per case, its worklist candidates and the few facts the distributions
// count, derived from the durable case digests (libs/projections, decoded by the projection itself) and kept in
// memory. Loaded by one scan of the digests; afterwards, each query first brings the digest
// projection up to the log's head, then re-derives only the cases whose events arrived since (read
// from the global log between the position it last saw and the projection's checkpoint).
import type { EventStore } from '../event-store/port.js';
import type { CaseViews } from '../projections/case-views.js';
import { caseDigestProjection } from '../projections/case-digest-projection.js';
import type { ReadModelStore } from '../projections/read-model-store.js';
import type { CaseDigest } from '../views/case-digest/case-digest.js';
import { caseFacts } from '../views/case-digest/case-facts.js';
import { compareByCodePoint, inCohort, type ViewParams } from '../views/query.js';
import type { CaseSummary, ScopeUnit } from './dashboard-api.js';
import { aggregateDistributions, type DistributionFacts, type Distributions } from './rules/distributions.js';
import {
  isDue, worklistCounts, worklistEntry, worklistRows, type CaseWorklistEntry, type WorklistName, type WorklistRow, type WorklistScope,
} from './rules/worklist-rules.js';

/** Above this many changed cases, one scan of every digest beats loading them by key. */
const RESCAN_THRESHOLD = 5000;
const LOG_PAGE = 5000;

interface CaseRow extends CaseWorklistEntry, DistributionFacts {}

function rowOf(digest: CaseDigest): CaseRow | null {
  const entry = worklistEntry(digest);
  const facts = caseFacts(digest, Number.POSITIVE_INFINITY);
  if (entry === null || facts === null) return null;
  return {
    ...entry,
    daysToWithdrawal: facts.daysToWithdrawal,
    vdRetentionDays: facts.vdRetentionDays,
    vdHeldUnreturnedSeizedMs: facts.vdHeldUnreturnedSeizedMs,
  };
}


export class DashboardIndex {
  private rows = new Map<string, CaseRow>();
  /** Log position the rows reflect (every case with an event at or before it is re-derived). */
  private position = -1;
  private refreshing: Promise<void> | undefined;
  private scopeList: { at: number; units: ScopeUnit[] } | undefined;

  constructor(
    private readonly events: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly views: CaseViews,
  ) {}

  /** Brings the digests and this index up to the log's head; the ledger position reached. */
  async current(): Promise<number> {
    await this.views.catchUp();
    // One refresh at a time; a caller arriving during one waits for it and then runs its own.
    const run = (this.refreshing ?? Promise.resolve()).then(() => this.refresh());
    this.refreshing = run.catch(() => {});
    await run;
    return this.position;
  }

  private async refresh(): Promise<void> {
    const cp = await this.views.checkpoint();
    if (cp.position === this.position) return;
    if (this.position < 0 || cp.position < this.position) return this.rescan(cp.position);
    const changed = new Set<string>();
    for (let from = this.position + 1; from <= cp.position;) {
      const page = await this.events.readAll({ fromPosition: from, limit: Math.min(LOG_PAGE, cp.position - from + 1) });
      if (!page.length) break;
      for (const e of page) changed.add(e.metadata.caseId);
      if (changed.size > RESCAN_THRESHOLD) return this.rescan(cp.position);
      from = page[page.length - 1]!.position + 1;
    }
    const states = await this.readModels.load(caseDigestProjection.name, [...changed]);
    for (const key of changed) {
      const state = states.get(key);
      const row = state === undefined ? null : rowOf(caseDigestProjection.decodeState(state));
      if (row === null) this.rows.delete(key); else this.rows.set(key, row);
    }
    this.position = cp.position;
  }

  private async rescan(position: number): Promise<void> {
    const rows = new Map<string, CaseRow>();
    await this.readModels.scanStates(caseDigestProjection.name, (page) => {
      for (const r of page) {
        const row = rowOf(caseDigestProjection.decodeState(r));
        if (row !== null) rows.set(r.key, row);
      }
    });
    this.rows = rows;
    this.position = position;
  }

  async counts(scope: WorklistScope, nowMs: number): Promise<Record<WorklistName, number>> {
    await this.current();
    return worklistCounts(this.rows.values(), scope, nowMs);
  }

  async worklist(list: WorklistName, scope: WorklistScope, nowMs: number): Promise<WorklistRow[]> {
    await this.current();
    return worklistRows(this.rows.values(), list, scope, nowMs);
  }

  /** The distributions over the cohort of `params` (its asOf is the instant still-held devices are measured to). */
  async distributions(params: ViewParams): Promise<Distributions> {
    await this.current();
    const cohort: CaseRow[] = [];
    for (const r of this.rows.values()) if (inCohort(r, params)) cohort.push(r);
    return aggregateDistributions(cohort, params.asOfMs);
  }

  /** Every (force, borough, team) some case is reported under, sorted; recomputed only when the log moved. */
  async scopes(): Promise<ScopeUnit[]> {
    const position = await this.current();
    if (this.scopeList?.at !== position) {
      const seen = new Map<string, ScopeUnit>();
      for (const r of this.rows.values()) {
        const key = `${r.force}\u0000${r.borough}\u0000${r.team}`;
        if (!seen.has(key)) seen.set(key, { force: r.force, borough: r.borough, team: r.team });
      }
      const units = [...seen.values()].sort((a, b) =>
        compareByCodePoint(a.force, b.force) || compareByCodePoint(a.borough, b.borough) || compareByCodePoint(a.team, b.team));
      this.scopeList = { at: position, units };
    }
    return this.scopeList.units;
  }

  /** One case's facts and worklist entries at `nowMs`, from its stored digest (null: no such case). */
  async caseSummary(caseId: string, nowMs: number): Promise<CaseSummary | null> {
    await this.views.catchUp();
    const state = (await this.readModels.load(caseDigestProjection.name, [caseId])).get(caseId);
    if (state === undefined) return null;
    const digest = caseDigestProjection.decodeState(state);
    const facts = caseFacts(digest, nowMs);
    const entry = worklistEntry(digest, nowMs);
    if (facts === null || entry === null) return null;
    return {
      facts,
      worklists: entry.candidates.map((c) => ({
        list: c.list, since: new Date(c.sinceMs).toISOString(), due: isDue(c, nowMs), ...(c.requestId !== undefined ? { requestId: c.requestId } : {}),
      })),
    };
  }
}
