// The access log in the embedded store's SQLite file, on its own better-sqlite3 connection
// (WAL, synchronous=FULL). Appends run in BEGIN IMMEDIATE transactions, so several processes on the
// same file extend one chain.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GENESIS_CHAIN_HEX } from '../event-store/integrity/hash-chain.js';
import { SQLITE_FILE_NAME } from '../event-store/sqlite/sqlite-event-store.js';
import { entryBody, rowHashes, toRecord, verifyRows } from './chain.js';
import type { AccessEntry, AccessLog, AccessLogVerifyReport, AccessRecord, AccessRow } from './port.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS access_log (
  position    INTEGER PRIMARY KEY,
  appended_at INTEGER NOT NULL,
  body        TEXT NOT NULL,
  leaf_hash   TEXT NOT NULL,
  chain_hash  TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
`;

interface Row { position: number; appended_at: number; body: string; leaf_hash: string; chain_hash: string }
const toRow = (r: Row): AccessRow => ({ position: r.position, appendedAt: r.appended_at, body: r.body, leafHash: r.leaf_hash, chainHash: r.chain_hash });

export class SqliteAccessLog implements AccessLog {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly append: Database.Transaction<(at: number, bodies: string[]) => AccessRow[]>;
  /** Entries waiting for the next commit: the entries of one event-loop turn share one transaction (one fsync). */
  private queue: { body: string; resolve(r: AccessRecord): void; reject(e: unknown): void }[] = [];
  private scheduled = false;
  private readonly page: Database.Statement<[number, number], Row>;

  constructor(dataDir: string, options: { now?: () => number; fileName?: string } = {}) {
    mkdirSync(dataDir, { recursive: true });
    this.file = resolve(join(dataDir, options.fileName ?? SQLITE_FILE_NAME));
    this.db = new Database(this.file, { timeout: 5000 });
    this.db.pragma('busy_timeout = 5000');
    const mode = this.db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') throw new Error(`could not switch ${this.file} to WAL`);
    this.db.pragma('synchronous = FULL');
    if (this.db.pragma('synchronous', { simple: true }) !== 2) throw new Error('could not set synchronous=FULL');
    this.db.exec(SCHEMA);
    const last = this.db.prepare('SELECT position, chain_hash FROM access_log ORDER BY position DESC LIMIT 1');
    const insert = this.db.prepare('INSERT INTO access_log (position, appended_at, body, leaf_hash, chain_hash) VALUES (?, ?, ?, ?, ?)');
    const tx = this.db.transaction((at: number, bodies: string[]): AccessRow[] => {
      const prev = last.get() as { position: number; chain_hash: string } | undefined;
      let position = prev?.position ?? 0;
      let chain = prev?.chain_hash ?? GENESIS_CHAIN_HEX;
      return bodies.map((body) => {
        position++;
        const h = rowHashes(position, at, body, chain);
        insert.run(position, at, body, h.leafHash, h.chainHash);
        chain = h.chainHash;
        return { position, appendedAt: at, body, leafHash: h.leafHash, chainHash: h.chainHash };
      });
    });
    this.append = tx.immediate as unknown as typeof tx;
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
    let rows: AccessRow[];
    try {
      rows = this.append(this.now(), batch.map((b) => b.body));
    } catch (e) {
      for (const b of batch) b.reject(e);
      return;
    }
    batch.forEach((b, i) => b.resolve(toRecord(rows[i]!)));
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
    if (this.db.open) this.db.close();
  }
}
