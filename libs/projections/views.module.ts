import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Command, CommandHandler, Query, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../event-store/port.js';
import type { LedgerConfig } from '../case-ledger/ledger-config.js';
import type { ViewName, ViewParams } from '../views/query.js';
import { READ_MODEL_STORE, type Checkpoint, type ReadModelStore } from './read-model-store.js';
import { openReadModelStore } from './open-read-model-store.js';
import { CaseViews, type ViewAnswer } from './case-views.js';
import type { Progress } from './projection-runner.js';
import { projectionThreadAvailable } from './projection-thread.js';

export { openReadModelStore };

/** A view, exact at params.asOfMs; `catchUp` first brings the read model up to the log's head. */
export class GetView extends Query<ViewAnswer> {
  constructor(readonly name: ViewName, readonly params: ViewParams, readonly catchUp = true) {
    super();
  }
}

@QueryHandler(GetView)
export class GetViewHandler implements IQueryHandler<GetView, ViewAnswer> {
  constructor(private readonly views: CaseViews) {}
  async execute({ name, params, catchUp }: GetView): Promise<ViewAnswer> {
    if (catchUp) await this.views.catchUp();
    return this.views.query(name, params);
  }
}

/** Recompute the read models from scratch (or, with `fromScratch` false, just catch up). */
export class RebuildProjections extends Command<Checkpoint> {
  constructor(readonly onProgress?: (p: Progress) => void, readonly fromScratch = true) {
    super();
  }
}

@CommandHandler(RebuildProjections)
export class RebuildProjectionsHandler implements ICommandHandler<RebuildProjections, Checkpoint> {
  constructor(private readonly views: CaseViews) {}
  execute({ onProgress, fromScratch }: RebuildProjections): Promise<Checkpoint> {
    return fromScratch ? this.views.rebuild(onProgress) : this.views.catchUp(onProgress);
  }
}

class ReadModelLifecycle implements OnApplicationShutdown {
  constructor(@Inject(READ_MODEL_STORE) private readonly store: ReadModelStore, private readonly views: CaseViews) {}
  async onApplicationShutdown(): Promise<void> {
    await this.views.close();
    await this.store.close();
  }
}

export interface ViewsModuleOptions {
  /**
   * Fold the log into the read model on a worker thread (projection-thread.ts) when it can be started
   * (from the built code), so the thread that serves requests never runs a batch; else in this thread.
   */
  projectionThread?: boolean;
}

/** The inspectors' views context: durable projections fed from the event store's global log. */
@Module({})
export class ViewsModule {
  static forRoot(config: LedgerConfig, options: ViewsModuleOptions = {}): DynamicModule {
    const thread = options.projectionThread === true && projectionThreadAvailable();
    return {
      module: ViewsModule,
      providers: [
        { provide: READ_MODEL_STORE, useFactory: () => openReadModelStore(config) },
        {
          provide: CaseViews,
          useFactory: (events: EventStore, readModels: ReadModelStore) => new CaseViews(events, readModels, thread ? { thread: { config } } : {}),
          inject: [EVENT_STORE, READ_MODEL_STORE],
        },
        ReadModelLifecycle,
        GetViewHandler,
        RebuildProjectionsHandler,
      ],
      exports: [CaseViews, READ_MODEL_STORE],
    };
  }
}
