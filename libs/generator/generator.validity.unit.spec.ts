// Every generated line must be one the ledger accepts: the shape (interchange.ts parseEventLine) and the
// order rules (decider.ts validateAppend), fed in the generated (ledger) order, case by case.
import { evolve, initialState, validateAppend, type CaseState } from '../case-ledger/domain/decider.js';
import { orderedData, parseEventLine } from '../case-ledger/domain/interchange.js';
import type { EventType } from '../case-ledger/domain/vocabulary.js';
import { DEFAULT_UNTIL, generateNdjson, type GenerateOptions } from './generator.js';

const TOP_LEVEL = ['eventId', 'caseId', 'type', 'occurredAt', 'recordedAt', 'actor', 'data'];
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})$/;

interface Report {
  lines: number;
  cases: number;
  refusals: string[];
  problems: string[];
}

/** Parses and appends every line of a run as the ledger would, appendedAt a second after `until`. */
function ingest(options: GenerateOptions): Report {
  const until = Date.parse(typeof options.until === 'string' ? options.until : DEFAULT_UNTIL);
  const ctx = { appendedAt: until + 1000, newEventId: (): string => { throw new Error('every generated line has an eventId'); } };
  const report: Report = { lines: 0, cases: 0, refusals: [], problems: [] };
  const eventIds = new Set<string>();
  const caseIds = new Set<string>();
  let state: CaseState = initialState();
  let caseId = '';
  const problem = (msg: string, text: string): void => {
    if (report.problems.length < 20) report.problems.push(`${msg}\n    ${text}`);
  };
  for (const text of generateNdjson(options)) {
    report.lines++;
    const value = JSON.parse(text) as Record<string, unknown>;
    // the line's own shape, beyond what the parser checks: key order, eventId and recordedAt always present
    const keys = Object.keys(value);
    const expectedKeys = TOP_LEVEL.filter((k) => k !== 'actor' || 'actor' in value);
    if (keys.join() !== expectedKeys.join()) problem(`keys ${keys.join()} not in the format's order`, text);
    if (typeof value['eventId'] !== 'string' || eventIds.has(value['eventId'] as string)) problem('eventId missing or repeated', text);
    eventIds.add(value['eventId'] as string);
    for (const k of ['occurredAt', 'recordedAt'] as const) {
      const v = value[k];
      if (typeof v !== 'string' || !INSTANT.test(v)) problem(`${k} not an instant with Z or offset, at most ms`, text);
      else if (Date.parse(v) > until) problem(`${k} after until`, text);
    }
    const data = value['data'] as Record<string, unknown>;
    if (JSON.stringify(orderedData(value['type'] as EventType, data as never)) !== JSON.stringify(data)) problem('data keys not in the spec order', text);

    const parsed = parseEventLine(value, ctx);
    if (!parsed.ok) {
      if (report.refusals.length < 20) report.refusals.push(`${parsed.error.code}: ${parsed.error.message}\n    ${text}`);
      continue;
    }
    const event = parsed.event;
    if (event.metadata.caseId !== caseId) {
      caseId = event.metadata.caseId;
      if (caseIds.has(caseId)) problem('case ids not unique or cases interleaved', text);
      caseIds.add(caseId);
      report.cases++;
      state = initialState();
    }
    try {
      validateAppend(state, event);
    } catch (err) {
      const e = err as Error & { code?: string };
      if (report.refusals.length < 20) report.refusals.push(`${e.code ?? e.name}: ${e.message}\n    ${text}`);
    }
    state = evolve(state, event);
  }
  return report;
}

describe('generator: every line is valid and every case history obeys the order rules', () => {
  it('2,000 cases (default window): zero refusals by parseEventLine and validateAppend', () => {
    const r = ingest({ cases: 2000, seed: 'validity' });
    expect(r.cases).toBe(2000);
    expect(r.lines).toBeGreaterThan(2000 * 30);
    expect(r.problems).toEqual([]);
    expect(r.refusals).toEqual([]);
  }, 180_000); // about 5 s of CPU; generous for a loaded CI machine

  it('a short window ending mid-2024 (many cases still open at until): zero refusals', () => {
    const r = ingest({ cases: 500, seed: 'validity-short', reportedFrom: '2024-01-01T00:00:00Z', until: '2024-07-01T00:00:00Z' });
    expect(r.cases).toBe(500);
    expect(r.problems).toEqual([]);
    expect(r.refusals).toEqual([]);
  }, 180_000);
});
