// The embedded event store: one SQLite file (better-sqlite3), WAL with synchronous=FULL. Reads on this
// thread's connection; writes judged and sealed here from a read snapshot and written by a worker thread
// (sqlite-writer.ts) in one BEGIN IMMEDIATE transaction that first checks the ledger head has not moved,
// so several processes may share the file.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StoredCaseEvent } from '../../case-ledger/domain/vocabulary.js';
import { DomainError, VersionConflictError } from '../../case-ledger/domain/errors.js';
import {
  NotAppendedError,
  type AppendManyOptions, type AppendOutcome, type AppendRequest, type EventStore, type LedgerHead, type ReadAllOptions, type StoredRecord,
} from '../port.js';
import { decodeBody, storedFromLine, eventKeysHex } from '../codec.js';
import { judgeRequest, prepareRequest, type PreparedEvent, type PreparedRequest } from '../append-judge.js';
import { HeadWaiters } from '../head-waiters.js';
import { PackedRecord, packedPage } from '../packed-records.js';
import { sealEvents, type ChainTip } from '../integrity/hash-chain.js';
import { SqliteWriter, type WriteBatch } from './sqlite-writer.js';

export const SQLITE_SCHEMA_VERSION = 1;
export const SQLITE_FILE_NAME = 'ledger.sqlite';

