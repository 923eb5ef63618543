// GOLDEN: the spec's worked example (example-case.ndjson → example-case.views.json), exactly.
import { digestsOf } from './case-digest/case-digest.js';
import { computeView, parseViewParams, VIEW_NAMES } from './query.js';
import { readSpecFile, storedEventsFromNdjson } from './testing/interchange.js';

describe('the worked example of views.md', () => {
  const events = storedEventsFromNdjson(readSpecFile('example-case.ndjson'));
  const expected = JSON.parse(readSpecFile('example-case.views.json'));
  const digests = [...digestsOf(events).values()];

  it.each(VIEW_NAMES)('given example-case.ndjson, when the %s view is taken at 2021-07-01, then it is exactly the published one', (name) => {
    const view = computeView(name, digests, parseViewParams({ asOf: expected.asOf }));
    expect(view).toEqual(expected.views[name]);
    // Same keys in the same order as the published JSON.
    expect(JSON.stringify(view)).toBe(JSON.stringify(expected.views[name]));
  });

  it('given example-case.ndjson, when the withdrawal view is taken at 2021-04-01 (before the withdrawal was recorded), then it is exactly the published one', () => {
    const view = computeView('withdrawal', digests, parseViewParams({ asOf: '2021-04-01T00:00:00Z' }));
    expect(view).toEqual(expected['withdrawalAsOf2021-04-01']);
    expect(JSON.stringify(view)).toBe(JSON.stringify(expected['withdrawalAsOf2021-04-01']));
  });
});
