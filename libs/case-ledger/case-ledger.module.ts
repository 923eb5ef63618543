import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../event-store/port.js';
import { openEventStore } from '../event-store/open-event-store.js';
import { CLOCK, ID_GENERATOR, systemClock, type Clock, type IdGenerator } from './application/ports.js';
import { randomIds } from './application/event-ids.js';
import { RecordCaseEventHandler } from './application/record-case-event.js';
import { RecordCaseEventsHandler } from './application/record-case-events.js';
import { ImportCaseEventsHandler } from './application/import/import-case-events.js';
import {
  ExportEventsHandler, GetLedgerHeadHandler, GetTimelineHandler, VerifyLedgerHandler,
} from './application/queries/ledger-queries.js';
import type { LedgerConfig } from './ledger-config.js';

class StoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

export interface LedgerModuleOptions {
  config: LedgerConfig;
  /** Overrides for tests: an already open store, a fixed clock, predictable ids. */
  store?: EventStore;
  clock?: Clock;
  ids?: IdGenerator;
}

/** The case ledger context: command and query handlers over the configured event store. */
@Module({})
export class CaseLedgerModule {
  static forRoot(options: LedgerModuleOptions): DynamicModule {
    return {
      module: CaseLedgerModule,
      global: true,
      imports: [CqrsModule.forRoot()],
      providers: [
        options.store
          ? { provide: EVENT_STORE, useValue: options.store }
          : { provide: EVENT_STORE, useFactory: () => openEventStore(options.config) },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        { provide: ID_GENERATOR, useValue: options.ids ?? randomIds },
        StoreLifecycle,
        RecordCaseEventHandler,
        RecordCaseEventsHandler,
        ImportCaseEventsHandler,
        ExportEventsHandler,
        GetTimelineHandler,
        VerifyLedgerHandler,
        GetLedgerHeadHandler,
      ],
      exports: [EVENT_STORE, CLOCK, ID_GENERATOR],
    };
  }
}