export interface SqliteEventStoreOptions {
  /** Folder of the ledger file; created (mkdir -p) on first use. */
  dataDir: string;
  /** File name inside dataDir (default `ledger.sqlite`). */
  fileName?: string;
  /** How long a write waits for another process's write transaction (default 5000 ms). */
  busyTimeoutMs?: number;
  /** How often waitForEvents looks for other processes' appends (default 50 ms). */
  pollIntervalMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_schema (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY,      -- 1, 2, 3, ... with no gaps: the global log order
  case_id        TEXT    NOT NULL,
  stream_version INTEGER NOT NULL,         -- 1, 2, 3, ... within the case
  event_key      BLOB    NOT NULL UNIQUE,  -- the eventId's 16 bytes (UUID, case-insensitive)
  appended_at    INTEGER NOT NULL,         -- ms since epoch, when the ledger appended it
  body           TEXT    NOT NULL,         -- the interchange line as JSON text, exactly as hashed and exported
  leaf           BLOB    NOT NULL,         -- leafHash (32 bytes), docs/integrity.md
  chain          BLOB    NOT NULL,         -- chainHash (32 bytes)
  UNIQUE (case_id, stream_version)
);
-- The ledger's own record of its head, updated in every append transaction: an append chains from
-- here (not from the last row), so events deleted at the end are not silently re-chained over.
CREATE TABLE IF NOT EXISTS ledger_head (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  position INTEGER NOT NULL,
  chain    BLOB    NOT NULL
);
INSERT OR IGNORE INTO ledger_head (id, position, chain) VALUES (1, 0, zeroblob(32));
`;

interface EventRow { position: number; stream_version: number; body: string }

/** Judging again after another process appended, or after an eventId turned out to be stored: at most this often. */
const MAX_ATTEMPTS = 50;

/** A column value as bytes, whatever was stored (verify then reports the mismatch). */
function asBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  return Buffer.from(v === null || v === undefined ? '' : String(v));
}

function prepareOptional(db: Database.Database, sql: string): Database.Statement<[number, number], unknown[]> | undefined {
  try {
    return db.prepare<[number, number], unknown[]>(sql).raw();
  } catch {
    return undefined;
  }
}

/** Same-process stores on the same file wake each other at once (other processes: polling). */
const sameFile = new Map<string, Set<HeadWaiters>>();

export async function openSqliteEventStore(options: SqliteEventStoreOptions): Promise<SqliteEventStore> {
  return new SqliteEventStore(options);
}

export class SqliteEventStore implements EventStore {
  /** Absolute path of the ledger file. */
  readonly file: string;
  private readonly db: Database.Database;
  private readonly waiters: HeadWaiters;
  private closed = false;

  private readonly st: {
    head: Database.Statement<[], { position: number; chain: Buffer }>;
    headPosition: Database.Statement<[], number>;
    version: Database.Statement<[string], number>;
    byKey: Database.Statement<[string], EventRow>;
    stream: Database.Statement<[string], EventRow>;
    all: Database.Statement<[number, number], EventRow>;
    records: Database.Statement<[number, number], unknown[]>;
    recordFields: Database.Statement<[number, number], unknown[]>;
    recordHashes: Database.Statement<[number, number], unknown[]> | undefined;
    count: Database.Statement<[], number>;
  };
  private readonly judgeTx: Database.Transaction<(requests: (PreparedRequest | Error)[], optimistic: boolean) => {
    outcomes: (AppendOutcome | { status: 'error'; error: Error })[];
    batch: WriteBatch | undefined;
  }>;
  private readonly writer: SqliteWriter;
  /** The batch being judged and written (batches of this store go one at a time). */
  private writing: Promise<void> = Promise.resolve();

  constructor(options: SqliteEventStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.file = resolve(join(options.dataDir, options.fileName ?? SQLITE_FILE_NAME));
    const busy = options.busyTimeoutMs ?? 5000;
    this.db = new Database(this.file, { timeout: busy });
    try {
      this.db.pragma(`busy_timeout = ${Math.trunc(busy)}`);
      const mode = this.db.pragma('journal_mode = WAL', { simple: true });
      if (String(mode).toLowerCase() !== 'wal') throw new Error(`could not switch ${this.file} to WAL (journal_mode is ${String(mode)})`);
      // WAL would otherwise run with synchronous=NORMAL: a commit could be lost on power failure.
      this.db.pragma('synchronous = FULL');
      if (this.db.pragma('synchronous', { simple: true }) !== 2) throw new Error('could not set synchronous=FULL');
      this.db.pragma('foreign_keys = OFF');
      this.db.pragma('cache_size = -65536'); // 64 MiB
      // Checkpoint (copy the WAL back into the database file) every 64 MiB of WAL rather than the
      // default 4 MiB: index pages touched by many commits (eventIds are random, so every batch dirties
      // pages all over the eventId index) are then copied once per checkpoint instead of once per
      // commit; measured ~1.6x the append throughput. The WAL file is cut back to 64 MiB afterwards.
      this.db.pragma('wal_autocheckpoint = 16384');
      this.db.pragma('journal_size_limit = 67108864');
      this.db.transaction(() => {
        this.db.exec(SCHEMA);
        const version = this.db.prepare('SELECT max(version) FROM ledger_schema').pluck().get() as number | null;
        if (version === null) this.db.prepare('INSERT INTO ledger_schema (version) VALUES (?)').run(SQLITE_SCHEMA_VERSION);
        else if (version > SQLITE_SCHEMA_VERSION) {
          throw new Error(`${this.file} has ledger schema version ${version}; this code knows up to ${SQLITE_SCHEMA_VERSION}`);
        }
      }).immediate();
    } catch (e) {
      this.db.close();
      throw e;
    }

    const db = this.db;
    this.st = {
      head: db.prepare('SELECT position, chain FROM ledger_head WHERE id = 1'),
      headPosition: db.prepare<[], number>('SELECT position FROM ledger_head WHERE id = 1').pluck(),
      version: db.prepare<[string], number>(
        'SELECT stream_version FROM events WHERE case_id = ? ORDER BY stream_version DESC LIMIT 1',
      ).pluck(),
      byKey: db.prepare('SELECT position, stream_version, body FROM events WHERE event_key = unhex(?)'),
      stream: db.prepare('SELECT position, stream_version, body FROM events WHERE case_id = ? ORDER BY stream_version'),
      all: db.prepare('SELECT position, stream_version, body FROM events WHERE position >= ? ORDER BY position LIMIT ?'),
      records: db.prepare<[number, number], unknown[]>(
        'SELECT position, case_id, stream_version, appended_at, body, leaf, chain, event_key FROM events WHERE position >= ? ORDER BY position LIMIT ?',
      ).raw(),
      recordFields: db.prepare<[number, number], unknown[]>(
        'SELECT position, case_id, stream_version, appended_at, body FROM events WHERE position >= ? ORDER BY position LIMIT ?',
      ).raw(),
      // A page's hash columns as three long blobs: better-sqlite3 makes a separate Buffer (with its own
      // memory) for every BLOB value, which costs more than hashing the record; one Buffer per column
      // per page, sliced, makes verify ~3x faster. Needs SQLite >= 3.44 (ordered aggregates).
      recordHashes: prepareOptional(
        db,
        "SELECT CAST(group_concat(leaf, '' ORDER BY position) AS BLOB), CAST(group_concat(chain, '' ORDER BY position) AS BLOB), " +
          "CAST(group_concat(event_key, '' ORDER BY position) AS BLOB), count(*) FROM events WHERE position >= ? AND position <= ?",
      ),
      count: db.prepare<[], number>('SELECT count(*) FROM events').pluck(),
    };
    this.judgeTx = db.transaction((requests: (PreparedRequest | Error)[], optimistic: boolean) => this.judge(requests, optimistic));
    this.writer = new SqliteWriter({ file: this.file, busyTimeoutMs: busy });

    this.waiters = new HeadWaiters(async () => this.st.headPosition.get() ?? 0, options.pollIntervalMs ?? 50);
    let peers = sameFile.get(this.file);
    if (!peers) sameFile.set(this.file, (peers = new Set()));
    peers.add(this.waiters);
  }

  async append(request: AppendRequest): Promise<AppendOutcome> {
    const [outcome] = await this.appendMany([request]);
    if (outcome!.status === 'error') throw outcome!.error;
    return outcome!;
  }

  async appendMany(requests: AppendRequest[], options: AppendManyOptions = {}): Promise<(AppendOutcome | { status: 'error'; error: Error })[]> {
    if (requests.length === 0) return [];
    // Judged after a batch still being written: wait for it (the batch is judged and sealed here only then).
    if (options.after && !(await options.after)) return requests.map(() => ({ status: 'error', error: new NotAppendedError() }));
    const prepared = requests.map((r) => {
      try {
        return prepareRequest(r);
      } catch (e) {
        return e as Error;
      }
    });
    // One batch at a time: each is judged from a snapshot that holds every batch before it.
    const done = this.writing.then(() => this.write(prepared));
    this.writing = done.then(() => {}, () => {});
    return done;
  }

  /**
   * Judges and seals the batch from a read snapshot (head, versions, eventIds), then has the writer
   * insert it, which it does only if the head is still the one the batch was sealed after. If another
   * process appended meanwhile (stale) the batch is judged again from a fresh snapshot.
   *
   * Optimistic pass: eventIds are not looked up one by one (the UNIQUE index on event_key looks each
   * up anyway as it inserts). An eventId already stored makes the writer's INSERT fail, which rolls
   * the whole transaction back: the batch is judged again with every eventId looked up. A request
   * whose expected version does not match is looked up at once, since a retry of stored events
   * (stale version) is a 'duplicate', not a version conflict. Same outcomes either way.
   */
  private async write(prepared: (PreparedRequest | Error)[]): Promise<(AppendOutcome | { status: 'error'; error: Error })[]> {
    let optimistic = true;
    for (let attempt = 1; ; attempt++) {
      const built = this.judgeTx.deferred(prepared, optimistic);
      if (!built.batch) return built.outcomes; // nothing to write (duplicates and refusals only)
      const reply = await this.writer.write(built.batch);
      if ('ok' in reply) {
        for (const w of sameFile.get(this.file) ?? []) w.notify(built.batch.to.position);
        return built.outcomes;
      }
      if ('keyViolation' in reply) optimistic = false;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`the ledger kept changing under this append (${MAX_ATTEMPTS} attempts); nothing was written, try again`);
    }
  }

  /** The outcome of each request and, if any appends, the sealed rows: judged inside one read transaction (a snapshot). */
  private judge(requests: (PreparedRequest | Error)[], optimistic: boolean) {
    const st = this.st;
    const row = st.head.get()!;
    const tip: ChainTip = { position: row.position, chain: Buffer.isBuffer(row.chain) ? row.chain.toString('hex') : '' };
    const from = { ...tip };
    const appendedAt = Date.now();
    const batch: WriteBatch = { from, to: tip, appendedAt, p: [], c: [], v: [], k: [], b: [], l: [], h: [] };
    const pendingByKey = new Map<string, StoredCaseEvent>();
    const pendingVersion = new Map<string, number>();
    const currentVersion = (caseId: string): number => pendingVersion.get(caseId) ?? st.version.get(caseId) ?? 0;
    const refused = new Set<string>();
    const refusedEarlier = (caseId: string) => refused.has(caseId);
    const lookup = {
      storedEvent: (e: PreparedEvent): StoredCaseEvent | undefined => {
        const pending = pendingByKey.get(e.keyHex);
        if (pending) return pending;
        const r = st.byKey.get(e.keyHex);
        return r ? decodeBody(r.body, r.position, r.stream_version) : undefined;
      },
      currentVersion,
      refusedEarlier,
    };
    const optimisticLookup = { storedEvent: (e: PreparedEvent) => pendingByKey.get(e.keyHex), currentVersion, refusedEarlier };

    const outcomes = requests.map((request): AppendOutcome | { status: 'error'; error: Error } => {
      if (request instanceof Error) return { status: 'error', error: request };
      let judged;
      try {
        try {
          judged = judgeRequest(request, optimistic ? optimisticLookup : lookup);
        } catch (e) {
          if (optimistic && e instanceof VersionConflictError) judged = judgeRequest(request, lookup);
          else throw e;
        }
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        refused.add(request.caseId);
        return { status: 'error', error: e };
      }
      if (judged.kind === 'duplicate') return { status: 'duplicate', events: judged.events };
      const events: StoredCaseEvent[] = [];
      sealEvents(tip, request.caseId, judged.currentVersion, appendedAt, request.events, (e, position, version, leaf, chain) => {
        batch.p.push(position);
        batch.c.push(request.caseId);
        batch.v.push(version);
        batch.k.push(e.keyHex);
        batch.b.push(e.body);
        batch.l.push(leaf);
        batch.h.push(chain);
        const stored = storedFromLine(e.line, position, version);
        pendingByKey.set(e.keyHex, stored);
        events.push(stored);
      });
      pendingVersion.set(request.caseId, judged.currentVersion + request.events.length);
      return { status: 'appended', events };
    });
    return { outcomes, batch: batch.p.length ? batch : undefined };
  }

  async readStream(caseId: string): Promise<StoredCaseEvent[]> {
    return this.st.stream.all(caseId).map((r) => decodeBody(r.body, r.position, r.stream_version));
  }

  async readStreams(caseIds: string[]): Promise<Map<string, StoredCaseEvent[]>> {
    const out = new Map<string, StoredCaseEvent[]>();
    this.db.transaction(() => {
      for (const caseId of new Set(caseIds)) {
        const rows = this.st.stream.all(caseId);
        if (rows.length) out.set(caseId, rows.map((r) => decodeBody(r.body, r.position, r.stream_version)));
      }
    }).deferred(); // one read snapshot for all of them
    return out;
  }

  async streamVersions(caseIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    this.db.transaction(() => {
      for (const caseId of new Set(caseIds)) {
        const v = this.st.version.get(caseId);
        if (v !== undefined) out.set(caseId, v);
      }
    }).deferred(); // one read snapshot for all of them
    return out;
  }

  async findEvents(eventIds: string[]): Promise<StoredCaseEvent[]> {
    const keys = eventKeysHex(eventIds);
    const out: StoredCaseEvent[] = [];
    for (const hex of keys) {
      const r = this.st.byKey.get(hex);
      if (r) out.push(decodeBody(r.body, r.position, r.stream_version));
    }
    return out;
  }

  async streamVersion(caseId: string): Promise<number> {
    return this.st.version.get(caseId) ?? 0;
  }

  async readAll({ fromPosition, limit }: ReadAllOptions): Promise<StoredCaseEvent[]> {
    if (limit <= 0) return [];
    const from = Math.max(1, Math.trunc(fromPosition));
    const out: StoredCaseEvent[] = [];
    // Stop at a gap, as the PostgreSQL adapter does: positions are contiguous, so a gap can only be
    // a deleted event (tampering, which verify reports); a reader never jumps over a missing one.
    for (const r of this.st.all.all(from, Math.trunc(limit))) {
      if (r.position !== from + out.length) break;
      out.push(decodeBody(r.body, r.position, r.stream_version));
    }
    return out;
  }

  async waitForEvents(position: number, timeoutMs: number): Promise<void> {
    if (this.closed) return;
    return this.waiters.wait(position, timeoutMs);
  }

  async head(): Promise<LedgerHead> {
    const row = this.st.head.get()!;
    return { position: row.position, hash: row.chain.toString('hex') };
  }

  async readRecords({ fromPosition, limit }: ReadAllOptions): Promise<StoredRecord[]> {
    if (limit <= 0) return [];
    const from = Math.max(1, Math.trunc(fromPosition));
    return this.db.transaction(() => this.readRecordsFast(from, Math.trunc(limit)) ?? this.readRecordsPlain(from, Math.trunc(limit))).deferred();
  }

  /** The page's fields row by row and its hash columns in one go; undefined if the columns do not slice evenly. */
  private readRecordsFast(from: number, limit: number): StoredRecord[] | undefined {
    if (!this.st.recordHashes) return undefined;
    const rows = this.st.recordFields.all(from, limit);
    if (rows.length === 0) return [];
    const last = rows[rows.length - 1]![0] as number;
    const [leaves, chains, keys, count] = this.st.recordHashes.get(from, last) as [unknown, unknown, unknown, number];
    const n = rows.length;
    const page = count === n ? packedPage(leaves, chains, keys, n) : undefined;
    if (!page) return undefined; // a hash or key of another length (a damaged record): read row by row
    const out = new Array<StoredRecord>(n);
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      out[i] = new PackedRecord(r[0] as number, r[1] as string, r[2] as number, r[3] as number, r[4] as string, page, i);
    }
    return out;
  }

  private readRecordsPlain(from: number, limit: number): StoredRecord[] {
    const rows = this.st.records.all(from, limit);
    const out = new Array<StoredRecord>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      out[i] = {
        position: r[0] as number,
        caseId: r[1] as string,
        streamVersion: r[2] as number,
        appendedAt: r[3] as number,
        body: r[4] as string,
        leafHash: asBuffer(r[5]),
        chainHash: asBuffer(r[6]),
        eventKey: asBuffer(r[7]),
      };
    }
    return out;
  }

  async storageStats(): Promise<{ bytes: number; events: number }> {
    const pageCount = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    return { bytes: pageCount * pageSize, events: this.st.count.get() ?? 0 };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiters.close();
    const peers = sameFile.get(this.file);
    peers?.delete(this.waiters);
    if (peers && peers.size === 0) sameFile.delete(this.file);
    await this.writing;
    await this.writer.close();
    this.db.close();
  }
}
