// The PostgreSQL event store. Global order and the hash chain need serial appends: every write
// transaction first locks the single row of `ledger_head` (SELECT ... FOR UPDATE), assigns positions
// contiguously from it, writes all its events with ONE statement (COPY in binary format on a real
// server; a multi-row INSERT where the connection cannot COPY: PGlite), moves the head and NOTIFYs,
// then commits. Written against the small `Sql` interface, so it also runs on PGlite.
import type pg from 'pg';
import type { StoredCaseEvent } from '../../case-ledger/domain/vocabulary.js';
import { DomainError } from '../../case-ledger/domain/errors.js';
import {
  NotAppendedError,
  type AppendManyOptions, type AppendOutcome, type AppendRequest, type EventStore, type LedgerHead, type PartitionReadOptions,
  type PartitionSource, type ReadAllOptions, type StoredRecord,
} from '../port.js';
import { decodeBody, storedFromLine, eventKeysHex } from '../codec.js';
import { judgeRequest, prepareRequest, type Judgement, type PreparedEvent, type PreparedRequest } from '../append-judge.js';
import { HeadWaiters } from '../head-waiters.js';
import { PackedRecord, packedPage } from '../packed-records.js';
import { sealEvents, type ChainTip } from '../integrity/hash-chain.js';
import { pgliteSql, pgPoolSql, type PGliteLike, type Sql, type SqlRunner } from './sql.js';
import { BinaryCopyRows, EVENT_COLUMNS, InsertColumns } from './event-rows.js';

export const POSTGRES_SCHEMA_VERSION = 1;

export interface PostgresEventStoreOptions {
  /** Schema of the ledger's tables (created if missing). Default: the connection's current schema (search_path). */
  schema?: string;
  /** Polling fallback for waitForEvents besides LISTEN/NOTIFY (default 200 ms). */
  pollIntervalMs?: number;
  /**
   * Test hook: runs inside each append transaction after its writes, just before COMMIT, while the
   * head lock is held (e.g. a delay, to hold transactions open concurrently).
   */
  beforeCommit?: (appended: { fromPosition: number; toPosition: number }) => Promise<void>;
  /**
   * Batches of at least this many events go in by COPY on a real server (default 64); smaller ones
   * by the one INSERT statement, which takes two round trips fewer (a single append's latency).
   */
  copyMinEvents?: number;
}

const COPY_MIN_EVENTS = 64;

type Outcome = AppendOutcome | { status: 'error'; error: Error };

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The optimistic pass applies when every well-formed request gives its expected version, the requests
 * of a case chain on (each expects the version the one before leaves), no eventId repeats in the batch,
 * and some event is to be appended. Returns the guard: each case's expected version before the batch.
 */
function speculate(prepared: (PreparedRequest | Error)[]): { cases: string[]; expected: number[] } | undefined {
  const first = new Map<string, number>();
  const next = new Map<string, number>();
  const keys = new Set<string>();
  let events = 0;
  for (const r of prepared) {
    if (r instanceof Error) continue;
    if (r.expectedVersion === 'any') return undefined;
    const expected = next.get(r.caseId);
    if (expected === undefined) first.set(r.caseId, r.expectedVersion);
    else if (expected !== r.expectedVersion) return undefined;
    next.set(r.caseId, r.expectedVersion + r.events.length);
    for (const e of r.events) {
      if (keys.has(e.keyHex)) return undefined;
      keys.add(e.keyHex);
    }
    events += r.events.length;
  }
  if (events === 0) return undefined;
  return { cases: [...first.keys()], expected: [...first.values()] };
}

/** A PostgreSQL array literal of numbers or hex strings (nothing in them needs quoting). */
function arrayLiteral(values: (number | string)[]): string {
  return `{${values.join(',')}}`;
}

/**
 * A PostgreSQL text[] literal of stored bodies, escaped by JSON.stringify in native code (node-postgres
 * escapes array elements one by one in JavaScript: a third of the client's CPU per event). Exact for
 * bodies: a body is itself JSON.stringify output, so it holds no control character and no lone
 * surrogate, and JSON.stringify of it escapes only `"` and `\` (as `\"` and `\\`), which is exactly
 * what an array literal's quoted element needs. The contract suite appends bodies full of such text.
 */
function bodiesLiteral(bodies: string[]): string {
  const json = JSON.stringify(bodies);
  return `{${json.slice(1, -1)}}`;
}

/** A unique violation on the eventId index (node-postgres and PGlite both report code and constraint). */
function isEventKeyViolation(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  return e?.code === '23505' && (e.constraint === 'events_event_key_unique' || /events_event_key_unique/.test(e.message ?? ''));
}

function toBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  throw new Error(`expected bytea, got ${typeof v}`);
}

