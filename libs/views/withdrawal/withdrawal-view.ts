// Withdrawal view (views.md): an aggregation of cohort cases' facts.
import { NFA_OUTCOMES, WITHDRAWAL_REASONS } from '../../case-ledger/domain/vocabulary.js';
import type { CaseFacts } from '../case-digest/case-facts.js';
import { medianInPlace, Samples } from '../domain/stats.js';

export type WithdrawalReasonCounts = { [K in (typeof WITHDRAWAL_REASONS)[number]]: number };

export interface WithdrawalView {
  cases: number;
  withdrawn: number;
  daysToWithdrawal: { within7: number; within30: number; within90: number; over90: number; median: number | null };
  reasons: WithdrawalReasonCounts;
  withdrawnBeforeIsvaEngaged: number;
  withdrawnAfterVictimDeviceRequest: number;
  unconfirmedWithdrawals: number;
  withdrawnWhileInterviewPending: number;
  closed: number;
  outcomes: Record<string, number>;
  nfaOutcomes: number;
  victimWithdrawalOutcomesWithoutWithdrawal: number;
}

const REASON_INDEX = new Map<string, number>(WITHDRAWAL_REASONS.map((r, k) => [r, k]));

/** Nothing in this view measures time up to asOf: `_asOfMs` is taken for a uniform signature. */
export function aggregateWithdrawal(facts: readonly CaseFacts[], _asOfMs: number): WithdrawalView {
  let withdrawn = 0, within7 = 0, within30 = 0, within90 = 0, over90 = 0;
  let beforeIsva = 0, afterDeviceRequest = 0, unconfirmed = 0, interviewPending = 0;
  let closed = 0, nfa = 0, outcomesWithoutWithdrawal = 0;
  const reasonCounts = new Array<number>(WITHDRAWAL_REASONS.length).fill(0);
  const outcomeCounts = new Int32Array(24);           // Home Office outcome codes 1–23
  const otherOutcomes = new Map<number, number>();     // anything else (cannot be recorded)
  const daysList = new Samples(facts.length);

  for (let k = 0; k < facts.length; k++) {
    const f = facts[k]!;
    if (f.withdrawn) {
      withdrawn++;
      const d = f.daysToWithdrawal!;
      daysList.push(d);
      if (d <= 7) within7++;
      if (d <= 30) within30++;
      if (d <= 90) within90++; else over90++;
      const r = REASON_INDEX.get(f.withdrawalReason!);
      if (r !== undefined) reasonCounts[r]!++;
      if (f.withdrawnBeforeIsvaEngaged) beforeIsva++;
      if (f.withdrawnAfterVictimDeviceRequest) afterDeviceRequest++;
      if (f.withdrawalUnconfirmed) unconfirmed++;
      if (f.withdrawnWhileInterviewPending) interviewPending++;
    }
    if (f.closed) {
      closed++;
      const code = f.outcomeCode!;
      if (code >= 0 && code < 24 && Number.isInteger(code)) outcomeCounts[code]!++;
      else otherOutcomes.set(code, (otherOutcomes.get(code) ?? 0) + 1);
      if (NFA_OUTCOMES.has(code)) nfa++;
      if ((code === 14 || code === 16) && !f.withdrawn) outcomesWithoutWithdrawal++;
    }
  }

  const reasons = {} as WithdrawalReasonCounts;
  WITHDRAWAL_REASONS.forEach((r, k) => { reasons[r] = reasonCounts[k]!; });
  const outcomes: Record<string, number> = {};
  const counts = new Map(otherOutcomes);
  outcomeCounts.forEach((count, code) => { if (count > 0) counts.set(code, count); });
  for (const code of [...counts.keys()].sort((a, b) => a - b)) outcomes[String(code)] = counts.get(code)!;

  return {
    cases: facts.length,
    withdrawn,
    daysToWithdrawal: { within7, within30, within90, over90, median: medianInPlace(daysList.values()) },
    reasons,
    withdrawnBeforeIsvaEngaged: beforeIsva,
    withdrawnAfterVictimDeviceRequest: afterDeviceRequest,
    unconfirmedWithdrawals: unconfirmed,
    withdrawnWhileInterviewPending: interviewPending,
    closed,
    outcomes,
    nfaOutcomes: nfa,
    victimWithdrawalOutcomesWithoutWithdrawal: outcomesWithoutWithdrawal,
  };
}
