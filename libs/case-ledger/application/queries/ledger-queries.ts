import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type LedgerHead } from '../../../event-store/port.js';
import { verifyEventStore, type VerifyReport } from '../../../event-store/integrity/verify.js';
import type { StoredCaseEvent } from '../../domain/vocabulary.js';
import { instantMs, toInterchangeLine } from '../../domain/interchange.js';
import type { TimelineEntry } from './timeline-entry.js';

const PAGE = 5000;

/** The stored events as interchange lines (JSON text), in ledger order; optionally one case, optionally as known at `asOf`. */
export class ExportEvents extends Query<AsyncIterable<string>> {
  constructor(readonly caseId?: string, readonly asOfMs?: number) {
    super();
  }
}

@QueryHandler(ExportEvents)
export class ExportEventsHandler implements IQueryHandler<ExportEvents, AsyncIterable<string>> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseId, asOfMs }: ExportEvents): Promise<AsyncIterable<string>> {
    const store = this.store;
    const visible = (e: StoredCaseEvent) => asOfMs === undefined || instantMs(e.metadata.recordedAt) <= asOfMs;
    if (caseId !== undefined) {
      const events = await store.readStream(caseId);
      return (async function* () {
        for (const e of events) if (visible(e)) yield JSON.stringify(toInterchangeLine(e));
      })();
    }
    if (asOfMs === undefined) {
      // The exact stored bytes: what the hash chain commits to.
      return (async function* () {
        for (let from = 1; ; ) {
          const page = await store.readRecords({ fromPosition: from, limit: PAGE });
          for (const r of page) yield r.body;
          if (page.length < PAGE) return;
          from = page[page.length - 1]!.position + 1;
        }
      })();
    }
    return (async function* () {
      for (let from = 1; ; ) {
        const page = await store.readAll({ fromPosition: from, limit: PAGE });
        for (const e of page) if (visible(e)) yield JSON.stringify(toInterchangeLine(e));
        if (page.length < PAGE) return;
        from = page[page.length - 1]!.position + 1;
      }
    })();
  }
}

export type { TimelineEntry } from './timeline-entry.js';

/** A case's events in the order they happened (occurredAt, ties in ledger order), voided ones marked. */
export class GetTimeline extends Query<TimelineEntry[]> {
  constructor(readonly caseId: string, readonly asOfMs?: number) {
    super();
  }
}

@QueryHandler(GetTimeline)
export class GetTimelineHandler implements IQueryHandler<GetTimeline, TimelineEntry[]> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseId, asOfMs }: GetTimeline): Promise<TimelineEntry[]> {
    const events = (await this.store.readStream(caseId)).filter(
      (e) => asOfMs === undefined || instantMs(e.metadata.recordedAt) <= asOfMs,
    );
    const voids = new Map<string, { byEventId: string; reason: string }>();
    for (const e of events) {
      if (e.type === 'EntryVoided') {
        voids.set(e.data.eventId.toLowerCase(), { byEventId: e.metadata.eventId, reason: e.data.reason });
      }
    }
    return events
      .map((e) => ({ e, at: instantMs(e.metadata.occurredAt) }))
      .sort((a, b) => a.at - b.at || a.e.position - b.e.position)
      .map(({ e }) => {
        const voided = voids.get(e.metadata.eventId.toLowerCase());
        return {
          position: e.position,
          streamVersion: e.streamVersion,
          event: toInterchangeLine(e),
          ...(voided ? { voided } : {}),
        };
      });
  }
}

export class VerifyLedger extends Query<VerifyReport> {
  constructor(
    readonly expectedHead?: LedgerHead,
    readonly onProgress?: (checked: number) => void,
  ) {
    super();
  }
}

@QueryHandler(VerifyLedger)
export class VerifyLedgerHandler implements IQueryHandler<VerifyLedger, VerifyReport> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ expectedHead, onProgress }: VerifyLedger): Promise<VerifyReport> {
    // Also checks the store's own head record: a tail cut without rewriting that record is caught
    // even without a head exported earlier (one exported earlier catches a rewritten head record too).
    return verifyEventStore(this.store, {
      ...(expectedHead ? { expectedHead } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
  }
}

export class GetLedgerHead extends Query<LedgerHead> {}

@QueryHandler(GetLedgerHead)
export class GetLedgerHeadHandler implements IQueryHandler<GetLedgerHead, LedgerHead> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute(): Promise<LedgerHead> {
    return this.store.head();
  }
}
