import { NestFactory } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { INestApplicationContext } from '@nestjs/common';
import { CaseLedgerModule } from '../../../libs/case-ledger/case-ledger.module.js';
import { ledgerConfigFromEnv } from '../../../libs/case-ledger/ledger-config.js';
import { ViewsModule } from '../../../libs/projections/views.module.js';

export interface LedgerApp { app: INestApplicationContext; commands: CommandBus; queries: QueryBus }

/** Boots the ledger (Nest application context over the configured store), runs `fn`, and shuts it down. */
export async function withLedger<T>(fn: (ledger: LedgerApp) => Promise<T>): Promise<T> {
  const config = ledgerConfigFromEnv();
  const app = await NestFactory.createApplicationContext(
    { module: class LedgerCliModule {}, imports: [CaseLedgerModule.forRoot({ config }), ViewsModule.forRoot(config)] },
    { logger: false, abortOnError: false },
  );
  app.enableShutdownHooks();
  try {
    return await fn({ app, commands: app.get(CommandBus), queries: app.get(QueryBus) });
  } finally {
    await app.close();
  }
}
