// The PostgreSQL adapter's SQL on PGlite (WASM PostgreSQL in-process): fast, but never fsyncs, so
// only for tests. One PGlite instance per file (it takes seconds to start); one schema per test.
// `reopen` is a new adapter on the same (in-memory) database: what persists is what the SQL stored;
// durability across a real restart is covered by the PostgreSQL and SQLite specs.
import { PGlite } from '@electric-sql/pglite';
import { describeEventStoreContract } from '../contract/event-store.contract.js';
import type { EventStore } from '../port.js';
import { openPgliteEventStore, quoteIdent } from './postgres-event-store.js';
import type { PGliteLike } from './sql.js';

let db: PGlite;
let n = 0;

beforeAll(async () => {
  db = await PGlite.create();
}, 60_000);
afterAll(async () => {
  await db?.close();
});

describeEventStoreContract('PostgreSQL adapter on PGlite', async () => {
  const schema = `contract_${++n}`;
  const open: EventStore[] = [];
  const openOne = async () => {
    const s = await openPgliteEventStore(db as unknown as PGliteLike, { schema, pollIntervalMs: 50 });
    open.push(s);
    return s;
  };
  const store = await openOne();
  return {
    store,
    tamper: {
      async sql(statement) {
        await db.exec(`SET search_path TO ${quoteIdent(schema)};\n${statement};\nRESET search_path;`);
      },
      blob: (hex) => `'\\x${hex}'::bytea`,
    },
    reopen: openOne,
    async cleanup() {
      for (const s of open) await s.close();
      await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    },
  };
});