/** PostgreSQL from a connection string (or pool config): the store owns the pool and ends it on close. */
export async function openPostgresEventStore(
  connection: string | pg.PoolConfig,
  options: PostgresEventStoreOptions = {},
): Promise<PostgresEventStore> {
  const sql = pgPoolSql(connection);
  try {
    const store = await PostgresEventStore.open(sql, options, true);
    const url = typeof connection === 'string' ? connection : undefined;
    // The same connection string (and the same schema option, if any) opens the same tables elsewhere.
    if (url !== undefined) store.partitionReaders({ kind: 'postgres', connectionString: url, ...(options.schema !== undefined ? { schema: options.schema } : {}) });
    return store;
  } catch (e) {
    await sql.close().catch(() => {});
    throw e;
  }
}

/** The same adapter on a PGlite instance (tests). The instance stays open after `close`. */
export function openPgliteEventStore(db: PGliteLike, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
  return PostgresEventStore.open(pgliteSql(db), options, false);
}

interface EventRow { position: string | number; stream_version: number; body: string }

/** Events `buildAhead` seals between two turns of the event loop. */
const BUILD_SLICE = 256;

/** A batch's events and the first size of its COPY buffer (see BinaryCopyRows.bytesFor). */
function copySize(prepared: (PreparedRequest | Error)[]): { events: number; bytes: number } {
  let events = 0;
  let chars = 0;
  let longest = 0;
  for (const r of prepared) {
    if (r instanceof Error) continue;
    for (const e of r.events) {
      const n = r.caseId.length + e.body.length;
      events++;
      chars += n;
      if (n > longest) longest = n;
    }
  }
  return { events, bytes: BinaryCopyRows.bytesFor(events, chars, longest) };
}

/** A batch's outcomes and rows, numbered and hashed from a head (`build`). */
interface Built {
  outcomes: Outcome[];
  /** The head the batch leaves. */
  position: number;
  chain: string;
  appendedAt: number;
  rows: BinaryCopyRows | InsertColumns;
}

/** A ledger head: last position and its chain hash (hex). */
interface Tip { position: number; chain: string }

/** A batch numbered and hashed ahead from the head `from`, to write if the head is still that, guarded by the expected versions. */
interface Ahead {
  from: Tip;
  guard: { cases: string[]; expected: number[] };
  built: Built;
}

export class PostgresEventStore implements EventStore {
  private readonly waiters: HeadWaiters;
  /**
   * The head the last batch handed to this store is to leave if it commits as built, once it is built
   * (undefined: not known). A batch with `after` is prepared from it while the ones before it are
   * written; it is only a guess: the write checks the real head under the lock.
   */
  private planned: Promise<Tip | undefined> = Promise.resolve(undefined);
  private listening: Promise<() => Promise<void>> | undefined;
  private closed = false;
  /** Set when the store was opened from a connection string: worker threads can open the same log. */
  private source: PartitionSource | undefined;
  private readonly q: Record<
    'lockHead' | 'lookup' | 'write' | 'move' | 'copy' | 'head' | 'version' | 'stream' | 'streams' | 'versions' | 'byKeys' | 'all' | 'partition' | 'records' | 'recordsPlain' | 'stats',
    string
  >;

