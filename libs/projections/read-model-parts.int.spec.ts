// A state stored in parts (case-digest-v3: a digest in blocks and chunks of entries) on both read
// model stores: an append writes the row and, when it fills a chunk, the last part; the stored state, read back
// by load and scanStates, is the digest; a live follow (one event per commit) and a rebuild store
// the same rows and parts; a reset drops the parts; a store from before parts gains them.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import type { EventStore } from '../event-store/port.js';
import { freshSchema } from '../../test/support/postgres.js';
import { digestsOf } from '../views/case-digest/case-digest.js';
import { DIGEST_BLOCK, DIGEST_CHUNK } from '../views/case-digest/digest-codec.js';
import { LedgerBuilder } from '../views/testing/case-history.js';
import { caseDigestProjection as p } from './case-digest-projection.js';
import { PostgresReadModelStore } from './postgres-read-model-store.js';
import { ProjectionRunner } from './projection-runner.js';
import type { Checkpoint, ReadModelRow, ReadModelStore, StoredState } from './read-model-store.js';
import { SqliteReadModelStore } from './sqlite-read-model-store.js';

const B = DIGEST_BLOCK, C = DIGEST_CHUNK;
/** Parts of a digest of n entries: one per block begun, counting only its full chunks. */
const partsOf = (n: number) => Math.ceil((n - ((n % B) % C)) / B);

/** The log as an event store the runner reads (in this thread, no partitions); `upTo` limits what it holds. */
function logOf(events: StoredCaseEvent[]): EventStore & { upTo: number } {
  const log = {
    upTo: events.length,
    async readAll({ fromPosition, limit }: { fromPosition: number; limit: number }) {
      return events.slice(fromPosition - 1, Math.min(log.upTo, fromPosition - 1 + limit));
    },
    async head() { return { position: log.upTo }; },
  };
  return log as unknown as EventStore & { upTo: number };
}

/** Two cases: C-1 runs past two blocks and a chunk (2B + C + 3 events), C-2 (a few events) interleaved with it. */
function ledger(): StoredCaseEvent[] {
  const l = new LedgerBuilder();
  const long = l.case('C-1', '2021-03-04T10:15:00Z');
  const short = l.case('C-2', '2021-03-04T10:16:00Z');
  for (let k = 1; k < 2 * B + C + 3; k++) {
    const at = new Date(Date.parse('2021-03-04T10:15:00Z') + k * 60_000).toISOString();
    if (k === 2) long.requestDevice(at, 'dev-1'); else long.contact(at);
    if (k % 40 === 0) short.contact(at);
  }
  return l.events;
}

/** Records what each commit wrote. */
function spied(store: ReadModelStore): { store: ReadModelStore; commits: ReadModelRow[][] } {
  const commits: ReadModelRow[][] = [];
  const spy = Object.create(store) as ReadModelStore;
  spy.commit = (projection: string, rows: ReadModelRow[], cp: Checkpoint, from: number) => {
    commits.push(rows);
    return store.commit(projection, rows, cp, from);
  };
  return { store: spy, commits };
}

async function scanned(store: ReadModelStore): Promise<Map<string, StoredState & { facts?: string }>> {
  const out = new Map<string, StoredState & { facts?: string }>();
  await store.scanStates(p.name, (rows) => { for (const r of rows) out.set(r.key, { state: r.state, parts: r.parts }); });
  await store.scanFacts(p.name, (rows) => { for (const r of rows) out.get(r.key)!.facts = r.facts; });
  return out;
}

interface Backend {
  open(): Promise<ReadModelStore>;
  /** Part rows stored for the projection (whatever their state's count). */
  partRows(projection: string): Promise<number>;
  /** A read_model_row table as it was before parts, with one row. */
  legacy(): Promise<void>;
  close(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'read-model-parts-'));
  const query = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(join(dir, 'ledger.sqlite'));
    try { return fn(db); } finally { db.close(); }
  };
  return {
    open: async () => new SqliteReadModelStore(dir),
    partRows: async (projection) => query((db) =>
      (db.prepare('SELECT count(*) AS n FROM read_model_part WHERE projection = ?').get(projection) as { n: number }).n),
    legacy: async () => { query((db) => db.exec(`
      DROP TABLE IF EXISTS read_model_row; DROP TABLE IF EXISTS read_model_part; DROP TABLE IF EXISTS read_model_checkpoint;
      CREATE TABLE read_model_row (projection TEXT NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL, facts TEXT NOT NULL,
        PRIMARY KEY (projection, key)) WITHOUT ROWID;
      INSERT INTO read_model_row VALUES ('old', 'C-9', '{}', 'null');`)); },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresBackend(): Promise<Backend> {
  const schema = await freshSchema('read_model_parts');
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const c = new pg.Client({ connectionString: schema.url });
    await c.connect();
    try { return (await c.query(sql, params)).rows as T[]; } finally { await c.end(); }
  };
  return {
    open: async () => new PostgresReadModelStore(schema.url),
    partRows: async (projection) =>
      Number((await query<{ n: string }>('SELECT count(*) AS n FROM read_model_part WHERE projection = $1', [projection]))[0]!.n),
    legacy: async () => { await query(`
      DROP TABLE IF EXISTS read_model_row, read_model_part, read_model_checkpoint;
      CREATE TABLE read_model_row (projection text NOT NULL, key text COLLATE "C" NOT NULL, state text NOT NULL, facts text NOT NULL,
        PRIMARY KEY (projection, key));
      INSERT INTO read_model_row VALUES ('old', 'C-9', '{}', 'null');`); },
    close: () => schema.drop(),
  };
}

