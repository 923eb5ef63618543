import { digestsOf } from '../../views/case-digest/case-digest.js';
import { caseFactsOf } from '../../views/case-digest/case-facts.js';
import { instantMs } from '../../views/domain/instant.js';
import { LedgerBuilder, viewAt } from '../../views/testing/case-history.js';
import { aggregateDistributions } from './distributions.js';

const REPORT = '2021-03-04T10:15:00Z';
const AS_OF = '2021-12-31T00:00:00Z';

describe('distributions: days to withdrawal', () => {
  it('given withdrawals at 0, exactly 7, 7 days + 1 ms, 30 and 200 days, then the cumulative curve at 7, 30 and 90 equals the view\'s buckets', () => {
    const ledger = new LedgerBuilder();
    ['2021-03-04T10:15:00Z', '2021-03-11T10:15:00Z', '2021-03-11T10:15:00.001Z', '2021-04-03T10:15:00Z', '2021-09-20T10:15:00Z']
      .forEach((at, k) => ledger.case(`C-${k}`, REPORT).withdrew(at));
    ledger.case('NOT-WITHDRAWN', REPORT);
    const d = aggregateDistributions(caseFactsOf(digestsOf(ledger.events).values(), instantMs(AS_OF)), instantMs(AS_OF));
    const view = viewAt('withdrawal', ledger, AS_OF);
    expect(d.withdrawals.total).toBe(view.withdrawn);
    expect([d.withdrawals.cumulative[0], d.withdrawals.cumulative[7], d.withdrawals.cumulative[8], d.withdrawals.cumulative[30], d.withdrawals.cumulative[90]])
      .toEqual([1, 2, 3, 4, 4]);
    expect([d.withdrawals.cumulative[7], d.withdrawals.cumulative[30], d.withdrawals.cumulative[90]])
      .toEqual([view.daysToWithdrawal.within7, view.daysToWithdrawal.within30, view.daysToWithdrawal.within90]);
  });
});

describe('distributions: victim device retention', () => {
  it('given devices returned after exactly 1 day and after 3 days, and one still held for 40 days, then each falls in its bin on the right side of the 24-hour line', () => {
    const ledger = new LedgerBuilder();
    const a = ledger.case('A', REPORT); a.victimDeviceSeized('2021-03-05T09:00:00Z'); a.returned('2021-03-06T09:00:00Z');
    const b = ledger.case('B', REPORT); b.victimDeviceSeized('2021-03-05T09:00:00Z'); b.returned('2021-03-08T09:00:00Z');
    const c = ledger.case('C', REPORT); c.victimDeviceSeized('2021-03-05T09:00:00Z');
    const asOf = instantMs('2021-04-14T09:00:00Z');
    const d = aggregateDistributions(caseFactsOf(digestsOf(ledger.events).values(), asOf), asOf);
    expect(d.retention.returned).toEqual([1, 0, 1, 0, 0, 0, 0, 0]);
    expect(d.retention.stillHeld).toEqual([0, 0, 0, 0, 1, 0, 0, 0]);
  });
});
