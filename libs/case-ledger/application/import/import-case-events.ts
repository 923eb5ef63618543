import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../../event-store/port.js';
import { CLOCK, type Clock } from '../ports.js';
import { CaseImporter, type ImportOptions, type ImportReport } from './case-importer.js';

/** Append every line of an NDJSON stream; each line atomic, refused lines reported, the rest still in. */
export class ImportCaseEvents extends Command<ImportReport> {
  constructor(
    readonly lines: AsyncIterable<string>,
    readonly onRejected: ImportOptions['onRejected'],
    readonly onProgress?: ImportOptions['onProgress'],
    readonly chunkSize?: number,
  ) {
    super();
  }
}

@CommandHandler(ImportCaseEvents)
export class ImportCaseEventsHandler implements ICommandHandler<ImportCaseEvents, ImportReport> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: ImportCaseEvents): Promise<ImportReport> {
    const importer = new CaseImporter(this.store, {
      now: () => this.clock.now(),
      onRejected: command.onRejected,
      ...(command.onProgress ? { onProgress: command.onProgress } : {}),
      ...(command.chunkSize ? { chunkSize: command.chunkSize } : {}),
    });
    return importer.run(command.lines);
  }
}