  private constructor(
    private readonly sql: Sql,
    /** The schema holding the tables. */
    readonly schema: string,
    private readonly channel: string,
    private readonly options: PostgresEventStoreOptions,
    private readonly ownsSql: boolean,
  ) {
    const s = quoteIdent(schema);
    const keysParam = `ARRAY(SELECT decode(x, 'hex') FROM unnest($1::text[]) AS x)`;
    // Some (case, expected version) of the guard does not hold: the case's current version differs.
    const bad = (cases: string, expected: string) =>
      `bad AS (SELECT 1 FROM unnest(${cases}::text[], ${expected}::int[]) AS g(c, e) WHERE coalesce((SELECT stream_version ` +
      `FROM ${s}.events WHERE case_id = g.c ORDER BY stream_version DESC LIMIT 1), 0) <> g.e LIMIT 1)`;
    this.q = {
      lockHead: `SELECT position, chain FROM ${s}.ledger_head WHERE id FOR UPDATE`,
      // One round trip for both look-ups of a write: the events already stored under the request's
      // eventIds ('k' rows) and the current version of each case ('c' rows).
      lookup:
        `SELECT 'k' AS kind, encode(event_key, 'hex') AS k, position, stream_version, body FROM ${s}.events ` +
        `WHERE event_key = ANY (${keysParam}) ` +
        `UNION ALL SELECT 'c', c, NULL, (SELECT stream_version FROM ${s}.events WHERE case_id = c ` +
        `ORDER BY stream_version DESC LIMIT 1), NULL FROM unnest($2::text[]) AS c`,
      // All rows, the head and the NOTIFY in one statement, guarded by (case, expected version) pairs
      // ($6, $7: each must be the case's current version, else nothing is written).
      write:
        `WITH ${bad('$6', '$7')}, ` +
        `ins AS (INSERT INTO ${s}.events ${EVENT_COLUMNS} ` +
        `SELECT t.p, $2::bigint, t.v, t.c, decode(t.k, 'hex'), t.b, decode(t.l, 'hex'), decode(t.h, 'hex') ` +
        `FROM unnest($1::bigint[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[]) AS t(p, v, c, k, b, l, h) ` +
        `WHERE NOT EXISTS (SELECT 1 FROM bad) RETURNING 1), ` +
        `moved AS (UPDATE ${s}.ledger_head SET position = $3::bigint, chain = decode($4::text, 'hex') ` +
        `WHERE id AND NOT EXISTS (SELECT 1 FROM bad) RETURNING 1) ` +
        `SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM moved)::int AS moved, ` +
        `CASE WHEN NOT EXISTS (SELECT 1 FROM bad) THEN pg_notify($5::text, $3::bigint::text) END AS notified`,
      // The same write through COPY (a real server): first the guard, the head and the NOTIFY in one
      // statement, then (only if it moved the head) the rows with COPY, in the same transaction. The
      // head moves only from the head the rows were chained from ($6, $7; see `write`).
      move:
        `WITH ${bad('$1', '$2')}, ` +
        `moved AS (UPDATE ${s}.ledger_head SET position = $3::bigint, chain = decode($4::text, 'hex') ` +
        `WHERE id AND position = $6::bigint AND chain = decode($7::text, 'hex') AND NOT EXISTS (SELECT 1 FROM bad) RETURNING 1) ` +
        `SELECT (SELECT count(*) FROM moved)::int AS moved, ` +
        `CASE WHEN EXISTS (SELECT 1 FROM moved) THEN pg_notify($5::text, $3::bigint::text) END AS notified`,
      copy: `COPY ${s}.events ${EVENT_COLUMNS} FROM STDIN (FORMAT binary)`,
      head: `SELECT position, chain FROM ${s}.ledger_head WHERE id`,
      version: `SELECT stream_version FROM ${s}.events WHERE case_id = $1 ORDER BY stream_version DESC LIMIT 1`,
      stream: `SELECT position, stream_version, body FROM ${s}.events WHERE case_id = $1 ORDER BY stream_version`,
      // One index look-up per case (a nested loop the planner cannot turn into one scan of the whole
      // table): with `case_id = ANY ($1)` it estimated the rows from statistics taken while the table
      // was small (or none), and read the whole table once per importer chunk (regression: issue 2).
      streams:
        `SELECT c.id AS case_id, e.position, e.stream_version, e.body FROM unnest($1::text[]) WITH ORDINALITY AS c(id, n) ` +
        `CROSS JOIN LATERAL (SELECT position, stream_version, body FROM ${s}.events WHERE case_id = c.id ORDER BY stream_version) AS e ` +
        `ORDER BY c.n, e.stream_version`,
      versions:
        `SELECT c.id AS case_id, e.v FROM unnest($1::text[]) AS c(id) CROSS JOIN LATERAL ` +
        `(SELECT stream_version AS v FROM ${s}.events WHERE case_id = c.id ORDER BY stream_version DESC LIMIT 1) AS e`,
      byKeys: `SELECT position, stream_version, body FROM ${s}.events WHERE event_key = ANY (${keysParam})`,
      all: `SELECT position, stream_version, body FROM ${s}.events WHERE position >= $1 ORDER BY position LIMIT $2`,
      // hashtext is the server's own fixed hash: every process puts a case in the same partition.
      partition:
        `SELECT position, stream_version, body FROM ${s}.events WHERE position BETWEEN $1 AND $2 ` +
        `AND (hashtext(case_id) & 2147483647) % $3 = $4 ORDER BY position`,
      // The page's rows without their hash columns, then one extra row ('h') holding each hash column
      // of the page concatenated: one bytea (one Buffer) per column per page instead of three per
      // record, which is most of the cost of reading records. One statement, so one snapshot.
      records:
        `WITH page AS (SELECT position, case_id, stream_version, appended_at, body, leaf, chain, event_key ` +
        `FROM ${s}.events WHERE position >= $1 ORDER BY position LIMIT $2) ` +
        `SELECT 'r' AS kind, position, case_id, stream_version, appended_at, body, NULL::bytea AS leaf, NULL::bytea AS chain, NULL::bytea AS event_key FROM page ` +
        `UNION ALL SELECT 'h', count(*), NULL, NULL, NULL, NULL, string_agg(leaf, ''::bytea ORDER BY position), ` +
        `string_agg(chain, ''::bytea ORDER BY position), string_agg(event_key, ''::bytea ORDER BY position) FROM page`,
      recordsPlain:
        `SELECT position, case_id, stream_version, appended_at, body, leaf, chain, event_key FROM ${s}.events ` +
        `WHERE position >= $1 ORDER BY position LIMIT $2`,
      stats:
        `SELECT (pg_total_relation_size('${s.replace(/'/g, "''")}.events') + pg_total_relation_size('${s.replace(/'/g, "''")}.ledger_head'))::int8 AS bytes, ` +
        `(SELECT count(*) FROM ${s}.events)::int8 AS events`,
    };
    this.waiters = new HeadWaiters(async () => (await this.head()).position, options.pollIntervalMs ?? 200);
  }

