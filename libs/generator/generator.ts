// Deterministic synthetic case histories in the interchange format v1 (shared/spec/events.md).
//
//   for (const line of generateCases({ cases: 20_000, seed: 'bench' })) …   // interchange-line objects
//   for (const text of generateNdjson({ cases: 20_000, seed: 'bench' })) … // the same as JSON text lines
//
// Same options → byte-identical output. Output is case by case; within a case, ledger order (recordedAt,
// ties by occurredAt), so a few late-recorded events appear after events that occurred later. It streams:
// one case is held in memory at a time. Calibration: see calibration.ts.
import type { Actor, EventDataMap, EventType } from '../case-ledger/domain/vocabulary.js';
import { simulateCase, type CaseContext } from './case-simulator.js';
import { hashSeed } from './prng.js';
import { lineToJson } from './serialize.js';
import { parseInstant } from './time.js';

/** Default generation "now": nothing occurs or is recorded after it. */
export const DEFAULT_UNTIL = '2026-01-01T00:00:00Z';
/** Default start of the reports. */
export const DEFAULT_REPORTED_FROM = '2023-01-01T00:00:00Z';

export interface GenerateOptions {
  /** Number of cases to generate. */
  cases: number;
  /** Any string (or number): the same seed gives the same output, byte for byte. */
  seed: string | number;
  /** The generation's "now" (default 2026-01-01T00:00:00Z): nothing occurs or is recorded after it. */
  until?: string | Date;
  /** Reports are spread uniformly over [reportedFrom, until) (default 2023-01-01T00:00:00Z). */
  reportedFrom?: string | Date;
  /**
   * Index of the first case (default 0). Case k depends only on the seed, the window and k, so
   * `{ firstCase: 10_000, cases: 10_000 }` is exactly the second half of `{ cases: 20_000 }`: shard freely.
   */
  firstCase?: number;
}

/** One interchange line: keys in the format's order, `actor` only when present, data keys in the spec's order. */
export type InterchangeLine<T extends EventType = EventType> = {
  [K in T]: { eventId: string; caseId: string; type: K; occurredAt: string; recordedAt: string; actor?: Actor; data: EventDataMap[K] };
}[T];

function context(options: GenerateOptions): { ctx: CaseContext; first: number; count: number } {
  const { cases } = options;
  if (!Number.isSafeInteger(cases) || cases < 0) throw new RangeError(`cases must be a non-negative integer (got ${String(cases)})`);
  const first = options.firstCase ?? 0;
  if (!Number.isSafeInteger(first) || first < 0) throw new RangeError(`firstCase must be a non-negative integer (got ${String(first)})`);
  const until = parseInstant(options.until ?? DEFAULT_UNTIL);
  const from = parseInstant(options.reportedFrom ?? DEFAULT_REPORTED_FROM);
  if (!(until - from >= 86_400_000)) throw new RangeError('until must be at least a day after reportedFrom');
  return { ctx: { seedHash: hashSeed(String(options.seed)), from, until }, first, count: cases };
}

/** The events of one case (case number `index`, 0-based), in ledger order. */
export function generateCase(options: Omit<GenerateOptions, 'cases' | 'firstCase'>, index: number): InterchangeLine[] {
  const { ctx } = context({ ...options, cases: 1 });
  return simulateCase(ctx, index) as InterchangeLine[];
}

/** Interchange-line objects, case by case, each case in ledger (recordedAt) order. A sync iterator. */
export function* generateCases(options: GenerateOptions): Generator<InterchangeLine, void, undefined> {
  const { ctx, first, count } = context(options);
  for (let i = first; i < first + count; i++) {
    const lines = simulateCase(ctx, i);
    for (let j = 0; j < lines.length; j++) yield lines[j] as InterchangeLine;
  }
}

/** The same lines as JSON text, exactly `JSON.stringify` of each object (one NDJSON line each, without the newline). */
export function* generateNdjson(options: GenerateOptions): Generator<string, void, undefined> {
  const { ctx, first, count } = context(options);
  for (let i = first; i < first + count; i++) {
    const lines = simulateCase(ctx, i);
    for (let j = 0; j < lines.length; j++) yield lineToJson(lines[j]!);
  }
}