describe.each([
  ['SQLite', async () => sqliteBackend()],
  ['PostgreSQL', postgresBackend],
])('a digest in parts on %s', (_name, makeBackend) => {
  let backend: Backend;
  let store: ReadModelStore;
  const events = ledger();
  const expected = digestsOf(events);

  beforeAll(async () => {
    backend = await makeBackend();
    store = await backend.open();
  });
  afterAll(async () => {
    await store.close();
    await backend.close();
  });

  test('given a live follow (one event per commit), then each commit writes the changed row and, when the event fills a chunk, the last part, and the stored states are the digests', async () => {
    const log = logOf(events);
    const spy = spied(store);
    const runner = new ProjectionRunner(log, spy.store, p, { batchSize: 1, parallel: false });
    for (log.upTo = 1; log.upTo <= events.length; log.upTo++) await runner.catchUp();
    log.upTo = events.length;

    expect(spy.commits).toHaveLength(events.length);
    const entries = new Map<string, number>();
    spy.commits.forEach((rows, k) => {
      const key = events[k]!.metadata.caseId;
      const n = (entries.get(key) ?? 0) + 1;
      entries.set(key, n);
      expect(rows.map((r) => r.key)).toEqual([key]);
      expect(rows[0]!.parts!.texts).toHaveLength(n % C === 0 ? 1 : 0);
      expect(rows[0]!.parts!.from + rows[0]!.parts!.texts.length).toBe(partsOf(n));
    });
    expect(entries.get('C-1')).toBe(2 * B + C + 3);
    // C-1's two blocks and the chunk after them.
    expect(await backend.partRows(p.name)).toBe(3);

    const loaded = await store.load(p.name, ['C-1', 'C-2', 'C-3']);
    expect([...loaded.keys()].sort()).toEqual(['C-1', 'C-2']);
    expect(loaded.get('C-1')!.parts).toHaveLength(3);
    for (const [key, s] of loaded) expect(p.decodeState(s)).toEqual(expected.get(key));
  });

  test('given the live follow\'s rows, when the read model is rebuilt in one batch, then rows, parts and facts are the same', async () => {
    const live = await scanned(store);
    expect(live.size).toBe(2);
    for (const [key, s] of live) expect(p.decodeState(s)).toEqual(expected.get(key));
    await new ProjectionRunner(logOf(events), store, p, { batchSize: 10_000, parallel: false }).rebuild();
    expect(await scanned(store)).toEqual(live);
    expect(await backend.partRows(p.name)).toBe(3);
  });

  test('given stored parts, when the projection is reset, then its parts are dropped with its rows', async () => {
    await store.reset(p.name);
    expect(await backend.partRows(p.name)).toBe(0);
    expect((await store.load(p.name, ['C-1'])).size).toBe(0);
  });

  test('given a store from before parts (rows without a part count), when opened, then its rows read as having none and parts can be written', async () => {
    await store.close();
    await backend.legacy();
    store = await backend.open();
    expect(await store.load('old', ['C-9'])).toEqual(new Map([['C-9', { state: '{}', parts: [] }]]));
    await new ProjectionRunner(logOf(events), store, p, { parallel: false }).catchUp();
    const loaded = (await store.load(p.name, ['C-1'])).get('C-1')!;
    expect(p.decodeState(loaded)).toEqual(expected.get('C-1'));
  });
});

test.each([
  ['SQLite', async () => sqliteBackend()],
  ['PostgreSQL', postgresBackend],
])('given a part holding a line feed (parts are read back joined by line feeds), when committed on %s, then the commit is refused and nothing is written', async (_name, makeBackend) => {
  const backend = await makeBackend();
  const store = await backend.open();
  try {
    const row: ReadModelRow = { key: 'C-1', state: '{}', facts: 'null', parts: { from: 0, texts: ['[1]', '[2,\n3]'] } };
    await expect(store.commit('p', [row], { position: 1, maxRecordedAt: 0 }, 0)).rejects.toThrow(/C-1 is empty or contains a line feed/);
    expect(await store.checkpoint('p')).toEqual({ position: 0, maxRecordedAt: 0 });
    expect((await store.load('p', ['C-1'])).size).toBe(0);
    expect(await backend.partRows('p')).toBe(0);
  } finally {
    await store.close();
    await backend.close();
  }
});
