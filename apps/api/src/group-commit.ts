// Group commit for single-event appends. RecordCaseEvent commits one transaction (one fsync) per
// event, which caps concurrent HTTP appends at the disk's fsync rate (~4 ms here). This appender runs
// the same steps as RecordCaseEventHandler (parse, idempotency by eventId, fold, expected-version
// check, decide) for the requests that arrive together, at most one per case per round, and commits
// the round with the store's appendMany: one transaction, each request judged on its own, the store's
// expected-version check still guarding every case. Requests for a case already in the round wait for
// the next round, so they see its result.
import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type AppendRequest, type EventStore, type ExpectedVersion } from '../../../libs/event-store/port.js';
import { ID_GENERATOR, type IdGenerator } from '../../../libs/case-ledger/application/ports.js';
import type { RecordResult } from '../../../libs/case-ledger/application/record-case-event.js';
import { parseEventLine, sameContent } from '../../../libs/case-ledger/domain/interchange.js';
import { commandFor } from '../../../libs/case-ledger/domain/commands.js';
import { decide, foldCase } from '../../../libs/case-ledger/domain/decider.js';
import { EventIdConflictError, VersionConflictError } from '../../../libs/case-ledger/domain/errors.js';
import type { CaseEvent } from '../../../libs/case-ledger/domain/vocabulary.js';

interface Pending {
  line: unknown;
  receivedAt: number;
  expected: ExpectedVersion;
  resolve(r: RecordResult): void;
  reject(e: unknown): void;
}

const MAX_ROUND = 256;

@Injectable()
export class GroupCommitAppender {
  private queue: Pending[] = [];
  private running = false;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(ID_GENERATOR) private readonly ids: IdGenerator) {}

  record(line: unknown, receivedAt: number, expected: ExpectedVersion): Promise<RecordResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line, receivedAt, expected, resolve, reject });
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        // Let requests whose I/O or token verification has just completed join this round.
        await new Promise<void>((r) => setImmediate(r));
        // One request per case per round, in arrival order; the rest stay queued in order.
        const round: Pending[] = [];
        const rest: Pending[] = [];
        const cases = new Set<string>();
        for (const p of this.queue) {
          const caseId = (p.line as { caseId?: unknown } | null)?.caseId;
          const key = typeof caseId === 'string' ? caseId : '';
          if (round.length < MAX_ROUND && !cases.has(key)) {
            cases.add(key);
            round.push(p);
          } else rest.push(p);
        }
        this.queue = rest;
        await this.commit(round);
      }
    } finally {
      this.running = false;
    }
  }

  private async commit(round: Pending[]): Promise<void> {
    try {
      const parsed: { p: Pending; event: CaseEvent; eventIdGiven: boolean }[] = [];
      for (const p of round) {
        const r = parseEventLine(p.line, { appendedAt: p.receivedAt, newEventId: () => this.ids.newId() });
        if (r.ok) parsed.push({ p, event: r.event, eventIdGiven: r.eventIdGiven });
        else p.reject(r.error);
      }
      if (!parsed.length) return;
      const given = parsed.filter((x) => x.eventIdGiven).map((x) => x.event.metadata.eventId);
      const priors = new Map((given.length ? await this.store.findEvents(given) : []).map((e) => [e.metadata.eventId.toLowerCase(), e]));
      const streams = await this.store.readStreams([...new Set(parsed.map((x) => x.event.metadata.caseId))]);
      const toAppend: { p: Pending; request: AppendRequest }[] = [];
      for (const { p, event, eventIdGiven } of parsed) {
        try {
          const caseId = event.metadata.caseId;
          const prior = eventIdGiven ? priors.get(event.metadata.eventId.toLowerCase()) : undefined;
          if (prior) {
            if (!sameContent(prior, event)) throw new EventIdConflictError(event.metadata.eventId);
            const version = prior.metadata.caseId === caseId ? (streams.get(caseId)?.length ?? 0) : await this.store.streamVersion(prior.metadata.caseId);
            p.resolve({ status: 'duplicate', events: [prior], version });
            continue;
          }
          const state = foldCase(streams.get(caseId) ?? []);
          if (p.expected !== 'any' && p.expected !== state.version) throw new VersionConflictError(caseId, p.expected, state.version);
          toAppend.push({ p, request: { caseId, expectedVersion: state.version, events: decide(commandFor(event), state) } });
        } catch (e) {
          p.reject(e);
        }
      }
      if (!toAppend.length) return;
      const outcomes = await this.store.appendMany(toAppend.map((x) => x.request));
      toAppend.forEach(({ p, request }, i) => {
        const o = outcomes[i]!;
        if (o.status === 'error') p.reject(o.error);
        else {
          const last = o.events[o.events.length - 1];
          p.resolve({ status: o.status, events: o.events, version: last?.streamVersion ?? request.expectedVersion as number });
        }
      });
    } catch (e) {
      for (const p of round) p.reject(e); // settling twice is harmless: a promise keeps its first result
    }
  }
}
