// The little SQL interface the PostgreSQL adapter is written against, so the same adapter runs on a
// real server (node-postgres Pool) and on PGlite (WASM PostgreSQL, for fast tests only: it never fsyncs).
import pg from 'pg';
import { withoutJit } from '../../common/postgres-pool.js';
import { from as copyFrom } from 'pg-copy-streams';

export interface SqlRows<R> { rows: R[] }

export interface SqlRunner {
  /** One statement with $1.. parameters. */
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<SqlRows<R>>;
  /**
   * `COPY ... FROM STDIN` fed with `data` (already in the statement's format); resolves to the
   * number of rows copied. Optional: a real server (node-postgres) has it, PGlite through this
   * interface does not (the adapter then writes with INSERT).
   */
  copyIn?(statement: string, data: Buffer): Promise<number>;
}

export interface Sql extends SqlRunner {
  /** Runs `fn` in a READ COMMITTED transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Several statements, no parameters. */
  exec(text: string): Promise<void>;
  /**
   * LISTEN on `channel` (lower-case letters, digits, `_`). Resolves to an unsubscribe function.
   * `onLost` is called if the listening connection breaks (the caller then relies on polling).
   */
  listen(channel: string, onNotify: (payload: string) => void, onLost?: (error: Error) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`invalid LISTEN channel name "${channel}"`);
}

/** A node-postgres Pool (created here from the config, ended by `close`). */
export function pgPoolSql(config: string | pg.PoolConfig): Sql & { pool: pg.Pool } {
  const poolConfig: pg.PoolConfig = typeof config === 'string' ? { connectionString: config } : config;
  const pool = new pg.Pool(withoutJit(poolConfig));
  // An idle client that errors (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return {
    pool,
    async query<R>(text: string, params?: unknown[]) {
      const r = await pool.query(text, params as unknown[]);
      return { rows: r.rows as R[] };
    },
    async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
        const result = await fn({
          async query<R>(text: string, params?: unknown[]) {
            const r = await client.query(text, params as unknown[]);
            return { rows: r.rows as R[] };
          },
          copyIn: (statement, data) => copyIn(client, statement, data),
        });
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch (rollbackError) {
          client.release(rollbackError as Error); // a broken connection: drop it from the pool
        }
        throw e;
      }
    },
    async copyIn(statement: string, data: Buffer) {
      const client = await pool.connect();
      try {
        const n = await copyIn(client, statement, data);
        client.release();
        return n;
      } catch (e) {
        client.release(e as Error); // the connection's state after a failed COPY is not worth trusting
        throw e;
      }
    },
    async exec(text: string) {
      await pool.query(text);
    },
    async listen(channel, onNotify, onLost) {
      checkChannel(channel);
      const client = new pg.Client(poolConfig);
      let open = true;
      client.on('error', (e) => {
        if (open) {
          open = false;
          onLost?.(e);
        }
      });
      client.on('notification', (m) => {
        if (m.channel === channel) onNotify(m.payload ?? '');
      });
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      return async () => {
        open = false;
        await client.end().catch(() => {});
      };
    },
    async close() {
      await pool.end();
    },
  };
}

/** One COPY FROM STDIN on `client`: `data` in one CopyData message. Rejects with the server's error (code, constraint). */
function copyIn(client: pg.PoolClient, statement: string, data: Buffer): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const stream = client.query(copyFrom(statement));
    stream.on('error', reject);
    stream.on('finish', () => resolve(stream.rowCount));
    stream.end(data);
  });
}

/** What the adapter needs of a PGlite instance (structural, so production code does not import PGlite). */
export interface PGliteLike {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(text: string): Promise<unknown>;
  transaction<T>(fn: (tx: { query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }> }) => Promise<T>): Promise<T>;
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A PGlite instance; `close` closes it only when `ownsDatabase`. */
export function pgliteSql(db: PGliteLike, options: { ownsDatabase?: boolean } = {}): Sql {
  return {
    async query<R>(text: string, params?: unknown[]) {
      const r = await db.query<R>(text, params);
      return { rows: r.rows };
    },
    // PGlite is a single connection that runs one transaction (or query) at a time: serial by nature.
    transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      return db.transaction((tx) =>
        fn({
          async query<R>(text: string, params?: unknown[]) {
            const r = await tx.query<R>(text, params);
            return { rows: r.rows };
          },
        }),
      );
    },
    async exec(text: string) {
      await db.exec(text);
    },
    async listen(channel, onNotify) {
      checkChannel(channel);
      return db.listen(channel, onNotify);
    },
    async close() {
      if (options.ownsDatabase) await db.close();
    },
  };
}
