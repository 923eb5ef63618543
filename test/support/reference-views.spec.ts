// The reference implementation against the spec's worked example (and a few cross-checks of its
// own helpers), so the property tests built on it start from a checked oracle.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoredCaseEvent } from '../../libs/case-ledger/domain/vocabulary.js';
import { referenceView, type ReferenceViewName } from './reference-views.js';

const SPEC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'spec');
const read = (name: string): string => readFileSync(join(SPEC, name), 'utf8');

function storedEvents(ndjson: string): StoredCaseEvent[] {
  return ndjson.split('\n').filter((l) => l.trim() !== '').map((line, k) => {
    const j = JSON.parse(line);
    return {
      type: j.type, data: j.data,
      metadata: { eventId: j.eventId, caseId: j.caseId, occurredAt: j.occurredAt, recordedAt: j.recordedAt },
      position: k + 1, streamVersion: k + 1,
    } as StoredCaseEvent;
  });
}

describe('reference views', () => {
  const events = storedEvents(read('example-case.ndjson'));
  const expected = JSON.parse(read('example-case.views.json'));

  it.each(['withdrawal', 'timeliness', 'disproportionality', 'predictors'] as ReferenceViewName[])(
    'given the worked example, when the reference %s view is taken at 2021-07-01, then it is exactly the published one',
    (name) => {
      const view = referenceView(name, events, { asOf: expected.asOf });
      expect(view).toEqual(expected.views[name]);
      expect(JSON.stringify(view)).toBe(JSON.stringify(expected.views[name]));
    },
  );

  it('given the worked example, when the reference withdrawal view is taken at 2021-04-01, then it is exactly the published one', () => {
    const view = referenceView('withdrawal', events, { asOf: '2021-04-01T00:00:00Z' });
    expect(JSON.stringify(view)).toBe(JSON.stringify(expected['withdrawalAsOf2021-04-01']));
  });

  it('given the worked example, when the events are shuffled, then the views are the same (positions give the ledger order)', () => {
    const shuffled = [...events].reverse();
    expect(referenceView('timeliness', shuffled, { asOf: expected.asOf })).toEqual(expected.views.timeliness);
  });

  it('given a cohort that excludes the report day, when the view is taken, then the case is not counted', () => {
    // Reported 2021-03-04 (London): [2021-03-05, …) leaves it out, [2021-03-04, 2021-03-05) keeps it.
    expect(referenceView('withdrawal', events, { asOf: expected.asOf, reportedFrom: '2021-03-05' })).toMatchObject({ cases: 0 });
    expect(referenceView('withdrawal', events, { asOf: expected.asOf, reportedFrom: '2021-03-04', reportedTo: '2021-03-05' })).toMatchObject({ cases: 1 });
  });

  it('given groupBy borough, when the view is taken, then there is one group keyed by the borough', () => {
    const view = referenceView('predictors', events, { asOf: expected.asOf, groupBy: 'borough' }) as { groups: { key: string }[] };
    expect(view.groups).toEqual([{ key: 'Lambeth', ...expected.views.predictors }]);
  });

  it('given a void of the withdrawal, when the view is taken after the void was recorded, then the case is not withdrawn', () => {
    const voiding = {
      type: 'EntryVoided', data: { eventId: '0B6F2A52-8D4E-4C1A-9A57-1F0C3E2D4A0A', reason: 'wrong case' },
      metadata: { eventId: 'f0000000-0000-4000-8000-000000000001', caseId: 'MPS-2021-004217', occurredAt: '2021-06-20T10:00:00Z', recordedAt: '2021-06-20T10:00:00Z' },
      position: 99, streamVersion: 14,
    } as StoredCaseEvent;
    expect(referenceView('withdrawal', [...events, voiding], { asOf: '2021-06-20T09:59:59.999Z' })).toMatchObject({ withdrawn: 1 });
    expect(referenceView('withdrawal', [...events, voiding], { asOf: expected.asOf })).toMatchObject({ withdrawn: 0, victimWithdrawalOutcomesWithoutWithdrawal: 1 });
  });
});
