// The access log as a PostgreSQL table in the ledger's database. Appends take a transaction-scoped
// advisory lock, so concurrent servers extend one chain.
import pg from 'pg';
import { withoutJit } from '../common/postgres-pool.js';
import { GENESIS_CHAIN_HEX } from '../event-store/integrity/hash-chain.js';
import { entryBody, rowHashes, toRecord, verifyRows } from './chain.js';
import type { AccessEntry, AccessLog, AccessLogVerifyReport, AccessRecord, AccessRow } from './port.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS access_log (
  position    bigint PRIMARY KEY,
  appended_at bigint NOT NULL,
  body        text NOT NULL,
  leaf_hash   text NOT NULL,
  chain_hash  text NOT NULL
);
CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'access_log_no_change' AND tgrelid = 'access_log'::regclass) THEN
    CREATE TRIGGER access_log_no_change BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
    CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only();
  END IF;
END $$`;
/** Key of the advisory lock that serialises appends (any constant unlikely to clash). */
const LOCK_KEY = 0x41434c47; // "ACLG"

interface Row { position: string; appended_at: string; body: string; leaf_hash: string; chain_hash: string }
const toRow = (r: Row): AccessRow => ({
  position: Number(r.position), appendedAt: Number(r.appended_at), body: r.body, leafHash: r.leaf_hash, chainHash: r.chain_hash,
});

export class PostgresAccessLog implements AccessLog {
  private readonly pool: pg.Pool;
  private ready: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(databaseUrl: string, options: { now?: () => number } = {}) {
    this.pool = new pg.Pool(withoutJit({ connectionString: databaseUrl, max: 4 }));
    this.pool.on('error', () => {});
    this.now = options.now ?? Date.now;
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      const c = await this.pool.connect();
      try {
        await c.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
        try {
          await c.query(SCHEMA);
        } finally {
          await c.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
        }
      } finally {
        c.release();
      }
    })().catch((e) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  async record(entry: AccessEntry): Promise<AccessRecord> {
    await this.init();
    const body = entryBody(entry);
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const prev = (await c.query<{ position: string; chain_hash: string }>(
        'SELECT position, chain_hash FROM access_log ORDER BY position DESC LIMIT 1',
      )).rows[0];
      const position = prev ? Number(prev.position) + 1 : 1;
      const at = this.now();
      const h = rowHashes(position, at, body, prev?.chain_hash ?? GENESIS_CHAIN_HEX);
      await c.query(
        'INSERT INTO access_log (position, appended_at, body, leaf_hash, chain_hash) VALUES ($1, $2, $3, $4, $5)',
        [position, at, body, h.leafHash, h.chainHash],
      );
      await c.query('COMMIT');
      c.release();
      return toRecord({ position, appendedAt: at, body, leafHash: h.leafHash, chainHash: h.chainHash });
    } catch (e) {
      try {
        await c.query('ROLLBACK');
        c.release();
      } catch (rollbackError) {
        c.release(rollbackError as Error);
      }
      throw e;
    }
  }

  private async page(from: number, limit: number): Promise<AccessRow[]> {
    await this.init();
    const r = await this.pool.query<Row>('SELECT * FROM access_log WHERE position >= $1 ORDER BY position LIMIT $2', [from, limit]);
    return r.rows.map(toRow);
  }

  async list(fromPosition: number, limit: number): Promise<AccessRecord[]> {
    return (await this.page(fromPosition, limit)).map(toRecord);
  }

  verify(): Promise<AccessLogVerifyReport> {
    return verifyRows((from, limit) => this.page(from, limit));
  }

  async ping(): Promise<void> {
    await this.init();
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
