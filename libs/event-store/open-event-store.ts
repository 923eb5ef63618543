// Picks the event store from configuration: KurrentDB for a KURRENTDB_URL (read models then in the
// PostgreSQL at databaseUrl), PostgreSQL for a postgres:// URL, else the embedded SQLite file.
import type { EventStore } from './port.js';
import { openSqliteEventStore } from './sqlite/sqlite-event-store.js';
import { openPostgresEventStore } from './postgres/postgres-event-store.js';

export interface OpenEventStoreOptions {
  /** A `postgres://` or `postgresql://` connection string selects PostgreSQL (schema: the connection's search_path). */
  databaseUrl?: string;
  /** The embedded store's folder (default `./data`), created on first use. */
  dataDir?: string;
  /**
   * A KurrentDB connection string (`esdb://…` or `esdb+discover://…`, docs/kurrentdb.md) selects the
   * KurrentDB store; `databaseUrl` must then be PostgreSQL (the read models live there).
   */
  kurrentdbUrl?: string;
}

export function isPostgresUrl(url: string | undefined): boolean {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url.trim());
}

export async function openEventStore(options: OpenEventStoreOptions = {}): Promise<EventStore> {
  const url = options.databaseUrl?.trim();
  const kurrent = options.kurrentdbUrl?.trim();
  if (kurrent) {
    if (!/^esdb(\+discover)?:\/\//i.test(kurrent)) {
      throw new Error('KURRENTDB_URL must start with esdb:// or esdb+discover:// (see docs/kurrentdb.md)');
    }
    if (!url || !isPostgresUrl(url)) {
      throw new Error('KURRENTDB_URL needs DATABASE_URL too: a postgres:// URL for the read models (see docs/kurrentdb.md)');
    }
    // Loaded only when chosen: the gRPC client is not needed by the other modes.
    const { openKurrentDbEventStore } = await import('./kurrentdb/kurrentdb-event-store.js');
    return openKurrentDbEventStore(kurrent);
  }
  if (url && isPostgresUrl(url)) return openPostgresEventStore(url);
  // Anything else that looks like a URL is a mistake, not a request for the embedded store: refusing
  // beats silently recording a force's cases in a local file nobody backs up.
  if (url) throw new Error('databaseUrl must start with postgres:// or postgresql:// (leave it unset for the embedded store)');
  return openSqliteEventStore({ dataDir: options.dataDir || './data' });
}
