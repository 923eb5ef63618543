// The contract against a real PostgreSQL server (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test),
// each test in a schema of its own, plus concurrency with real concurrent transactions.
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { describeEventStoreContract } from '../contract/event-store.contract.js';
import { caseHistory, caseReported, deviceRequested, victimContact } from '../contract/fixtures.js';
import { verifyEventStore } from '../integrity/verify.js';
import type { AppendOutcome, EventStore } from '../port.js';
import { VersionConflictError } from '../../case-ledger/domain/errors.js';
import { openPostgresEventStore, PostgresEventStore, quoteIdent } from './postgres-event-store.js';
import { pgPoolSql, type SqlRunner } from './sql.js';

const URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const prefix = `evs_${process.pid}_${Date.now().toString(36)}`;
let n = 0;
const newSchema = () => `${prefix}_${++n}`;

let admin: pg.Pool;
const schemas: string[] = [];
beforeAll(() => {
  admin = new pg.Pool({ connectionString: URL, max: 2 });
});
afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(s)} CASCADE`);
  await admin.end();
});

async function rawSql(schema: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  try {
    await c.query(`SET search_path TO ${quoteIdent(schema)};\n${statement}`);
  } finally {
    await c.end();
  }
}

describeEventStoreContract('PostgreSQL', async () => {
  const schema = newSchema();
  schemas.push(schema);
  const open: EventStore[] = [];
  const openOne = async () => {
    const s = await openPostgresEventStore(URL, { schema, pollIntervalMs: 100 });
    open.push(s);
    return s;
  };
  const store = await openOne();
  return {
    store,
    tamper: { sql: (statement) => rawSql(schema, statement), blob: (hex) => `'\\x${hex}'::bytea` },
    reopen: openOne,
    async cleanup() {
      for (const s of open) await s.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    },
  };
});

describe('PostgreSQL store under concurrency', () => {
  const stores: EventStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  async function open(schema: string, options: Parameters<typeof openPostgresEventStore>[1] = {}): Promise<PostgresEventStore> {
    const s = await openPostgresEventStore(URL, { schema, ...options });
    stores.push(s);
    return s;
  }
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  test('writers in separate pools with transactions held open before COMMIT: a tailing reader sees every position once, in order', async () => {
    const schema = newSchema();
    schemas.push(schema);
    const writers = await Promise.all(
      [0, 1, 2, 3].map(() => open(schema, { beforeCommit: () => sleep(Math.floor(Math.random() * 15)) })),
    );
    const reader = await open(schema, { pollIntervalMs: 50 });
    const rounds = 12;
    let total = 0;
    const plans = writers.map((_, w) =>
      Array.from({ length: rounds }, (_, r) => {
        const size = 1 + ((w + r) % 3);
        total += size;
        return { caseId: `W${w}-C${r % 3}`, size };
      }),
    );

    let writing = true;
    const seen: number[] = [];
    const tail = (async () => {
      let next = 1;
      for (;;) {
        const page = await reader.readAll({ fromPosition: next, limit: 4 });
        for (const e of page) seen.push(e.position);
        if (page.length) next = page[page.length - 1]!.position + 1;
        else if (!writing && next > total) return;
        else await reader.waitForEvents(next, 100);
      }
    })();

    await Promise.all(
      writers.map(async (store, w) => {
        const versions = new Map<string, number>();
        for (const { caseId, size } of plans[w]!) {
          const v = versions.get(caseId) ?? 0;
          const events = v === 0 ? caseHistory(caseId, size) : Array.from({ length: size }, () => victimContact(caseId));
          const outcome = await store.append({ caseId, expectedVersion: v, events });
          versions.set(caseId, v + outcome.events.length);
        }
      }),
    );
    writing = false;
    await tail;
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(await verifyEventStore(reader)).toMatchObject({ ok: true, events: total });
  });

  test('readAll never skips an event that commits late (raw transactions committing out of position order)', async () => {
    const schema = newSchema();
    schemas.push(schema);
    const store = await open(schema);
    await store.append({ caseId: 'CASE-A', expectedVersion: 0, events: caseHistory('CASE-A', 2) });
    const s = quoteIdent(schema);
    const insert = (position: number, caseId: string) => {
      const event = caseReported(caseId);
      return {
        text:
          `INSERT INTO ${s}.events (position, appended_at, stream_version, case_id, event_key, body, leaf, chain) ` +
          `VALUES ($1, $2, 1, $3, decode($4, 'hex'), $5, decode($6, 'hex'), decode($6, 'hex'))`,
        values: [position, Date.now(), caseId, randomUUID().replace(/-/g, ''), JSON.stringify({ ...event.metadata, type: event.type, data: event.data }), '00'.repeat(32)],
      };
    };
    const early = new pg.Client({ connectionString: URL });
    const late = new pg.Client({ connectionString: URL });
    await early.connect();
    await late.connect();
    try {
      await late.query('BEGIN');
      await late.query(insert(3, 'LATE'));       // position 3, not committed yet
      await early.query('BEGIN');
      await early.query(insert(4, 'EARLY'));     // position 4 ...
      await early.query('COMMIT');               // ... commits first
      expect((await store.readAll({ fromPosition: 1, limit: 10 })).map((e) => e.position)).toEqual([1, 2]);
      expect(await store.readAll({ fromPosition: 3, limit: 10 })).toEqual([]);
      await late.query('COMMIT');
      expect((await store.readAll({ fromPosition: 3, limit: 10 })).map((e) => [e.position, e.metadata.caseId])).toEqual([
        [3, 'LATE'], [4, 'EARLY'],
      ]);
    } finally {
      await early.end();
      await late.end();
    }
  });

  test('a writer holding the head lock makes the others wait; positions stay contiguous', async () => {
    const schema = newSchema();
    schemas.push(schema);
    const slow = await open(schema, { beforeCommit: () => sleep(300) });
    const fast = await open(schema);
    const started = Date.now();
    const slowDone = slow.append({ caseId: 'SLOW', expectedVersion: 0, events: [caseReported('SLOW')] }).then(() => Date.now());
    await sleep(50);
    const fastOutcome = await fast.append({ caseId: 'FAST', expectedVersion: 0, events: [caseReported('FAST')] });
    const fastAt = Date.now();
    expect(fastAt).toBeGreaterThanOrEqual(await slowDone);
    expect(fastAt - started).toBeGreaterThanOrEqual(250);
    expect(fastOutcome.events[0]!.position).toBe(2);
    expect(await verifyEventStore(fast)).toMatchObject({ ok: true, events: 2 });
  });

  test('several processes creating the schema at once all succeed', async () => {
    const schema = newSchema();
    schemas.push(schema);
    const opened = await Promise.all([open(schema), open(schema), open(schema)]);
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${quoteIdent(schema)}.ledger_head`);
    expect(rows[0].n).toBe(1);
    await opened[0]!.append({ caseId: 'CASE-A', expectedVersion: 0, events: [caseReported('CASE-A')] });
    expect((await opened[2]!.head()).position).toBe(1);
  });

  test('waitForEvents is woken by NOTIFY from another pool (polling disabled in effect)', async () => {
    const schema = newSchema();
    schemas.push(schema);
    const waiter = await open(schema, { pollIntervalMs: 60_000 });
    const writer = await open(schema);
    await waiter.waitForEvents(1, 10); // starts LISTEN
    await sleep(100);
    const started = Date.now();
    const waiting = waiter.waitForEvents(1, 20_000);
    await sleep(20);
    await writer.append({ caseId: 'CASE-A', expectedVersion: 0, events: [caseReported('CASE-A')] });
    await waiting;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('uses the connection search_path when no schema is given', async () => {
    const schema = newSchema();
    schemas.push(schema);
    await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    const url = new globalThis.URL(URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const store = await openPostgresEventStore(url.toString());
    stores.push(store);
    expect(store.schema).toBe(schema);
    await store.append({ caseId: 'CASE-A', expectedVersion: 0, events: [caseReported('CASE-A')] });
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${quoteIdent(schema)}.events`);
    expect(rows[0].n).toBe(1);
  });

  test('readPartition: the partitions of a range hold each of its events once, a case in one partition, in position order', async () => {
    const schema = newSchema();
    schemas.push(schema);
    const store = await openPostgresEventStore(URL, { schema });
    stores.push(store);
    const cases = Array.from({ length: 12 }, (_, i) => `CASE-P${i}`);
    for (let round = 0; round < 3; round++) {
      for (const c of cases) await store.append({ caseId: c, expectedVersion: round * 2, events: round === 0 ? caseHistory(c, 2) : [victimContact(c), victimContact(c)] });
    }
    const all = await store.readAll({ fromPosition: 1, limit: 1000 });
    expect(all).toHaveLength(72);
    const partitionOf = new Map<string, number>();
    const seen: number[] = [];
    for (let part = 0; part < 3; part++) {
      const events = await store.readPartition({ fromPosition: 5, toPosition: 60, partition: part, partitions: 3 });
      expect(events.map((e) => e.position)).toEqual([...events.map((e) => e.position)].sort((a, b) => a - b));
      for (const e of events) {
        expect(e).toEqual(all[e.position - 1]);
        expect(partitionOf.get(e.metadata.caseId) ?? part).toBe(part);
        partitionOf.set(e.metadata.caseId, part);
        seen.push(e.position);
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 56 }, (_, i) => 5 + i));
    expect(new Set(partitionOf.values()).size).toBeGreaterThan(1);
    expect(await store.readPartition({ fromPosition: 10, toPosition: 9, partition: 0, partitions: 1 })).toEqual([]);
    await expect(store.readPartition({ fromPosition: 1, toPosition: 9, partition: 3, partitions: 3 })).rejects.toThrow(/partition 3 of 3/);
    // A worker thread opens the same log from the source the store describes.
    expect(store.partitionSource()).toEqual({ kind: 'postgres', connectionString: URL, schema });
  });

  test('a real server gets the rows of a large batch by binary COPY (a small one by INSERT): bodies of any text and a batch past the first buffer stored byte for byte', async () => {
    const schema = newSchema();
    schemas.push(schema);
    const sql = pgPoolSql(URL);
    let copies = 0;
    const counted = {
      ...sql,
      transaction: <T>(fn: (tx: SqlRunner) => Promise<T>) =>
        sql.transaction((tx) => fn({ query: tx.query, copyIn: (statement, data) => (copies++, tx.copyIn!(statement, data)) })),
    };
    const store = await PostgresEventStore.open(counted, { schema }, true);
    stores.push(store);
    // One body far larger than the encoder's first 64 KiB, text that needs escaping in other formats
    // (quotes, backslashes, tabs, line breaks inside JSON strings), 2-, 3- and 4-byte UTF-8.
    const big = deviceRequested('CASE-B');
    (big.data as { lineOfEnquiry: string }).lineOfEnquiry = 'é€𝄞 "quoted" \\ back\tslash\n\t'.repeat(4000);
    const many = Array.from({ length: 300 }, (_, i) => `CASE-${i}-\\é`);
    // A small batch goes by the one INSERT statement (fewer round trips), a large one by COPY.
    await store.appendMany([{ caseId: 'CASE-S', expectedVersion: 0, events: caseHistory('CASE-S', 2) }]);
    expect(copies).toBe(0);
    const outcomes = await store.appendMany([
      { caseId: 'CASE-B', expectedVersion: 0, events: [caseReported('CASE-B'), big] },
      ...many.map((c) => ({ caseId: c, expectedVersion: 0, events: caseHistory(c, 2) })),
    ]);
    expect(outcomes.every((o) => o.status === 'appended')).toBe(true);
    expect(copies).toBe(1);
    expect((await store.readStream('CASE-B'))[1]!.data).toEqual(big.data);
    expect((await store.readStream(many[299]!)).map((e) => e.streamVersion)).toEqual([1, 2]);
    expect(await verifyEventStore(store)).toMatchObject({ ok: true, events: 604 });
  });

  test('a batch prepared ahead whose head another writer moves while it waits for the lock is judged again, not written on the old head', async () => {
    const schema = newSchema();
    schemas.push(schema);
    let holding!: () => void;
    const other = await open(schema, {
      beforeCommit: async () => {
        holding();
        await sleep(200);
      },
    });
    const store = await open(schema, { copyMinEvents: 1 }); // its one-event batches by COPY (the path that skips the lock)
    const [reported, assigned] = caseHistory('CASE-X', 2);
    const attempt = async (other: () => Promise<unknown>) => {
      const caseAt = await store.streamVersion('CASE-X');
      let open!: (ok: boolean) => void;
      const gate = new Promise<boolean>((resolve) => (open = resolve));
      // prepared ahead (numbered from the head the first batch leaves) while the gate is closed
      const y = await store.streamVersion('CASE-Y');
      const first = await store.appendMany([{ caseId: 'CASE-Y', expectedVersion: y, events: [y === 0 ? caseReported('CASE-Y') : victimContact('CASE-Y')] }]);
      expect(first[0]!.status).toBe('appended');
      const ahead = store.appendMany([{ caseId: 'CASE-X', expectedVersion: caseAt, events: [caseAt === 0 ? reported! : assigned!] }], { after: gate });
      await new Promise((r) => setTimeout(r, 20));
      const locked = new Promise<void>((resolve) => (holding = resolve));
      const written = other(); // holds the head lock 200 ms before it commits
      await locked;
      open(true); // the prepared batch now waits for the lock
      await written;
      return ahead;
    };

    // another writer appends to the same case meanwhile: a version conflict, nothing written
    await store.append({ caseId: 'CASE-X', expectedVersion: 0, events: [reported!] });
    const conflicted = await attempt(() => other.append({ caseId: 'CASE-X', expectedVersion: 1, events: [victimContact('CASE-X')] }));
    expect(conflicted[0]!.status).toBe('error');
    expect((conflicted[0] as { error: Error }).error).toBeInstanceOf(VersionConflictError);
    expect((await store.readStream('CASE-X')).map((e) => e.streamVersion)).toEqual([1, 2]);

    // another writer appends to another case: the batch is numbered again from the head it left
    const moved = await attempt(() => other.append({ caseId: 'CASE-Z', expectedVersion: 0, events: [caseReported('CASE-Z')] }));
    expect(moved[0]!.status).toBe('appended');
    const head = await store.head();
    expect((moved[0] as AppendOutcome).events.map((e) => [e.position, e.streamVersion])).toEqual([[head.position, 3]]);
    expect(await verifyEventStore(store)).toMatchObject({ ok: true, events: head.position });
  });

  test('connections run without JIT (regression: the look-up of an import chunk\'s cases was JIT-compiled, ~170 ms each, on a table with stale statistics)', async () => {
    const sql = pgPoolSql(URL);
    try {
      expect((await sql.query<{ jit: string }>('SHOW jit')).rows[0]!.jit).toBe('off');
      expect(await sql.transaction(async (tx) => (await tx.query<{ jit: string }>('SHOW jit')).rows[0]!.jit)).toBe('off');
    } finally {
      await sql.close();
    }
  });
});
