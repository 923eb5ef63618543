import { isPostgresUrl } from '../event-store/open-event-store.js';
import type { LedgerConfig } from '../case-ledger/ledger-config.js';
import type { ReadModelStore } from './read-model-store.js';
import { SqliteReadModelStore } from './sqlite-read-model-store.js';
import { PostgresReadModelStore } from './postgres-read-model-store.js';

/** The read models beside the events: in PostgreSQL for a postgres:// URL, else in the embedded store's file. */
export function openReadModelStore(config: LedgerConfig): ReadModelStore {
  return isPostgresUrl(config.databaseUrl) ? new PostgresReadModelStore(config.databaseUrl!) : new SqliteReadModelStore(config.dataDir);
}
