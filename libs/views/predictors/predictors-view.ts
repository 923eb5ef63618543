// Attrition predictors view (views.md): 2×2 tables of NFA against each factor, over closed cohort cases.
import type { CaseFacts } from '../case-digest/case-facts.js';

export const PREDICTOR_FACTORS = [
  'accountInconsistencyNoted', 'victimDeviceRequested', 'nonRecent', 'isvaEngagedWithin30Days',
  'additionalNeeds', 'strangerRelationship',
] as const;
export type PredictorFactor = (typeof PREDICTOR_FACTORS)[number];

export interface FactorRow {
  factor: PredictorFactor;
  with: { cases: number; nfa: number };
  without: { cases: number; nfa: number };
  oddsRatio: number | null;
  ci95: [number, number] | null;
}

export interface PredictorsView { closed: number; nfa: number; factors: FactorRow[] }

/**
 * Odds ratio of NFA with the factor against without it, with views.md's rule: a = nfa with,
 * b = not nfa with, c = nfa without, d = not nfa without; if any cell is 0 add 0.5 to each;
 * OR = (a·d)/(b·c); ci95 = exp(ln OR ± 1.96·sqrt(1/a + 1/b + 1/c + 1/d)). Null when a side has no cases.
 */
export function oddsRatio(a: number, b: number, c: number, d: number): { oddsRatio: number | null; ci95: [number, number] | null } {
  if (a + b === 0 || c + d === 0) return { oddsRatio: null, ci95: null };
  if (a === 0 || b === 0 || c === 0 || d === 0) { a += 0.5; b += 0.5; c += 0.5; d += 0.5; }
  const or = (a * d) / (b * c);
  const lnOr = Math.log(or);
  const se = Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d);
  return { oddsRatio: or, ci95: [Math.exp(lnOr - 1.96 * se), Math.exp(lnOr + 1.96 * se)] };
}

/** Nothing in this view measures time up to asOf: `_asOfMs` is taken for a uniform signature. */
export function aggregatePredictors(facts: readonly CaseFacts[], _asOfMs: number): PredictorsView {
  // Counters by factor, in PREDICTOR_FACTORS order: cases with the factor, and NFA among them.
  const withCases = new Int32Array(PREDICTOR_FACTORS.length), withNfa = new Int32Array(PREDICTOR_FACTORS.length);
  let closed = 0, nfa = 0;
  for (let i = 0; i < facts.length; i++) {
    const f = facts[i]!;
    if (!f.closed) continue;
    closed++;
    const x = f.nfa ? 1 : 0;
    nfa += x;
    if (f.accountInconsistencyNoted) { withCases[0]!++; withNfa[0]! += x; }
    if (f.victimDeviceRequests > 0) { withCases[1]!++; withNfa[1]! += x; }
    if (f.nonRecent) { withCases[2]!++; withNfa[2]! += x; }
    if (f.isvaEngagedWithin30Days) { withCases[3]!++; withNfa[3]! += x; }
    if (f.additionalNeeds) { withCases[4]!++; withNfa[4]! += x; }
    if (f.relationship === 'stranger') { withCases[5]!++; withNfa[5]! += x; }
  }
  const factors = PREDICTOR_FACTORS.map((factor, k): FactorRow => {
    const wc = withCases[k]!, wn = withNfa[k]!;
    const oc = closed - wc, on = nfa - wn;
    return { factor, with: { cases: wc, nfa: wn }, without: { cases: oc, nfa: on }, ...oddsRatio(wn, wc - wn, on, oc - on) };
  });
  return { closed, nfa, factors };
}
