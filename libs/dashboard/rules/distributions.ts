// The two distributions the dashboard draws and the views only summarise (docs/worklists.md,
// "Distributions"): days from report to the withdrawal in effect, as a cumulative count per day;
// and how long victims' devices were (or still are) held, in bins around the 24-hour line. Both
// are plain re-countings of the views' own per-case facts, so their marks equal the views' figures:
// cumulative[7] = withdrawal.daysToWithdrawal.within7, cumulative[30] = within30, cumulative[90] = within90.
import type { CaseFacts } from '../../views/case-digest/case-facts.js';
import { MS_PER_DAY } from '../../views/domain/calendar.js';

/** The per-case facts the distributions read (a subset of CaseFacts). */
export type DistributionFacts = Pick<CaseFacts, 'daysToWithdrawal' | 'vdRetentionDays' | 'vdHeldUnreturnedSeizedMs'>;

/** Upper bounds (days, inclusive) of the retention bins; the last bin is everything above the last bound. */
export const RETENTION_BOUNDS = [1, 2, 7, 30, 90, 180, 365] as const;
export const RETENTION_BINS = ['≤ 1 day', '1–2 days', '2–7 days', '7–30 days', '30–90 days', '90–180 days', '180–365 days', '> 365 days'] as const;
/** The withdrawal curve runs from day 0 to this day; later withdrawals count in `total` only. */
export const WITHDRAWAL_CURVE_DAYS = 120;

export interface Distributions {
  withdrawals: {
    /** Withdrawals in effect among the cohort's cases (= withdrawal.withdrawn). */
    total: number;
    /** cumulative[k]: withdrawals with days(report, withdrawal) <= k, for k = 0..WITHDRAWAL_CURVE_DAYS. */
    cumulative: number[];
  };
  retention: {
    bins: string[];
    /** Victim devices returned, by days(seized, returned) (= timeliness.victimDevices.retentionDays' sample). */
    returned: number[];
    /** Victim devices still held and not replaced within 1 day of seizure, by days(seized, asOf). */
    stillHeld: number[];
  };
}

const binOf = (days: number): number => {
  for (let k = 0; k < RETENTION_BOUNDS.length; k++) if (days <= RETENTION_BOUNDS[k]!) return k;
  return RETENTION_BOUNDS.length;
};

export function aggregateDistributions(facts: Iterable<DistributionFacts>, asOfMs: number): Distributions {
  const perDay = new Array<number>(WITHDRAWAL_CURVE_DAYS + 1).fill(0);
  let total = 0;
  const returned = new Array<number>(RETENTION_BINS.length).fill(0);
  const stillHeld = new Array<number>(RETENTION_BINS.length).fill(0);
  for (const f of facts) {
    if (f.daysToWithdrawal !== null) {
      total++;
      const k = Math.ceil(f.daysToWithdrawal); // d <= k for the smallest whole k
      if (k <= WITHDRAWAL_CURVE_DAYS) perDay[Math.max(0, k)]!++;
    }
    for (const d of f.vdRetentionDays) returned[binOf(d)]!++;
    for (const s of f.vdHeldUnreturnedSeizedMs) stillHeld[binOf((asOfMs - s) / MS_PER_DAY)]!++;
  }
  const cumulative: number[] = [];
  let running = 0;
  for (const n of perDay) cumulative.push(running += n);
  return { withdrawals: { total, cumulative }, retention: { bins: [...RETENTION_BINS], returned, stillHeld } };
}
