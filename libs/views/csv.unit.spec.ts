import { viewToCsv } from './csv.js';
import { digestsOf } from './case-digest/case-digest.js';
import { computeView, parseViewParams } from './query.js';
import type { PredictorsView } from './predictors/predictors-view.js';
import { LedgerBuilder } from './testing/case-history.js';
import { readSpecFile, storedEventsFromNdjson } from './testing/interchange.js';

const parse = (csv: string): string[][] => csv.trimEnd().split('\n').map((l) => l.split(','));

describe('viewToCsv', () => {
  const digests = [...digestsOf(storedEventsFromNdjson(readSpecFile('example-case.ndjson'))).values()];
  const params = parseViewParams({ asOf: '2021-07-01T00:00:00Z' });

  it('given the worked example, when the withdrawal view is written as CSV, then nested keys are joined with "." in JSON order', () => {
    const [header, row, ...rest] = parse(viewToCsv('withdrawal', computeView('withdrawal', digests, params)));
    expect(rest).toEqual([]);
    expect(header!.slice(0, 7)).toEqual(['cases', 'withdrawn', 'daysToWithdrawal.within7', 'daysToWithdrawal.within30', 'daysToWithdrawal.within90', 'daysToWithdrawal.over90', 'daysToWithdrawal.median']);
    expect(header).toContain('reasons.not_established');
    const cell = (name: string) => row![header!.indexOf(name)];
    expect(cell('daysToWithdrawal.median')).toBe('24.90625');
    expect(cell('outcomes.16')).toBe('1');
    expect(header!.slice(-4)).toEqual(['closed', 'outcomes.16', 'nfaOutcomes', 'victimWithdrawalOutcomesWithoutWithdrawal']);
  });

  it('given the worked example, when the timeliness view is written, then nulls are empty cells and numbers keep every digit', () => {
    const [header, row] = parse(viewToCsv('timeliness', computeView('timeliness', digests, params)));
    const cell = (name: string) => row![header!.indexOf(name)];
    expect(cell('victimDevices.retentionDays.mean')).toBe('90.12152777777777');
    expect(cell('victimDevices.extractionToExaminationDays.median')).toBe('');
    expect(cell('daysToOutcome.median')).toBe('40.947916666666664');
  });

  it('given the predictors view, then factors flatten by name with ci95 as .low and .high', () => {
    const l = new LedgerBuilder();
    l.case('a', '2021-03-01T10:00:00Z', { additionalNeeds: true }).closed('2021-04-01T10:00:00Z', 16);
    l.case('b', '2021-03-01T10:00:00Z').closed('2021-04-01T10:00:00Z', 1);
    const view = computeView('predictors', digestsOf(l.events).values(), params) as PredictorsView;
    const [header, row] = parse(viewToCsv('predictors', view));
    expect(header!.slice(0, 9)).toEqual([
      'closed', 'nfa', 'factors.accountInconsistencyNoted.with.cases', 'factors.accountInconsistencyNoted.with.nfa',
      'factors.accountInconsistencyNoted.without.cases', 'factors.accountInconsistencyNoted.without.nfa',
      'factors.accountInconsistencyNoted.oddsRatio', 'factors.accountInconsistencyNoted.ci95.low', 'factors.accountInconsistencyNoted.ci95.high',
    ]);
    expect(header).toHaveLength(2 + 6 * 7);
    const f = view.factors.find((x) => x.factor === 'additionalNeeds')!;
    expect(row![header!.indexOf('factors.additionalNeeds.oddsRatio')]).toBe(String(f.oddsRatio));
    expect(row![header!.indexOf('factors.additionalNeeds.ci95.high')]).toBe(String(f.ci95![1]));
    expect(row![header!.indexOf('factors.accountInconsistencyNoted.ci95.low')]).toBe('');
  });

  it('given groups with different outcome codes, then the columns are the union sorted numerically and missing codes are 0', () => {
    const l = new LedgerBuilder();
    l.case('a', '2021-03-01T10:00:00Z', { borough: 'A' }).closed('2021-04-01T10:00:00Z', 16);
    l.case('b', '2021-03-01T10:00:00Z', { borough: 'B' }).closed('2021-04-01T10:00:00Z', 2);
    l.case('c', '2021-03-01T10:00:00Z', { borough: 'B' }).closed('2021-04-01T10:00:00Z', 14);
    const view = computeView('withdrawal', digestsOf(l.events).values(), { ...params, groupBy: 'borough' });
    const [header, a, b] = parse(viewToCsv('withdrawal', view));
    expect(header![0]).toBe('key');
    expect(header!.filter((h) => h.startsWith('outcomes.'))).toEqual(['outcomes.2', 'outcomes.14', 'outcomes.16']);
    const at = (row: string[], name: string) => row[header!.indexOf(name)];
    expect([a![0], at(a!, 'outcomes.2'), at(a!, 'outcomes.14'), at(a!, 'outcomes.16')]).toEqual(['A', '0', '0', '1']);
    expect([b![0], at(b!, 'outcomes.2'), at(b!, 'outcomes.14'), at(b!, 'outcomes.16')]).toEqual(['B', '1', '1', '0']);
  });

  it('given an empty grouped cohort, then the CSV is the header row only', () => {
    const csv = viewToCsv('disproportionality', { groups: [] });
    expect(csv.split('\n')).toEqual([expect.stringMatching(/^key,cases,casesWithVictimDeviceRequest,/), '']);
  });

  it('given group keys with commas, quotes or a leading formula character, then they are quoted and neutralised', () => {
    const l = new LedgerBuilder();
    l.case('a', '2021-03-01T10:00:00Z', { team: 'North, "East"' });
    l.case('b', '2021-03-01T10:00:00Z', { team: '=HYPERLINK("x")' });
    const csv = viewToCsv('withdrawal', computeView('withdrawal', digestsOf(l.events).values(), { ...params, groupBy: 'team' }));
    const lines = csv.split('\n');
    expect(lines[1]!.startsWith(`"'=HYPERLINK(""x"")",1,`)).toBe(true); // "=" sorts before "N"
    expect(lines[2]!.startsWith('"North, ""East""",1,')).toBe(true);
  });
});
