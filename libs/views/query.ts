// Querying the views: parameters, cohort, grouping, and the four aggregations behind one call.
import type { CaseDigest } from './case-digest/case-digest.js';
import { caseFacts, type CaseFacts } from './case-digest/case-facts.js';
import { londonStartOfDayMs, parseIsoDate } from './domain/calendar.js';
import { instantMs } from './domain/instant.js';
import { aggregateDisproportionality } from './disproportionality/disproportionality-view.js';
import { aggregatePredictors } from './predictors/predictors-view.js';
import { aggregateTimeliness } from './timeliness/timeliness-view.js';
import { aggregateWithdrawal } from './withdrawal/withdrawal-view.js';
import { GROUP_KEYS, VIEW_NAMES, type GroupKey, type ViewName, type ViewResult, type ViewsByName } from './view-names.js';

export { viewToCsv } from './csv.js';
export { GROUP_KEYS, VIEW_NAMES } from './view-names.js';
export type { AnyView, GroupKey, Grouped, ViewName, ViewResult, ViewsByName } from './view-names.js';

export interface ViewParams {
  /** The instant the view is taken at (ms since the epoch). */
  asOfMs: number;
  /** Cohort: CaseReported.occurredAt in [reportedFromMs, reportedToMs); null = unbounded. */
  reportedFromMs: number | null;
  reportedToMs: number | null;
  force: string | null;
  borough: string | null;
  team: string | null;
  groupBy: GroupKey | null;
}

/** A bad view parameter: `param` names it, the message says what was wrong and what is allowed. */
export class ViewParamError extends Error {
  constructor(readonly param: string, message: string) {
    super(message);
    this.name = 'ViewParamError';
  }
}

/** The parameter names parseViewParams accepts (camelCase, as in views.md). */
export const VIEW_PARAM_NAMES = ['asOf', 'reportedFrom', 'reportedTo', 'force', 'borough', 'team', 'groupBy'] as const;

/**
 * Validates raw parameters (as a CLI or HTTP layer receives them). Absent, undefined or null
 * values mean "not given"; asOf defaults to `nowMs`. Throws ViewParamError naming the parameter for
 * an unknown parameter, an asOf that is not an ISO 8601 instant with offset, a date that is not
 * YYYY-MM-DD, an empty range, an empty filter, or an unknown groupBy.
 */
export function parseViewParams(raw: Readonly<Record<string, string | null | undefined>>, nowMs: number = Date.now()): ViewParams {
  for (const name of Object.keys(raw)) {
    if (!(VIEW_PARAM_NAMES as readonly string[]).includes(name) && raw[name] != null) {
      throw new ViewParamError(name, `unknown view parameter "${name}"; allowed: ${VIEW_PARAM_NAMES.join(', ')}`);
    }
  }
  const given = (name: string): string | null => {
    const v = raw[name];
    if (v == null) return null;
    if (typeof v !== 'string') throw new ViewParamError(name, `${name} must be a string`);
    return v;
  };

  let asOfMs = nowMs;
  const asOf = given('asOf');
  if (asOf !== null) {
    asOfMs = instantMs(asOf.trim());
    if (Number.isNaN(asOfMs)) {
      throw new ViewParamError('asOf', `asOf must be an ISO 8601 instant with an offset, e.g. 2021-07-01T00:00:00Z; got "${asOf}"`);
    }
  }

  const date = (name: 'reportedFrom' | 'reportedTo'): number | null => {
    const v = given(name);
    if (v === null) return null;
    const day = parseIsoDate(v.trim());
    if (day === null) throw new ViewParamError(name, `${name} must be a calendar date YYYY-MM-DD (Europe/London); got "${v}"`);
    return londonStartOfDayMs(day);
  };
  const reportedFromMs = date('reportedFrom');
  const reportedToMs = date('reportedTo');
  if (reportedFromMs !== null && reportedToMs !== null && reportedToMs <= reportedFromMs) {
    throw new ViewParamError('reportedTo', `reportedTo (${raw.reportedTo}) must be after reportedFrom (${raw.reportedFrom}): the cohort is [reportedFrom, reportedTo)`);
  }

  const filter = (name: 'force' | 'borough' | 'team'): string | null => {
    const v = given(name);
    if (v === null) return null;
    if (v.trim() === '') throw new ViewParamError(name, `${name} must not be empty`);
    return v;
  };

  let groupBy: GroupKey | null = null;
  const g = given('groupBy');
  if (g !== null) {
    if (!(GROUP_KEYS as readonly string[]).includes(g)) {
      throw new ViewParamError('groupBy', `groupBy must be one of ${GROUP_KEYS.join(', ')}; got "${g}"`);
    }
    groupBy = g as GroupKey;
  }

  return { asOfMs, reportedFromMs, reportedToMs, force: filter('force'), borough: filter('borough'), team: filter('team'), groupBy };
}

