/** Where the ledger keeps its data, from the environment (see README "Configuration"). */
export interface LedgerConfig {
  /** PostgreSQL connection string; when set, PostgreSQL is the store instead of the embedded one. */
  databaseUrl?: string;
  /** The embedded store's folder (created on first use). */
  dataDir: string;
  /** KurrentDB connection string (docs/kurrentdb.md); when set, KurrentDB is the event store and databaseUrl holds the read models. */
  kurrentdbUrl?: string;
}

export function ledgerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const databaseUrl = env.DATABASE_URL?.trim();
  const kurrentdbUrl = env.KURRENTDB_URL?.trim();
  return {
    dataDir: env.LEDGER_DATA_DIR?.trim() || './data',
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(kurrentdbUrl ? { kurrentdbUrl } : {}),
  };
}
