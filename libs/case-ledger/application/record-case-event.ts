import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type ExpectedVersion } from '../../event-store/port.js';
import { ID_GENERATOR, type IdGenerator } from './ports.js';
import { RecordCaseEvents, RecordCaseEventsHandler, type LineToRecord, type RecordResult } from './record-case-events.js';

export type { RecordResult } from './record-case-events.js';

/**
 * Record one case action: an interchange line, received at `receivedAt` (the edge reads the clock,
 * so handlers and tests are exact), optionally with the case version the caller last saw.
 */
export class RecordCaseEvent extends Command<RecordResult> {
  constructor(
    readonly line: unknown,
    readonly receivedAt: number,
    readonly expectedVersion: ExpectedVersion = 'any',
  ) {
    super();
  }
}

interface Pending extends LineToRecord {
  resolve(r: RecordResult): void;
  reject(e: unknown): void;
}

/** At most this many lines per transaction. */
const MAX_ROUND = 512;

/**
 * The single-event command handler, with group commit: the lines that arrive while a transaction
 * is being written wait and go together into the next one (one transaction, one fsync, for all of
 * them; one line per case), through the batch handler (`RecordCaseEvents`): read the cases, fold,
 * judge each line, append. Each caller gets its own line's answer, only once the transaction holding
 * it has committed. A lone line is a batch of one.
 */
@CommandHandler(RecordCaseEvent)
export class RecordCaseEventHandler implements ICommandHandler<RecordCaseEvent, RecordResult> {
  private readonly batch: RecordCaseEventsHandler;
  private queue: Pending[] = [];
  private running = false;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(ID_GENERATOR) ids: IdGenerator,
  ) {
    this.batch = new RecordCaseEventsHandler(store, ids);
  }

  execute({ line, receivedAt, expectedVersion }: RecordCaseEvent): Promise<RecordResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line, receivedAt, expectedVersion, resolve, reject });
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        // Let the requests whose I/O has just completed join this round (I/O callbacks run before setImmediate's).
        await new Promise<void>((r) => setImmediate(r));
        // At most one line per case per round, in arrival order; the others wait for the next round
        // and are judged on its stored result.
        const round: Pending[] = [];
        const rest: Pending[] = [];
        const cases = new Set<unknown>();
        for (const p of this.queue) {
          const caseId = (p.line as { caseId?: unknown } | null)?.caseId;
          if (round.length < MAX_ROUND && !cases.has(caseId)) {
            cases.add(caseId);
            round.push(p);
          } else rest.push(p);
        }
        this.queue = rest;
        try {
          const outcomes = await this.batch.execute(new RecordCaseEvents(round));
          round.forEach((p, i) => {
            const o = outcomes[i]!;
            if (o.status === 'rejected') p.reject(o.error);
            else p.resolve(o);
          });
        } catch (e) {
          for (const p of round) p.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
