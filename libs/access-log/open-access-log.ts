import type { LedgerConfig } from '../case-ledger/ledger-config.js';
import { isPostgresUrl } from '../event-store/open-event-store.js';
import type { AccessLog } from './port.js';
import { PostgresAccessLog } from './postgres-access-log.js';
import { SqliteAccessLog } from './sqlite-access-log.js';

/** The access log beside the events: a table in the embedded SQLite file, or in PostgreSQL when DATABASE_URL is set. */
export function openAccessLog(config: LedgerConfig): AccessLog {
  return isPostgresUrl(config.databaseUrl) ? new PostgresAccessLog(config.databaseUrl!) : new SqliteAccessLog(config.dataDir);
}
