import type { EventStore, AppendRequest } from '../../../event-store/port.js';
import type { CaseEvent } from '../../domain/vocabulary.js';
import { DomainError, VersionConflictError } from '../../domain/errors.js';
import { parseEventLine, sameContent, normalizeEventId } from '../../domain/interchange.js';
import { findEntry, foldCase, evolve, validateAppend, type CaseState } from '../../domain/decider.js';
import { contentEventId } from '../event-ids.js';
import { LruMap } from '../../../common/lru-map.js';

export interface ImportReport { appended: number; duplicates: number; rejected: number }

export interface ImportOptions {
  /** The ledger's clock: recordedAt of lines without one, and the "now" no line may be later than. */
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

interface Candidate { line: number; event: CaseEvent; key: string }
const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Appends an NDJSON stream of interchange lines. Lines are parsed and judged one by one against
 * their case's history (validation, idempotency by eventId, order rules), then the accepted ones of a
 * chunk are appended in one transaction with each case's expected version, so a crash loses at most
 * the chunk in flight, which was never acknowledged; re-running the same input counts what is
 * already stored as duplicates.
 */
export class CaseImporter {
  private readonly cache: LruMap<string, CaseState>;
  /** How many identical id-less lines came before, for content-derived eventIds. */
  private readonly ordinals = new Map<string, number>();
  private readonly report: ImportReport = { appended: 0, duplicates: 0, rejected: 0 };

  constructor(private readonly store: EventStore, private readonly options: ImportOptions) {
    this.cache = new LruMap(options.cacheSize ?? 20000);
  }

  async run(lines: AsyncIterable<string>): Promise<ImportReport> {
    const chunkSize = this.options.chunkSize ?? 5000;
    let chunk: { line: number; text: string }[] = [];
    let lineNo = 0;
    let bytes = 0;
    for await (const text of lines) {
      lineNo++;
      bytes += Buffer.byteLength(text) + 1;
      chunk.push({ line: lineNo, text });
      if (chunk.length >= chunkSize) {
        await this.processChunk(chunk);
        chunk = [];
        this.options.onProgress?.({ lines: lineNo, bytes, report: this.report });
      }
    }
    if (chunk.length) await this.processChunk(chunk);
    this.options.onProgress?.({ lines: lineNo, bytes, report: this.report });
    return { ...this.report };
  }

  private reject(line: number, message: string): void {
    this.report.rejected++;
    this.options.onRejected(line, message);
  }

  private async processChunk(chunk: { line: number; text: string }[]): Promise<void> {
    const appendedAt = this.options.now();
    // 1. Parse and validate each line on its own.
    const parsed: Candidate[] = [];
    for (const { line, text } of chunk) {
      if (text.trim() === '') continue; // blank lines carry nothing (decision: skipped, not counted)
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        this.reject(line, `invalid JSON: ${(e as Error).message}`);
        continue;
      }
      const result = parseEventLine(value, { appendedAt, newEventId: () => PLACEHOLDER_ID });
      if (!result.ok) {
        this.reject(line, result.error.message);
        continue;
      }
      const event = result.event;
      if (!result.eventIdGiven) event.metadata.eventId = this.derivedId(event);
      parsed.push({ line, event, key: normalizeEventId(event.metadata.eventId) });
    }

    // 2. Bring the cases' states into memory, then judge each line against its case, in order.
    //    Idempotency without a look-up per line: a case's state knows every eventId the case holds
    //    (lines accepted earlier in this chunk included), so only ids it already knows are fetched to
    //    compare content; an id stored in ANOTHER case is caught by the store's unique index and
    //    comes back from appendMany as an EventIdConflictError.
    await this.loadStates(parsed.map((p) => p.event.metadata.caseId));
    const requests: AppendRequest[] = [];
    const accepted: Candidate[] = [];
    const known: Candidate[] = [];
    const inChunk = new Map<string, CaseEvent>();
    for (const c of parsed) {
      const caseId = c.event.metadata.caseId;
      const state = this.state(caseId);
      if (findEntry(state, c.event.metadata.eventId)) {
        known.push(c);
        continue;
      }
      try {
        validateAppend(state, c.event);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        this.reject(c.line, e.message);
        continue;
      }
      requests.push({ caseId, expectedVersion: state.version, events: [c.event] });
      accepted.push(c);
      inChunk.set(c.key, c.event);
      this.remember(caseId, evolve(state, c.event));
    }

