import pg from 'pg';
import { withoutJit } from '../common/postgres-pool.js';
import { CheckpointConflictError, checkedPart, splitParts, type Checkpoint, type ReadModelRow, type ReadModelStore, type StoredState } from './read-model-store.js';

const PAGE = 5000;
/**
 * A row's state and its parts in index order (those below its count), joined by line feeds into one
 * text (NULL: none). Not a text[]: the driver parses an array's text form character by character in
 * JavaScript, which made loading 3,646 digests 6 times slower (1.8 s against 0.3 s).
 */
const STATE = `state, (SELECT string_agg(p.text, E'\\n' ORDER BY p.idx) FROM read_model_part p
  WHERE p.projection = r.projection AND p.key = r.key AND p.idx < r.parts) AS parts`;
type JoinedState = { key: string; state: string; parts: string | null };
const stored = (r: JoinedState): StoredState => ({ state: r.state, parts: splitParts(r.parts) });
const SCHEMA_LOCK = 7_341_001; // advisory lock key: creating the tables once when several processes start together

/** Read models in the same PostgreSQL database (and schema) as the events. */
export class PostgresReadModelStore implements ReadModelStore {
  private readonly pool: pg.Pool;
  private ready: Promise<void> | undefined;

  constructor(connectionString: string) {
    this.pool = new pg.Pool(withoutJit({ connectionString, max: 4 }));
  }

  /** Runs `fn` in one transaction on one connection; rolls back on any error. */
  private async transaction(fn: (c: pg.PoolClient) => Promise<void>): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      await fn(c);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  private init(): Promise<void> {
    this.ready ??= this.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await c.query(`
        CREATE TABLE IF NOT EXISTS read_model_checkpoint (
          projection text PRIMARY KEY, position bigint NOT NULL, max_recorded_at bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS read_model_row (
          projection text NOT NULL, key text COLLATE "C" NOT NULL, state text NOT NULL, facts text NOT NULL,
          PRIMARY KEY (projection, key));
        -- Rows (a digest and its facts, a few KB) stay in the table uncompressed rather than being
        -- compressed and moved to TOAST whenever they pass 2 KB: each rewrite costs less (issue 3).
        ALTER TABLE read_model_row ALTER COLUMN state SET STORAGE MAIN, ALTER COLUMN facts SET STORAGE MAIN,
          SET (toast_tuple_target = 8160);
        -- A state's parts (KeyedProjection.encodeState) and how many the row has (0 for rows from before).
        ALTER TABLE read_model_row ADD COLUMN IF NOT EXISTS parts integer NOT NULL DEFAULT 0;
        CREATE TABLE IF NOT EXISTS read_model_part (
          projection text NOT NULL, key text COLLATE "C" NOT NULL, idx integer NOT NULL, text text NOT NULL,
          PRIMARY KEY (projection, key, idx));
        ALTER TABLE read_model_part ALTER COLUMN text SET STORAGE MAIN, SET (toast_tuple_target = 8160);`);
    });
    return this.ready;
  }

  async checkpoint(projection: string): Promise<Checkpoint> {
    await this.init();
    const r = await this.pool.query('SELECT position, max_recorded_at FROM read_model_checkpoint WHERE projection = $1', [projection]);
    const row = r.rows[0] as { position: string; max_recorded_at: string } | undefined;
    return row ? { position: Number(row.position), maxRecordedAt: Number(row.max_recorded_at) } : { position: 0, maxRecordedAt: 0 };
  }

  async load(projection: string, keys: string[]): Promise<Map<string, StoredState>> {
    await this.init();
    const out = new Map<string, StoredState>();
    if (!keys.length) return out;
    const r = await this.pool.query(`SELECT key, ${STATE} FROM read_model_row r WHERE projection = $1 AND key = ANY($2::text[])`, [projection, keys]);
    for (const row of r.rows as JoinedState[]) out.set(row.key, stored(row));
    return out;
  }

  private async scan<R extends { key: string }>(projection: string, columns: string, onPage: (rows: R[]) => void): Promise<void> {
    await this.init();
    for (let after = ''; ; ) {
      const r = await this.pool.query(
        `SELECT key, ${columns} FROM read_model_row r WHERE projection = $1 AND key > $2 ORDER BY key LIMIT $3`,
        [projection, after, PAGE],
      );
      if (r.rows.length) onPage(r.rows as R[]);
      if (r.rows.length < PAGE) return;
      after = (r.rows[r.rows.length - 1] as { key: string }).key;
    }
  }

  scanFacts(projection: string, onPage: (rows: { key: string; facts: string }[]) => void): Promise<void> {
    return this.scan(projection, 'facts', onPage);
  }

  scanStates(projection: string, onPage: (rows: ({ key: string } & StoredState)[]) => void): Promise<void> {
    return this.scan<JoinedState>(projection, STATE, (rows) => onPage(rows.map((r) => ({ key: r.key, ...stored(r) }))));
  }

  async commit(projection: string, rows: ReadModelRow[], checkpoint: Checkpoint, expectedFrom: number): Promise<void> {
    await this.init();
    await this.transaction(async (c) => {
      // No wait for the WAL flush: a read model is derived from the log, and its rows and checkpoint
      // commit atomically, so a server crash can only take it back to an earlier checkpoint, from which
      // it catches up again (the events themselves are appended with synchronous commits).
      await c.query("SET LOCAL synchronous_commit = off");
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`projection:${projection}`]);
      const cur = await c.query('SELECT position FROM read_model_checkpoint WHERE projection = $1', [projection]);
      const current = cur.rows.length ? Number((cur.rows[0] as { position: string }).position) : 0;
      if (current !== expectedFrom) throw new CheckpointConflictError(projection, expectedFrom, current);
      if (rows.length) {
        await c.query(
          `INSERT INTO read_model_row (projection, key, state, facts, parts)
           SELECT $1, k, s, f, n FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) AS t(k, s, f, n)
           ON CONFLICT (projection, key) DO UPDATE SET state = excluded.state, facts = excluded.facts, parts = excluded.parts`,
          [projection, rows.map((r) => r.key), rows.map((r) => r.state), rows.map((r) => r.facts),
            rows.map((r) => (r.parts ? r.parts.from + r.parts.texts.length : 0))],
        );
        const keys: string[] = [], idx: number[] = [], texts: string[] = [];
        for (const r of rows) {
          if (!r.parts) continue;
          const { from, texts: t } = r.parts;
          for (let k = 0; k < t.length; k++) { keys.push(r.key); idx.push(from + k); texts.push(checkedPart(projection, r.key, t[k]!)); }
        }
        if (keys.length) {
          await c.query(
            `INSERT INTO read_model_part (projection, key, idx, text)
             SELECT $1, k, i, t FROM unnest($2::text[], $3::int[], $4::text[]) AS u(k, i, t)
             ON CONFLICT (projection, key, idx) DO UPDATE SET text = excluded.text`,
            [projection, keys, idx, texts],
          );
        }
      }
      await c.query(
        `INSERT INTO read_model_checkpoint (projection, position, max_recorded_at) VALUES ($1, $2, $3)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position, max_recorded_at = excluded.max_recorded_at`,
        [projection, checkpoint.position, checkpoint.maxRecordedAt],
      );
    });
  }

  async reset(projection: string): Promise<void> {
    await this.init();
    await this.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`projection:${projection}`]);
      await c.query('DELETE FROM read_model_row WHERE projection = $1', [projection]);
      await c.query('DELETE FROM read_model_part WHERE projection = $1', [projection]);
      await c.query('DELETE FROM read_model_checkpoint WHERE projection = $1', [projection]);
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
