// Picks the event store from configuration: PostgreSQL for a postgres:// URL, else the embedded SQLite file.
import type { EventStore } from './port.js';
import { openSqliteEventStore } from './sqlite/sqlite-event-store.js';
import { openPostgresEventStore } from './postgres/postgres-event-store.js';

export interface OpenEventStoreOptions {
  /** A `postgres://` or `postgresql://` connection string selects PostgreSQL (schema: the connection's search_path). */
  databaseUrl?: string;
  /** The embedded store's folder (default `./data`), created on first use. */
  dataDir?: string;
}

export function isPostgresUrl(url: string | undefined): boolean {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url.trim());
}

export async function openEventStore(options: OpenEventStoreOptions = {}): Promise<EventStore> {
  const url = options.databaseUrl?.trim();
  if (url && isPostgresUrl(url)) return openPostgresEventStore(url);
  // Anything else that looks like a URL is a mistake, not a request for the embedded store: refusing
  // beats silently recording a force's cases in a local file nobody backs up.
  if (url) throw new Error('databaseUrl must start with postgres:// or postgresql:// (leave it unset for the embedded store)');
  return openSqliteEventStore({ dataDir: options.dataDir || './data' });
}