/** Whether a case belongs to the cohort the parameters describe. */
export function inCohort(f: Pick<CaseFacts, 'reportedAtMs' | 'force' | 'borough' | 'team'>, p: ViewParams): boolean {
  return (p.reportedFromMs === null || f.reportedAtMs >= p.reportedFromMs)
    && (p.reportedToMs === null || f.reportedAtMs < p.reportedToMs)
    && (p.force === null || f.force === p.force)
    && (p.borough === null || f.borough === p.borough)
    && (p.team === null || f.team === p.team);
}

/** A case's group key: the CaseReported value as a string (`additionalNeeds` gives "true"/"false"). */
export function groupKeyOf(f: CaseFacts, groupBy: GroupKey): string {
  switch (groupBy) {
    case 'force': return f.force;
    case 'borough': return f.borough;
    case 'team': return f.team;
    case 'ageBand': return f.ageBand;
    case 'additionalNeeds': return f.additionalNeeds ? 'true' : 'false';
    case 'relationship': return f.relationship;
  }
}

const AGGREGATE: { [N in ViewName]: (facts: readonly CaseFacts[], asOfMs: number) => ViewsByName[N] } = {
  withdrawal: aggregateWithdrawal,
  timeliness: aggregateTimeliness,
  disproportionality: aggregateDisproportionality,
  predictors: aggregatePredictors,
};

/**
 * String comparison by Unicode code point (views.md), not by UTF-16 code unit as `<` does: the two
 * differ when a character beyond U+FFFF (a surrogate pair) meets one in U+E000–U+FFFF.
 */
export function compareByCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x === y) continue;
    // Move surrogates (D800–DFFF) above E000–FFFF so that code units order like code points.
    if (x >= 0xd800) x += x < 0xe000 ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y < 0xe000 ? 0x2000 : -0x800;
    return x - y;
  }
  return a.length - b.length;
}
const byCodePoint = compareByCodePoint;

const isDigest = (x: CaseDigest | CaseFacts): x is CaseDigest => (x as CaseDigest).ev !== undefined;

const filtersCohort = (p: ViewParams): boolean =>
  p.reportedFromMs !== null || p.reportedToMs !== null || p.force !== null || p.borough !== null || p.team !== null;

function aggregatorOf<N extends ViewName>(name: N): (facts: readonly CaseFacts[], asOfMs: number) => ViewsByName[N] {
  const aggregate = Object.hasOwn(AGGREGATE, name) ? AGGREGATE[name] : undefined;
  if (aggregate === undefined) throw new ViewParamError('view', `unknown view "${String(name)}"; allowed: ${VIEW_NAMES.join(', ')}`);
  return aggregate as (facts: readonly CaseFacts[], asOfMs: number) => ViewsByName[N];
}

function finish<N extends ViewName>(name: N, cohort: readonly CaseFacts[], params: ViewParams): ViewResult<N> {
  const aggregate = aggregatorOf(name);
  if (params.groupBy === null) return aggregate(cohort, params.asOfMs);
  const groupBy = params.groupBy;
  const groups = new Map<string, CaseFacts[]>();
  for (let k = 0; k < cohort.length; k++) {
    const f = cohort[k]!;
    const key = groupKeyOf(f, groupBy);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [f]); else g.push(f);
  }
  return {
    groups: [...groups.keys()].sort(byCodePoint).map((key) => ({ key, ...aggregate(groups.get(key)!, params.asOfMs) })),
  };
}

/**
 * The view `name` over the cohort of `params`. Input: digests (facts are computed at
 * params.asOfMs) or facts already computed for a view that holds at params.asOfMs (see
 * factsHoldAt), or a mix; nulls (cases not in view) are skipped. With groupBy:
 * `{ groups: [{ key, ...view }] }`, groups sorted by key by code point, one per value present in
 * the cohort. For a live service's cached facts, `aggregateView` is the faster path.
 */
export function computeView<N extends ViewName>(
  name: N, input: Iterable<CaseDigest | CaseFacts | null>, params: ViewParams,
): ViewResult<N> {
  aggregatorOf(name);
  const cohort: CaseFacts[] = [];
  for (const x of input) {
    if (x === null) continue;
    const f = isDigest(x) ? caseFacts(x, params.asOfMs) : x;
    if (f !== null && inCohort(f, params)) cohort.push(f);
  }
  return finish(name, cohort, params);
}

/**
 * computeView for facts already computed (e.g. a live service's facts for "now", each valid at
 * params.asOfMs: see factsHoldAt). No copy of the array when the parameters filter nothing.
 */
export function aggregateView<N extends ViewName>(name: N, facts: readonly CaseFacts[], params: ViewParams): ViewResult<N> {
  return finish(name, filtersCohort(params) ? facts.filter((f) => inCohort(f, params)) : facts, params);
}
