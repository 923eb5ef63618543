// The dashboard's wire contract: the JSON each endpoint the page reads answers. Type-only and free of
// Node and Nest, so that the page (apps/dashboard, checked from its JSDoc with DOM types) and the
// controller (whose methods return these types) are checked against the same shapes.
import type { TimelineEntry } from '../case-ledger/application/queries/timeline-entry.js';
import type { CaseFacts } from '../views/case-digest/case-facts.js';
import type { Grouped, ViewName, ViewsByName } from '../views/view-names.js';
import type { Distributions } from './rules/distributions.js';
import type { WorklistName, WorklistRow, WorklistScope } from './rules/worklist-rules.js';

export type { TimelineEntry } from '../case-ledger/application/queries/timeline-entry.js';
export type { Distributions } from './rules/distributions.js';
export type { WorklistName, WorklistRow, WorklistScope } from './rules/worklist-rules.js';
export type { GroupKey, Grouped, ViewName, ViewsByName } from '../views/view-names.js';

/** GET /views/:name (JSON): the view, or one per group with groupBy. */
export type ViewAnswer<N extends ViewName> = ViewsByName[N];
export type GroupedViewAnswer<N extends ViewName> = Grouped<ViewsByName[N]>;

/** GET /dashboard/head: the ledger head the page polls. */
export interface HeadAnswer { position: number; hash: string }

/** A force, borough and team some case is reported under (the filters' choices). */
export interface ScopeUnit { force: string; borough: string; team: string }

/** GET /dashboard/scopes. */
export interface ScopesAnswer { units: ScopeUnit[] }

/** GET /dashboard/distributions. */
export type DistributionsAnswer = Distributions;

/** Title and one-line definition of a worklist. */
export interface WorklistInfo { title: string; definition: string }

/** GET /worklists: how many rows each list has now. */
export interface WorklistSummaryAnswer {
  asOf: string;
  scope: WorklistScope;
  lists: ({ name: WorklistName; count: number } & WorklistInfo)[];
}

/** GET /worklists/:name: one list's rows now, oldest first. */
export interface WorklistAnswer extends WorklistInfo {
  name: WorklistName;
  asOf: string;
  scope: WorklistScope;
  total: number;
  offset: number;
  rows: WorklistRow[];
}

/** One case's facts and worklist entries now. */
export interface CaseSummary {
  facts: CaseFacts;
  worklists: { list: WorklistName; since: string; requestId?: string; due: boolean }[];
}

/** The case's integrity check (libs/event-store/integrity/verify-case.ts, CaseIntegrityReport). */
export interface CaseIntegrity {
  ok: boolean;
  events: number;
  firstBroken?: { position: number; problem: string };
}

/** GET /cases/:caseId/overview: the case page. */
export interface CaseOverviewAnswer {
  caseId: string;
  asOf: string;
  timeline: TimelineEntry[];
  /** null: the case's report is not in view. */
  summary: CaseSummary | null;
  integrity: CaseIntegrity;
}