  /** Opens the store on `sql`, creating the schema on first use (idempotent, under an advisory lock). */
  static async open(sql: Sql, options: PostgresEventStoreOptions = {}, ownsSql = false): Promise<PostgresEventStore> {
    const encoding = (await sql.query<{ server_encoding: string }>('SHOW server_encoding')).rows[0]?.server_encoding;
    if (encoding !== 'UTF8') throw new Error(`the ledger needs a UTF8 database (stored bodies are hashed byte for byte); this one is ${encoding}`);
    let schema = options.schema;
    if (schema === undefined) {
      schema = (await sql.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0]?.s ?? 'public';
    }
    await createSchema(sql, schema, options.schema !== undefined);
    const channel = `ledger_${schema.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
    return new PostgresEventStore(sql, schema, channel, options, ownsSql);
  }

  async append(request: AppendRequest): Promise<AppendOutcome> {
    const [outcome] = await this.appendMany([request]);
    if (outcome!.status === 'error') throw outcome!.error;
    return outcome!;
  }

  async appendMany(requests: AppendRequest[], options: AppendManyOptions = {}): Promise<Outcome[]> {
    if (requests.length === 0) return [];
    const prepared = requests.map((r) => {
      try {
        return prepareRequest(r);
      } catch (e) {
        return e as Error;
      }
    });
    if (prepared.every((p) => p instanceof Error)) return prepared.map((error) => ({ status: 'error', error: error as Error }));
    // Where the head will be after this batch, for the next batch to be prepared from (see `planned`).
    const base = this.planned;
    let plan!: (tip: Tip | undefined) => void;
    this.planned = new Promise<Tip | undefined>((resolve) => (plan = resolve));
    try {
      let ahead: Ahead | undefined;
      if (options.after) {
        // Judged after a batch still being written: number and hash the rows now, from the head the
        // batches before this one are to leave, while the server writes them; written (if the head is
        // then the one expected) only once `after` resolves to true.
        const from = await base;
        const guard = from ? speculate(prepared) : undefined;
        if (from && guard) {
          ahead = { from, guard, built: await this.buildAhead(prepared, from) };
          plan({ position: ahead.built.position, chain: ahead.built.chain });
        }
        if (!(await options.after)) {
          plan(undefined);
          return prepared.map(() => ({ status: 'error', error: new NotAppendedError() }));
        }
      }
      let result: { outcomes: Outcome[]; position: number };
      try {
        result = await this.sql.transaction((tx) => this.write(tx, prepared, true, plan, ahead));
      } catch (e) {
        // An eventId already stored: the optimistic pass did not look it up, and its INSERT failed (the
        // transaction is rolled back). Judge again, looking every eventId up first.
        if (!isEventKeyViolation(e)) throw e;
        result = await this.sql.transaction((tx) => this.write(tx, prepared, false, plan));
      }
      this.waiters.notify(result.position);
      return result.outcomes;
    } finally {
      plan(undefined); // no-op if already planned; a later batch prepared from a wrong plan finds the head moved and is built again
    }
  }

  /**
   * One append transaction. The head lock first: from there until COMMIT no other writer can append,
   * so the positions are ours and every statement after it sees every earlier writer's commit.
   *
   * Optimistic pass (every request gives its expected version, the usual case): compute the rows as
   * if every request appends at its expected version, and write them in one statement guarded by the
   * expected versions (checked in SQL); an eventId already stored fails the INSERT on its UNIQUE index
   * (then everything is redone carefully). This saves the look-up round trip and its 1,000 index probes.
   * If the guard fails nothing is written and the careful pass runs in the same transaction: look up
   * eventIds and versions, judge each request on its own (a stale retry is then a 'duplicate').
   *
   * A batch prepared ahead for COPY skips the SELECT ... FOR UPDATE (one round trip less): its guarded
   * UPDATE of the head takes the lock, and moves the head only if it is still the one the batch was
   * chained from. In READ COMMITTED an UPDATE that waited for the lock re-checks its condition on
   * the head as committed meanwhile, so a writer that got in first (and so moved the head) makes it
   * move nothing. The versions it checks are read in the statement's snapshot, taken before it got
   * the lock: every writer moves the head in the transaction that appends, so if the head is still
   * the one expected, no events were committed after that snapshot. If nothing moved, the lock is
   * taken as usual and the batch judged again.
   */
  private async write(
    tx: SqlRunner,
    prepared: (PreparedRequest | Error)[],
    optimistic: boolean,
    plan: (tip: Tip | undefined) => void,
    ahead?: Ahead,
  ) {
    const copyAhead = ahead !== undefined && ahead.built.rows instanceof BinaryCopyRows;
    if (copyAhead && (await this.writeRows(tx, ahead.from, ahead.built, ahead.guard))) {
      return { outcomes: ahead.built.outcomes, position: ahead.built.position };
    }
    const head = (await tx.query<{ position: string | number; chain: unknown }>(this.q.lockHead)).rows[0];
    if (!head) throw new Error(`${this.schema}.ledger_head has no row: the ledger's head record was deleted`);
    const start = { position: Number(head.position), chain: toBuffer(head.chain).toString('hex') };
    if (start.chain.length !== 64) throw new Error(`the ledger's head record holds no 32-byte chain hash: it was altered; run verify`);

    // Rows prepared ahead are used only if the head is exactly the one they were chained from.
    const fromAhead = ahead !== undefined && ahead.from.position === start.position && ahead.from.chain === start.chain;
    if (fromAhead && !copyAhead) {
      if (await this.writeRows(tx, start, ahead.built, ahead.guard)) return { outcomes: ahead.built.outcomes, position: ahead.built.position };
      // an expected version did not match: nothing was written; judge properly
    }
    const guard = optimistic && !fromAhead ? speculate(prepared) : undefined;
    if (guard) {
      const built = this.build(prepared, start, (r) => ({ kind: 'append', currentVersion: r.expectedVersion as number }));
      plan({ position: built.position, chain: built.chain });
      if (await this.writeRows(tx, start, built, guard)) return { outcomes: built.outcomes, position: built.position };
      // an expected version did not match: nothing was written; judge properly
    }

    const valid = prepared.filter((p): p is PreparedRequest => !(p instanceof Error));
    const keys = [...new Set(valid.flatMap((r) => r.events.map((e) => e.keyHex)))];
    const cases = [...new Set(valid.map((r) => r.caseId))];
    const storedByKey = new Map<string, StoredCaseEvent>();
    const versionOf = new Map<string, number>();
    const rows = (
      await tx.query<{ kind: string; k: string; position: string | number | null; stream_version: number | null; body: string | null }>(
        this.q.lookup,
        [keys, cases],
      )
    ).rows;
    for (const r of rows) {
      if (r.kind === 'k') storedByKey.set(r.k, decodeBody(r.body!, Number(r.position), r.stream_version!));
      else versionOf.set(r.k, r.stream_version ?? 0);
    }
    const refused = new Set<string>();
    const lookup = {
      storedEvent: (e: PreparedEvent) => storedByKey.get(e.keyHex),
      currentVersion: (caseId: string) => versionOf.get(caseId) ?? 0,
      refusedEarlier: (caseId: string) => refused.has(caseId),
    };
    const built = this.build(
      prepared,
      start,
      (request) => {
        try {
          return judgeRequest(request, lookup);
        } catch (e) {
          refused.add(request.caseId);
          throw e;
        }
      },
      (request, events) => {
        // later requests of this batch see this one's events
        request.events.forEach((e, i) => storedByKey.set(e.keyHex, events[i]!));
        versionOf.set(request.caseId, events.length ? events[events.length - 1]!.streamVersion : lookup.currentVersion(request.caseId));
      },
    );
    plan({ position: built.position, chain: built.chain });
    if (!(await this.writeRows(tx, start, built, { cases: [], expected: [] }))) {
      throw new Error('append did not write its events or move the head: rolled back');
    }
    return { outcomes: built.outcomes, position: built.position };
  }

