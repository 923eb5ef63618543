// The access log in the embedded store's SQLite file, on its own better-sqlite3 connection
// (WAL, synchronous=FULL). Appends run in BEGIN IMMEDIATE transactions, so several processes on the
// same file extend one chain; from the built code they commit on a writer thread of their own (the
// fsync of each commit then holds up no request), from TypeScript sources on this thread.
import type Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WorkerCalls, type WorkerReply } from '../common/worker-calls.js';
import { SQLITE_FILE_NAME } from '../event-store/sqlite/sqlite-event-store.js';
import { entryBody, toRecord, verifyRows } from './chain.js';
import type { AccessEntry, AccessLog, AccessLogVerifyReport, AccessRecord, AccessRow } from './port.js';
import { accessLogAppender, openAccessLogDb } from './sqlite-access-append.js';

/** The writer thread's entry: the built JavaScript beside this module (absent when running from TypeScript sources). */
const WRITER = new URL('./sqlite-access-log-writer.js', import.meta.url);

interface Row { position: number; appended_at: number; body: string; leaf_hash: string; chain_hash: string }
const toRow = (r: Row): AccessRow => ({ position: r.position, appendedAt: r.appended_at, body: r.body, leafHash: r.leaf_hash, chainHash: r.chain_hash });

/** Commits batches of entries on a worker thread; one batch at a time, in order. */
class AccessLogWriter {
  private readonly calls: WorkerCalls<WorkerReply & { rows?: AccessRow[] }>;

  constructor(file: string) {
    this.calls = new WorkerCalls(new Worker(WRITER, { workerData: { file } }), "the access log's writer thread");
  }

  async append(at: number, bodies: string[]): Promise<AccessRow[]> {
    return (await this.calls.call({ at, bodies })).rows!;
  }

  close(): Promise<void> {
    return this.calls.close({ close: true });
  }
}

export class SqliteAccessLog implements AccessLog {
  readonly file: string;
  private readonly db: Database.Database;
  /** Appends on this thread (from TypeScript sources), when there is no writer thread. */
  private readonly appendHere: ((at: number, bodies: string[]) => AccessRow[]) | undefined;
  private readonly writer: AccessLogWriter | undefined;
  /** Entries waiting for the next commit: the entries of one event-loop turn share one transaction (one fsync). */
  private queue: { body: string; resolve(r: AccessRecord): void; reject(e: unknown): void }[] = [];
  private scheduled = false;
  private readonly page: Database.Statement<[number, number], Row>;

  /**
   * @param options.writerThread commit on a worker thread (default: when it can be started, i.e. from
   *   the built code), so the fsync of each commit does not hold up this thread.
   */
  constructor(dataDir: string, options: { now?: () => number; fileName?: string; writerThread?: boolean } = {}) {
    mkdirSync(dataDir, { recursive: true });
    this.file = resolve(join(dataDir, options.fileName ?? SQLITE_FILE_NAME));
    this.db = openAccessLogDb(this.file);
    const thread = options.writerThread ?? existsSync(fileURLToPath(WRITER));
    if (thread) this.writer = new AccessLogWriter(this.file);
    else this.appendHere = accessLogAppender(this.db);
    this.page = this.db.prepare('SELECT * FROM access_log WHERE position >= ? ORDER BY position LIMIT ?') as Database.Statement<[number, number], Row>;
    this.now = options.now ?? Date.now;
  }

  private readonly now: () => number;

  /** Resolves once the entry is committed (WAL, synchronous=FULL). */
  record(entry: AccessEntry): Promise<AccessRecord> {
    return new Promise((resolve, reject) => {
      this.queue.push({ body: entryBody(entry), resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (!batch.length) return;
    const settle = (rows: AccessRow[]) => batch.forEach((b, i) => b.resolve(toRecord(rows[i]!)));
    const refuse = (e: unknown) => { for (const b of batch) b.reject(e); };
    const bodies = batch.map((b) => b.body);
    if (this.writer) {
      // Batches are committed in the order they are sent (the writer takes one message at a time).
      this.writer.append(this.now(), bodies).then(settle, refuse);
      return;
    }
    let rows: AccessRow[];
    try {
      rows = this.appendHere!(this.now(), bodies);
    } catch (e) {
      refuse(e);
      return;
    }
    settle(rows);
  }

  async list(fromPosition: number, limit: number): Promise<AccessRecord[]> {
    return this.page.all(fromPosition, limit).map((r) => toRecord(toRow(r)));
  }

  verify(): Promise<AccessLogVerifyReport> {
    return verifyRows(async (from, limit) => this.page.all(from, limit).map(toRow));
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.writer?.close();
    if (this.db.open) this.db.close();
  }
}
