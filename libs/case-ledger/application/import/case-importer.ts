import type { EventStore } from '../../../event-store/port.js';
import type { CaseEvent } from '../../domain/vocabulary.js';
import { VersionConflictError } from '../../domain/errors.js';
import { parseEventLine } from '../../domain/interchange.js';
import { contentEventId } from '../event-ids.js';
import { preEncodeParsed } from '../../../event-store/codec.js';
import {
  appendJudged, CachedCaseStates, FreshCaseStates, judgeEvents, recordEvents, type EventToRecord, type JudgedBatch, type RecordOutcome,
} from '../record-case-events.js';

export interface ImportReport { appended: number; duplicates: number; rejected: number }

export interface ImportOptions {
  /** The ledger's clock, read as each line is read: recordedAt of a line without one, and the "now" it may not be later than. */
  now: () => number;
  /** A refused line: its 1-based line number in the input and the rule it broke. */
  onRejected: (line: number, message: string) => void;
  /** After each committed chunk: lines read so far and bytes read so far. */
  onProgress?: (progress: { lines: number; bytes: number; report: ImportReport }) => void;
  /** Lines per transaction (each line stays atomic: it is wholly in or wholly out). */
  chunkSize?: number;
  /** Case states kept in memory between chunks. */
  cacheSize?: number;
}

interface Candidate extends EventToRecord { line: number }
interface Chunk {
  candidates: Candidate[];
  lines: number;
  bytes: number;
  /** Judged ahead, while the chunk before it was written (undefined: judge when its turn comes). */
  judged?: JudgedBatch;
}
const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';
/**
 * Lines parsed between two turns of the event loop while a chunk is being written (lets its I/O
 * progress: each reply of the chunk's transaction waits for the slice in hand to end; a slice of 64
 * lines is about a millisecond).
 */
const PARSE_SLICE = 64;

/**
 * Appends an NDJSON stream of interchange lines. Lines are parsed and validated one by one, then each
 * chunk goes through the ledger's one write path (`recordEvents`' phases: load the cases' states,
 * `judgeEvents`, `appendJudged`): every line judged against its case's history as the lines before it
 * leave it (idempotency by eventId, order rules), the accepted ones appended in one transaction with
 * each case's expected version. A crash loses at most the chunk in flight, which was never
 * acknowledged; re-running the same input counts what is already stored as duplicates. Case states
 * are kept between chunks.
 *
 * Pipeline: while a chunk is being written (by the embedded store's writer thread, or on the
 * PostgreSQL server), the next one is read, parsed, encoded and judged against the states the chunk
 * in flight leaves. It is appended only once that chunk is done, and only if every event that chunk
 * was to append was appended: otherwise (another writer got in, an eventId turned out stored) its
 * judgement is thrown away and it is judged again on its cases read afresh. So every line is judged
 * on exactly the history it is appended after, and lines go into the ledger in input order.
 */
export class CaseImporter {
  private readonly states: CachedCaseStates;
  /** How many identical id-less lines came before, for content-derived eventIds. */
  private readonly ordinals = new Map<string, number>();
  private readonly report: ImportReport = { appended: 0, duplicates: 0, rejected: 0 };

  constructor(private readonly store: EventStore, private readonly options: ImportOptions) {
    this.states = new CachedCaseStates(store, options.cacheSize ?? 20000);
  }

  async run(lines: AsyncIterable<string>): Promise<ImportReport> {
    const chunkSize = this.options.chunkSize ?? 5000;
    let candidates: Candidate[] = [];
    let inChunk = 0;
    let lineNo = 0;
    let bytes = 0;
    // The chunk being written, then reported: resolves to whether every event it judged appendable was appended.
    let writing: Promise<boolean> | undefined;
    let writingCases: ReadonlySet<string> = new Set();
    const submit = async (chunk: Chunk): Promise<void> => {
      const previous = writing;
      const caseIds = chunk.candidates.map((c) => c.event.metadata.caseId);
      if (previous && caseIds.length) await this.judgeAhead(chunk, caseIds, writingCases);
      writingCases = new Set(caseIds);
      if (previous && chunk.judged) {
        // Handed to the store now (which may prepare it), appended only once the chunk before has
        // committed as judged (else judged again); then the next chunk is read.
        writing = this.write(chunk, previous);
        writing.catch(() => {}); // handled where it is awaited (next chunk or the end), not an unhandled rejection meanwhile
        await previous;
      } else {
        if (previous) await previous;
        writing = this.write(chunk);
        writing.catch(() => {});
      }
    };
    for await (const text of lines) {
      lineNo++;
      bytes += Buffer.byteLength(text) + 1;
      inChunk++;
      // Each line is judged at the moment it was read (not when its chunk began): a line that comes
      // later from a slow source may say it happened after the chunk began (regression: issue 3's
      // live-follow bench, a line refused as "later than the time the ledger received the event").
      this.parse(lineNo, text, this.options.now(), candidates);
      if (inChunk >= chunkSize) {
        await submit({ candidates, lines: lineNo, bytes });
        candidates = [];
        inChunk = 0;
      } else if (writing && inChunk % PARSE_SLICE === 0) {
        await new Promise<void>((r) => setImmediate(r));
      }
    }
    await submit({ candidates, lines: lineNo, bytes });
    await writing;
    return { ...this.report };
  }

