import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type ExpectedVersion } from '../../event-store/port.js';
import type { StoredCaseEvent } from '../domain/vocabulary.js';
import { parseEventLine, sameContent } from '../domain/interchange.js';
import { commandFor } from '../domain/commands.js';
import { decide, foldCase } from '../domain/decider.js';
import { EventIdConflictError, VersionConflictError } from '../domain/errors.js';
import { ID_GENERATOR, type IdGenerator } from './ports.js';

export interface RecordResult { status: 'appended' | 'duplicate'; events: StoredCaseEvent[]; version: number }

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

/** The one generic command handler: read the stream, fold, decide, append with the expected version. */
@CommandHandler(RecordCaseEvent)
export class RecordCaseEventHandler implements ICommandHandler<RecordCaseEvent, RecordResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute({ line, receivedAt, expectedVersion }: RecordCaseEvent): Promise<RecordResult> {
    const parsed = parseEventLine(line, { appendedAt: receivedAt, newEventId: () => this.ids.newId() });
    if (!parsed.ok) throw parsed.error;
    const event = parsed.event;
    const caseId = event.metadata.caseId;
    if (parsed.eventIdGiven) {
      const [prior] = await this.store.findEvents([event.metadata.eventId]);
      if (prior) {
        if (!sameContent(prior, event)) throw new EventIdConflictError(event.metadata.eventId);
        return { status: 'duplicate', events: [prior], version: await this.store.streamVersion(prior.metadata.caseId) };
      }
    }
    const state = foldCase(await this.store.readStream(caseId));
    if (expectedVersion !== 'any' && expectedVersion !== state.version) {
      throw new VersionConflictError(caseId, expectedVersion, state.version);
    }
    const events = decide(commandFor(event), state);
    const outcome = await this.store.append({ caseId, expectedVersion: state.version, events });
    const last = outcome.events[outcome.events.length - 1];
    return { status: outcome.status, events: outcome.events, version: last?.streamVersion ?? state.version };
  }
}
