// The access log's append transaction on the embedded store: used on the caller's thread, or on the
// writer thread (sqlite-access-log-writer.ts), so that its commit (synchronous=FULL: an fsync) does
// not hold up the thread that serves requests.
import Database from 'better-sqlite3';
import { GENESIS_CHAIN_HEX } from '../event-store/integrity/hash-chain.js';
import { rowHashes } from './chain.js';
import type { AccessRow } from './port.js';

export const ACCESS_LOG_SCHEMA = `
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

/** A connection to the ledger file for the access log: WAL, synchronous=FULL, its table made. */
export function openAccessLogDb(file: string): Database.Database {
  const db = new Database(file, { timeout: 5000 });
  db.pragma('busy_timeout = 5000');
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (String(mode).toLowerCase() !== 'wal') throw new Error(`could not switch ${file} to WAL`);
  db.pragma('synchronous = FULL');
  if (db.pragma('synchronous', { simple: true }) !== 2) throw new Error('could not set synchronous=FULL');
  db.exec(ACCESS_LOG_SCHEMA);
  return db;
}

/**
 * Appends entries in one BEGIN IMMEDIATE transaction, chained from the last stored row (so several
 * processes on the same file extend one chain); returns the rows once committed.
 */
export function accessLogAppender(db: Database.Database): (at: number, bodies: string[]) => AccessRow[] {
  const last = db.prepare('SELECT position, chain_hash FROM access_log ORDER BY position DESC LIMIT 1');
  const insert = db.prepare('INSERT INTO access_log (position, appended_at, body, leaf_hash, chain_hash) VALUES (?, ?, ?, ?, ?)');
  const tx = db.transaction((at: number, bodies: string[]): AccessRow[] => {
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
  return (at, bodies) => tx.immediate(at, bodies);
}