  /**
   * Judges a chunk while the one before it is written, if that is safe: a case whose state is not
   * held is read from the store, which must not be a case the chunk in flight writes to (its events
   * are not committed yet), and every case must still be held after reading (cache large enough).
   */
  private async judgeAhead(chunk: Chunk, caseIds: string[], writingCases: ReadonlySet<string>): Promise<void> {
    for (const caseId of caseIds) if (!this.states.has(caseId) && writingCases.has(caseId)) return;
    await this.states.load(caseIds);
    for (const caseId of caseIds) if (!this.states.has(caseId)) return;
    chunk.judged = judgeEvents(this.states, chunk.candidates);
  }

  private reject(line: number, message: string): void {
    this.report.rejected++;
    this.options.onRejected(line, message);
  }

  /** Parses and validates one line on its own: a candidate, or a refusal reported at once. */
  private parse(line: number, text: string, appendedAt: number, out: Candidate[]): void {
    if (text.trim() === '') return; // blank lines carry nothing (decision: skipped, not counted)
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.reject(line, `invalid JSON: ${(e as Error).message}`);
      return;
    }
    const result = parseEventLine(value, { appendedAt, newEventId: () => PLACEHOLDER_ID });
    if (!result.ok) {
      this.reject(line, result.error.message);
      return;
    }
    const event = result.event;
    if (!result.eventIdGiven) event.metadata.eventId = this.derivedId(event);
    preEncodeParsed(event);
    out.push({ line, event, eventIdGiven: result.eventIdGiven, expectedVersion: 'any' });
  }

  /**
   * One chunk through the write path (judged now unless judged ahead), then its report; lines that
   * lost a race with another writer are judged again. Resolves to whether every event judged
   * appendable was appended (the states the chunk leaves are the ones it was judged to leave).
   */
  private async write(chunk: Chunk, after?: Promise<boolean>): Promise<boolean> {
    let asJudged = true;
    if (chunk.candidates.length) {
      const caseIds = chunk.candidates.map((c) => c.event.metadata.caseId);
      let judged = chunk.judged;
      let outcomes = judged && after ? await appendJudged(this.store, this.states, judged, after) : undefined;
      if (judged && after && !outcomes) {
        // Judged on states the chunk before did not leave (nothing of this one was appended): judge
        // again, on the cases read afresh.
        for (const caseId of caseIds) this.states.forget(caseId);
        judged = undefined;
      }
      if (!judged) {
        await this.states.load(caseIds);
        judged = judgeEvents(this.states, chunk.candidates);
      }
      outcomes ??= await appendJudged(this.store, this.states, judged);
      const retry: Candidate[] = [];
      const requestOf = judged.requestOf;
      outcomes.forEach((o, i) => {
        const c = chunk.candidates[i]!;
        if (requestOf[i]! >= 0 && o.status !== 'appended') asJudged = false;
        // Another writer appended to this case meanwhile (the line itself expected no version): judge it again on the fresh history.
        if (o.status === 'rejected' && o.error instanceof VersionConflictError) retry.push(c);
        else this.count(c, o);
      });
      for (const c of retry) await this.appendOne(c);
    }
    this.options.onProgress?.({ lines: chunk.lines, bytes: chunk.bytes, report: this.report });
    return asJudged;
  }

  private count(c: Candidate, o: RecordOutcome): void {
    if (o.status === 'rejected') this.reject(c.line, o.error.message);
    else if (o.status === 'appended') this.report.appended++;
    else this.report.duplicates++;
  }

  /** The slow path after a concurrent write: the case read afresh, judged, appended; a few attempts. */
  private async appendOne(c: Candidate): Promise<void> {
    const caseId = c.event.metadata.caseId;
    for (let attempt = 0; attempt < 5; attempt++) {
      const o = (await recordEvents(this.store, new FreshCaseStates(this.store), [c]))[0]!;
      if (o.status === 'rejected' && o.error instanceof VersionConflictError) continue;
      this.count(c, o);
      this.states.forget(caseId);
      return;
    }
    this.states.forget(caseId);
    this.reject(c.line, `case ${caseId} kept changing under concurrent writers; line not appended, try again`);
  }

  private derivedId(event: CaseEvent): string {
    const key = `${event.metadata.caseId}\u0000${event.type}\u0000${event.metadata.occurredAt}\u0000${JSON.stringify(event.data)}`;
    const n = this.ordinals.get(key) ?? 0;
    this.ordinals.set(key, n + 1);
    return contentEventId(event, n);
  }
}