    // 3. Lines whose eventId the case already holds: a duplicate when the content is the same.
    if (known.length) {
      const stored = new Map<string, CaseEvent>();
      for (const e of await this.store.findEvents(known.filter((c) => !inChunk.has(c.key)).map((c) => c.event.metadata.eventId))) {
        stored.set(normalizeEventId(e.metadata.eventId), e);
      }
      for (const c of known) {
        const prior = inChunk.get(c.key) ?? stored.get(c.key);
        if (prior && sameContent(prior, c.event)) this.report.duplicates++;
        else this.reject(c.line, `eventId ${c.event.metadata.eventId} is already stored with a different caseId, type, occurredAt or data`);
      }
    }

    // 4. One transaction for the chunk; each request is still judged on its own by the store.
    if (!requests.length) return;
    const outcomes = await this.store.appendMany(requests);
    const retry: Candidate[] = [];
    const stale = new Set<string>();
    outcomes.forEach((o, i) => {
      const c = accepted[i]!;
      if (o.status === 'appended') this.report.appended++;
      else if (o.status === 'duplicate') this.report.duplicates++;
      else if (o.error instanceof VersionConflictError) {
        // Another writer appended to this case meanwhile: judge the line again on the fresh history.
        stale.add(c.event.metadata.caseId);
        retry.push(c);
      } else if (o.error instanceof DomainError) {
        stale.add(c.event.metadata.caseId);
        this.reject(c.line, o.error.message);
      } else throw o.error;
    });
    for (const caseId of stale) this.cache.delete(caseId);
    for (const c of retry) await this.appendOne(c);
  }

  /** The slow path after a concurrent write: read the case afresh, judge, append; retry a few times. */
  private async appendOne(c: Candidate): Promise<void> {
    const caseId = c.event.metadata.caseId;
    for (let attempt = 0; attempt < 5; attempt++) {
      const [prior] = await this.store.findEvents([c.event.metadata.eventId]);
      if (prior) {
        if (sameContent(prior, c.event)) this.report.duplicates++;
        else this.reject(c.line, `eventId ${c.event.metadata.eventId} is already stored with a different caseId, type, occurredAt or data`);
        return;
      }
      const state = foldCase(await this.store.readStream(caseId));
      try {
        validateAppend(state, c.event);
        const outcome = await this.store.append({ caseId, expectedVersion: state.version, events: [c.event] });
        if (outcome.status === 'appended') this.report.appended++;
        else this.report.duplicates++;
        return;
      } catch (e) {
        if (e instanceof VersionConflictError) continue;
        if (e instanceof DomainError) {
          this.reject(c.line, e.message);
          return;
        }
        throw e;
      }
    }
    this.reject(c.line, `case ${caseId} kept changing under concurrent writers; line not appended, try again`);
  }

  private derivedId(event: CaseEvent): string {
    const key = `${event.metadata.caseId}\u0000${event.type}\u0000${event.metadata.occurredAt}\u0000${JSON.stringify(event.data)}`;
    const n = this.ordinals.get(key) ?? 0;
    this.ordinals.set(key, n + 1);
    return contentEventId(event, n);
  }

  private state(caseId: string): CaseState {
    const s = this.cache.get(caseId);
    if (s) return s;
    const fresh = foldCase([]);
    this.remember(caseId, fresh);
    return fresh;
  }

  private remember(caseId: string, state: CaseState): void {
    this.cache.remember(caseId, state);
  }

  private async loadStates(caseIds: string[]): Promise<void> {
    const missing = [...new Set(caseIds)].filter((id) => !this.cache.has(id));
    if (!missing.length) return;
    const streams = await this.store.readStreams(missing);
    for (const id of missing) this.remember(id, foldCase(streams.get(id) ?? []));
  }
}
