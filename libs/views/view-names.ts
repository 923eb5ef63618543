// The views' names and result shapes, shared by query.ts and csv.ts.
import type { DisproportionalityView } from './disproportionality/disproportionality-view.js';
import type { PredictorsView } from './predictors/predictors-view.js';
import type { TimelinessView } from './timeliness/timeliness-view.js';
import type { WithdrawalView } from './withdrawal/withdrawal-view.js';

export const VIEW_NAMES = ['withdrawal', 'timeliness', 'disproportionality', 'predictors'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

export const GROUP_KEYS = ['force', 'borough', 'team', 'ageBand', 'additionalNeeds', 'relationship'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

export interface ViewsByName {
  withdrawal: WithdrawalView;
  timeliness: TimelinessView;
  disproportionality: DisproportionalityView;
  predictors: PredictorsView;
}
export type AnyView = ViewsByName[ViewName];
/** A grouped view: one entry per group key present in the cohort, sorted by key (code point order). */
export interface Grouped<V> { groups: ({ key: string } & V)[] }
export type ViewResult<N extends ViewName = ViewName> = ViewsByName[N] | Grouped<ViewsByName[N]>;
