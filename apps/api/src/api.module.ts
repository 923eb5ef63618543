import {
  Inject, Injectable, Logger, Module, RequestMethod, type BeforeApplicationShutdown, type DynamicModule, type MiddlewareConsumer,
  type NestModule, type OnApplicationBootstrap, type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CaseLedgerModule } from '../../../libs/case-ledger/case-ledger.module.js';
import type { Clock } from '../../../libs/case-ledger/application/ports.js';
import type { EventStore } from '../../../libs/event-store/port.js';
import { READ_MODEL_STORE, type ReadModelStore } from '../../../libs/projections/read-model-store.js';
import { ViewsModule } from '../../../libs/projections/views.module.js';
import { DashboardIndex } from '../../../libs/dashboard/dashboard-index.js';
import { EVENT_STORE } from '../../../libs/event-store/port.js';
import { CaseViews } from '../../../libs/projections/case-views.js';
import { ProjectionThread } from '../../../libs/projections/projection-thread.js';
import { ACCESS_LOG, type AccessLog } from '../../../libs/access-log/port.js';
import { openAccessLog } from '../../../libs/access-log/open-access-log.js';
import { AccessGuard } from './auth/access.guard.js';
import { AccessPolicy } from './auth/access-policy.js';
import { CaseForces } from './auth/case-forces.js';
import { TokenVerifier } from './auth/token-verifier.js';
import { AccessRecorder } from './access-recorder.js';
import { JsonEventBody, NdjsonBatchBody } from './body.js';
import type { ApiConfig } from './config.js';
import { CasesController } from './controllers/cases.controller.js';
import { LedgerController, ViewsController } from './controllers/reads.controller.js';
import { AccessLogController } from './controllers/access-log.controller.js';
import { AdminController, OpsController } from './controllers/ops.controller.js';
import { DashboardController, DashboardPageController } from './controllers/dashboard.controller.js';
import { Metrics } from './observability.js';
import { ProblemFilter } from './problem.filter.js';
import { RateLimitGuard } from './throttle.guard.js';
import { API_CONFIG } from './tokens.js';

export interface ApiModuleOptions {
  config: ApiConfig;
  verifier: TokenVerifier;
  /** Test overrides. */
  store?: EventStore;
  accessLog?: AccessLog;
  clock?: Clock;
  /** Follow the log in the background so views stay current (default true). */
  followProjections?: boolean;
}

/** Keeps the views' projection following the log while the server runs. */
@Injectable()
class ProjectionFollower implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;
  constructor(private readonly views: CaseViews, @Inject('FOLLOW') private readonly enabled: boolean) {}
  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    const where = this.views.projector instanceof ProjectionThread ? 'on a worker thread' : 'in the request thread';
    new Logger('views').log(`the views' projection follows the ledger ${where}`);
    this.running = this.views.follow(this.stop.signal, () => {}).catch(() => {});
  }
  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.running;
  }
}

/** Loads the dashboard's read model in the background at start-up, so the first page is fast. */
@Injectable()
class DashboardWarmUp implements OnApplicationBootstrap {
  constructor(private readonly index: DashboardIndex, @Inject('FOLLOW') private readonly enabled: boolean) {}
  onApplicationBootstrap(): void {
    if (this.enabled) this.index.current().catch(() => {});
  }
}

class AccessLogLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ACCESS_LOG) private readonly log: AccessLog) {}
  async onApplicationShutdown(): Promise<void> {
    await this.log.close();
  }
}

@Module({})
export class ApiModule implements NestModule {
  static forRoot(o: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CaseLedgerModule.forRoot({ config: o.config.ledger, ...(o.store ? { store: o.store } : {}), ...(o.clock ? { clock: o.clock } : {}) }),
        // The server folds the log on a worker thread (its own connections to the configured stores), so
        // request handling never waits behind a projection batch; with a store passed in (tests), here.
        ViewsModule.forRoot(o.config.ledger, { projectionThread: (o.followProjections ?? true) && !o.store }),
      ],
      controllers: [CasesController, ViewsController, LedgerController, AccessLogController, AdminController, OpsController, DashboardController, DashboardPageController],
      providers: [
        { provide: API_CONFIG, useValue: o.config },
        { provide: TokenVerifier, useValue: o.verifier },
        { provide: ACCESS_LOG, useFactory: () => o.accessLog ?? openAccessLog(o.config.ledger) },
        { provide: 'FOLLOW', useValue: o.followProjections ?? true },
        AccessLogLifecycle,
        ProjectionFollower,
        {
          provide: DashboardIndex,
          useFactory: (events: EventStore, readModels: ReadModelStore, views: CaseViews) => new DashboardIndex(events, readModels, views),
          inject: [EVENT_STORE, READ_MODEL_STORE, CaseViews],
        },
        DashboardWarmUp,
        CaseForces,
        AccessPolicy,
        AccessRecorder,
        Metrics,
        // Order matters: the AccessGuard authenticates, then rate limits apply per token subject.
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonEventBody).forRoutes({ path: 'cases/:caseId/events', method: RequestMethod.POST });
    consumer.apply(NdjsonBatchBody).forRoutes({ path: 'events/batch', method: RequestMethod.POST });
  }
}
