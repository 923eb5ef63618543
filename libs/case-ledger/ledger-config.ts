/** Where the ledger keeps its data, from the environment (see README "Configuration"). */
export interface LedgerConfig {
  /** PostgreSQL connection string; when set, PostgreSQL is the store instead of the embedded one. */
  databaseUrl?: string;
  /** The embedded store's folder (created on first use). */
  dataDir: string;
}

export function ledgerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const databaseUrl = env.DATABASE_URL?.trim();
  return {
    dataDir: env.LEDGER_DATA_DIR?.trim() || './data',
    ...(databaseUrl ? { databaseUrl } : {}),
  };
}