  /** The outcome of each request and the rows of those that append, chained from `start`. */
  private build(
    prepared: (PreparedRequest | Error)[],
    start: { position: number; chain: string },
    judge: (request: PreparedRequest) => Judgement,
    onAppended?: (request: PreparedRequest, events: StoredCaseEvent[]) => void,
  ): Built {
    const steps = this.building(prepared, start, judge, onAppended);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * `build` for a batch prepared ahead (while the batch before it is written): it lets the event loop
   * turn every BUILD_SLICE events, so that the replies of the transaction in flight (its COPY, its
   * COMMIT) are taken up as they come, not after the whole batch is hashed.
   */
  private async buildAhead(prepared: (PreparedRequest | Error)[], start: Tip): Promise<Built> {
    const steps = this.building(prepared, start, (r) => ({ kind: 'append', currentVersion: r.expectedVersion as number }));
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The steps of `build`: yields every BUILD_SLICE sealed events or so, returns the batch built. */
  private *building(
    prepared: (PreparedRequest | Error)[],
    start: { position: number; chain: string },
    judge: (request: PreparedRequest) => Judgement,
    onAppended?: (request: PreparedRequest, events: StoredCaseEvent[]) => void,
  ): Generator<void, Built> {
    const tip: ChainTip = { ...start };
    const appendedAt = Date.now();
    const size = this.sql.copyIn ? copySize(prepared) : undefined;
    const rows = size && size.events >= (this.options.copyMinEvents ?? COPY_MIN_EVENTS) ? new BinaryCopyRows(appendedAt, size.bytes) : new InsertColumns();
    const outcomes: Outcome[] = new Array(prepared.length);
    let sealed = 0;
    for (let i = 0; i < prepared.length; i++) {
      const request = prepared[i]!;
      if (request instanceof Error) {
        outcomes[i] = { status: 'error', error: request };
        continue;
      }
      let judged: Judgement;
      try {
        judged = judge(request);
      } catch (e) {
        if (e instanceof DomainError) {
          outcomes[i] = { status: 'error', error: e };
          continue;
        }
        throw e;
      }
      if (judged.kind === 'duplicate') {
        outcomes[i] = { status: 'duplicate', events: judged.events };
        continue;
      }
      const events: StoredCaseEvent[] = [];
      sealEvents(tip, request.caseId, judged.currentVersion, appendedAt, request.events, (e, position, version, leaf, chain) => {
        rows.add(position, version, request.caseId, e.keyHex, e.body, leaf, chain);
        events.push(storedFromLine(e.line, position, version));
      });
      onAppended?.(request, events);
      outcomes[i] = { status: 'appended', events };
      sealed += events.length;
      if (sealed >= BUILD_SLICE) {
        sealed = 0;
        yield;
      }
    }
    return { outcomes, position: tip.position, chain: tip.chain, appendedAt, rows };
  }

  /**
   * All rows, the new head and the NOTIFY (delivered at COMMIT), only if every (case, expected
   * version) in `guard` holds. False when the guard failed (nothing written). With COPY: the guarded
   * head move and NOTIFY, then the rows; else one INSERT statement doing all three. The rows are
   * chained from the head `from`: with COPY the head moves only if it still is `from` (see `write`;
   * with INSERT it is the locked head).
   */
  private async writeRows(
    tx: SqlRunner,
    from: Tip,
    built: Built,
    guard: { cases: string[]; expected: number[] },
  ): Promise<boolean> {
    const startPosition = from.position;
    const count = built.position - startPosition;
    if (count === 0) return guard.cases.length === 0;
    const { rows } = built;
    if (rows instanceof BinaryCopyRows) {
      if (!tx.copyIn) throw new Error('rows were built for COPY on a connection that cannot COPY');
      const [m] = (
        await tx.query<{ moved: number }>(this.q.move, [guard.cases, guard.expected, built.position, built.chain, this.channel, from.position, from.chain])
      ).rows;
      if (m?.moved !== 1) return false; // the head is not `from` or a guard failed: nothing written
      // An eventId already stored fails the COPY on its UNIQUE index (the transaction is then rolled back).
      const copied = await tx.copyIn(this.q.copy, rows.finish());
      if (copied !== count || rows.count !== count) throw new Error(`append copied ${copied} of ${count} events: rolled back`);
      await this.options.beforeCommit?.({ fromPosition: startPosition + 1, toPosition: built.position });
      return true;
    }
    const cols = rows;
    const [w] = (
      await tx.query<{ inserted: number; moved: number }>(this.q.write, [
        arrayLiteral(cols.p), built.appendedAt, built.position, built.chain, this.channel, guard.cases, guard.expected,
        arrayLiteral(cols.v), cols.c, arrayLiteral(cols.k), bodiesLiteral(cols.b), arrayLiteral(cols.l), arrayLiteral(cols.h),
      ])
    ).rows;
    if (w?.inserted === 0 && w?.moved === 0 && guard.cases.length > 0) return false;
    if (w?.inserted !== count || w?.moved !== 1) {
      throw new Error(`append wrote ${w?.inserted} of ${count} events or did not move the head: rolled back`);
    }
    await this.options.beforeCommit?.({ fromPosition: startPosition + 1, toPosition: built.position });
    return true;
  }

  async readStream(caseId: string): Promise<StoredCaseEvent[]> {
    const { rows } = await this.sql.query<EventRow>(this.q.stream, [caseId]);
    return rows.map((r) => decodeBody(r.body, Number(r.position), r.stream_version));
  }

  async readStreams(caseIds: string[]): Promise<Map<string, StoredCaseEvent[]>> {
    const out = new Map<string, StoredCaseEvent[]>();
    if (caseIds.length === 0) return out;
    const { rows } = await this.sql.query<EventRow & { case_id: string }>(this.q.streams, [[...new Set(caseIds)]]);
    for (const r of rows) {
      let list = out.get(r.case_id);
      if (!list) out.set(r.case_id, (list = []));
      list.push(decodeBody(r.body, Number(r.position), r.stream_version));
    }
    return out;
  }

  async streamVersions(caseIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (caseIds.length === 0) return out;
    const { rows } = await this.sql.query<{ case_id: string; v: number }>(this.q.versions, [[...new Set(caseIds)]]);
    for (const r of rows) out.set(r.case_id, Number(r.v));
    return out;
  }

  async findEvents(eventIds: string[]): Promise<StoredCaseEvent[]> {
    const keys = eventKeysHex(eventIds);
    if (keys.size === 0) return [];
    const { rows } = await this.sql.query<EventRow>(this.q.byKeys, [[...keys]]);
    return rows.map((r) => decodeBody(r.body, Number(r.position), r.stream_version));
  }

  async streamVersion(caseId: string): Promise<number> {
    const { rows } = await this.sql.query<{ stream_version: number }>(this.q.version, [caseId]);
    return rows[0]?.stream_version ?? 0;
  }

  /**
   * Never skips an event that commits late. Positions are assigned under the head lock and a writer
   * holds it until COMMIT, so position N+1 cannot become visible before N: a reader sees a prefix of
   * the log. Still, belt and braces, this stops at the first gap in positions instead of returning
   * what lies beyond it: if a future change (or a hand-written import) ever let a transaction with a
   * smaller position commit after one with a larger position, a tailing reader that skipped the gap
   * would move its checkpoint past the late event and never see it. Stopping means it reads the late
   * event on its next call. (A gap that never fills can only be a deleted event: `verify` names it.)
   */
  async readAll({ fromPosition, limit }: ReadAllOptions): Promise<StoredCaseEvent[]> {
    if (limit <= 0) return [];
    const from = Math.max(1, Math.trunc(fromPosition));
    const { rows } = await this.sql.query<EventRow>(this.q.all, [from, Math.trunc(limit)]);
    const out: StoredCaseEvent[] = [];
    for (const r of rows) {
      const position = Number(r.position);
      if (position !== from + out.length) break;
      out.push(decodeBody(r.body, position, r.stream_version));
    }
    return out;
  }

  async readPartition({ fromPosition, toPosition, partition, partitions }: PartitionReadOptions): Promise<StoredCaseEvent[]> {
    if (!Number.isSafeInteger(partitions) || partitions < 1 || !Number.isSafeInteger(partition) || partition < 0 || partition >= partitions) {
      throw new Error(`partition ${partition} of ${partitions}: need 0 <= partition < partitions`);
    }
    const from = Math.max(1, Math.trunc(fromPosition));
    const to = Math.trunc(toPosition);
    if (to < from) return [];
    const { rows } = await this.sql.query<EventRow>(this.q.partition, [from, to, partitions, partition]);
    const out: StoredCaseEvent[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      out[i] = decodeBody(r.body, Number(r.position), r.stream_version);
    }
    return out;
  }

  /** Lets worker threads open this log (`partitionSource`): set by openPostgresEventStore, which knows the connection string. */
  partitionReaders(source: PartitionSource): void {
    this.source = source;
  }

  partitionSource(): PartitionSource | undefined {
    return this.source;
  }

  async waitForEvents(position: number, timeoutMs: number): Promise<void> {
    if (this.closed) return;
    this.ensureListening();
    return this.waiters.wait(position, timeoutMs);
  }

  /** LISTEN once, lazily (a store that never waits holds no extra connection); on failure polling covers. */
  private ensureListening(): void {
    if (this.listening) return;
    const attempt = this.sql.listen(
      this.channel,
      (payload) => {
        const n = Number(payload);
        if (Number.isFinite(n)) this.waiters.notify(n);
      },
      () => {
        if (this.listening === attempt) this.listening = undefined; // try again on the next wait
      },
    );
    this.listening = attempt;
    attempt.catch(() => {
      if (this.listening === attempt) this.listening = undefined;
    });
  }

  async head(): Promise<LedgerHead> {
    const { rows } = await this.sql.query<{ position: string | number; chain: unknown }>(this.q.head);
    const row = rows[0];
    if (!row) throw new Error(`${this.schema}.ledger_head has no row: the ledger's head record was deleted`);
    return { position: Number(row.position), hash: toBuffer(row.chain).toString('hex') };
  }

  async readRecords({ fromPosition, limit }: ReadAllOptions): Promise<StoredRecord[]> {
    if (limit <= 0) return [];
    const params = [Math.max(1, Math.trunc(fromPosition)), Math.trunc(limit)];
    type Row = {
      kind?: string; position: string | number; case_id: string; stream_version: number; appended_at: string | number;
      body: string; leaf: unknown; chain: unknown; event_key: unknown;
    };
    const { rows } = await this.sql.query<Row>(this.q.records, params);
    const records = rows.filter((r) => r.kind === 'r');
    const h = rows.find((r) => r.kind === 'h');
    const n = records.length;
    if (n === 0) return [];
    const page = h && Number(h.position) === n && h.leaf != null && h.chain != null && h.event_key != null
      ? packedPage(toBuffer(h.leaf), toBuffer(h.chain), toBuffer(h.event_key), n)
      : undefined;
    if (page) {
      records.sort((a, b) => Number(a.position) - Number(b.position));
      return records.map(
        (r, i) => new PackedRecord(Number(r.position), r.case_id, r.stream_version, Number(r.appended_at), r.body, page, i),
      );
    }
    // A hash or key of another length (a damaged record): read the page row by row.
    const plain = (await this.sql.query<Row>(this.q.recordsPlain, params)).rows;
    return plain.map((r) => ({
      position: Number(r.position),
      caseId: r.case_id,
      streamVersion: r.stream_version,
      appendedAt: Number(r.appended_at),
      body: r.body,
      leafHash: toBuffer(r.leaf),
      chainHash: toBuffer(r.chain),
      eventKey: toBuffer(r.event_key),
    }));
  }

  async storageStats(): Promise<{ bytes: number; events: number }> {
    const { rows } = await this.sql.query<{ bytes: string | number; events: string | number }>(this.q.stats);
    return { bytes: Number(rows[0]!.bytes), events: Number(rows[0]!.events) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiters.close();
    const listening = this.listening;
    this.listening = undefined;
    if (listening) await listening.then((unlisten) => unlisten()).catch(() => {});
    if (this.ownsSql) await this.sql.close();
  }
}

/** Creates the tables on first use. Two processes starting at once serialise on an advisory lock. */
async function createSchema(sql: Sql, schema: string, createSchemaItself: boolean): Promise<void> {
  const s = quoteIdent(schema);
  await sql.transaction(async (tx: SqlRunner) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`case-audit-ledger schema ${schema}`]);
    if (createSchemaItself) await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    const exists = (await tx.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`${s}.ledger_schema`])).rows[0]?.t;
    if (!exists) {
      for (const statement of [
        `CREATE TABLE ${s}.ledger_schema (version integer NOT NULL)`,
        // Fixed-width columns first (no alignment padding). Positions 1, 2, 3, ... with no gaps.
        `CREATE TABLE ${s}.events (
           position       bigint  NOT NULL PRIMARY KEY,
           appended_at    bigint  NOT NULL,  -- ms since epoch, when the ledger appended it
           stream_version integer NOT NULL,  -- 1, 2, 3, ... within the case
           case_id        text    NOT NULL,
           event_key      bytea   NOT NULL,  -- the eventId's 16 bytes (UUID, case-insensitive)
           body           text    NOT NULL,  -- the interchange line, exactly as hashed and exported
           leaf           bytea   NOT NULL,  -- leafHash, docs/integrity.md
           chain          bytea   NOT NULL,  -- chainHash
           CONSTRAINT events_event_key_unique UNIQUE (event_key),
           CONSTRAINT events_case_version_unique UNIQUE (case_id, stream_version)
         )`,
        // The single row every append locks (FOR UPDATE) and moves: the ledger's own head record.
        `CREATE TABLE ${s}.ledger_head (
           id       boolean NOT NULL PRIMARY KEY DEFAULT true CHECK (id),
           position bigint  NOT NULL,
           chain    bytea   NOT NULL
         )`,
        `INSERT INTO ${s}.ledger_head (id, position, chain) VALUES (true, 0, decode(repeat('00', 32), 'hex'))`,
        `INSERT INTO ${s}.ledger_schema (version) VALUES (${POSTGRES_SCHEMA_VERSION})`,
      ]) {
        await tx.query(statement);
      }
      return;
    }
    const version = (await tx.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${s}.ledger_schema`)).rows[0]?.v;
    if (version == null || version > POSTGRES_SCHEMA_VERSION) {
      throw new Error(`schema ${schema} has ledger schema version ${version}; this code knows up to ${POSTGRES_SCHEMA_VERSION}`);
    }
  });
}
