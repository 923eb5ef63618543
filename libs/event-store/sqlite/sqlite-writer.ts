// The embedded store's writer: a worker thread holding the one connection that writes the ledger
// file. The main thread judges and seals (numbers and hashes) a batch from a read snapshot; the
// writer inserts it in one BEGIN IMMEDIATE transaction only if the ledger's head is still the one the
// batch was sealed after (else another process appended: the batch is judged again), and answers once
// COMMIT has returned (synchronous=FULL: on disk). So the main thread keeps serving (parsing, judging,
// HTTP) while a transaction is written and fsynced, on the other core.
//
// The worker's code is plain JavaScript run with `eval` (no imports of this project's modules), so it
// runs the same from the built dist/ and under the test runner, which loads TypeScript sources.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { WorkerCalls, type WorkerReply } from '../../common/worker-calls.js';

/** The rows of a batch, column by column (hashes and keys as hex), and the head before and after it. */
export interface WriteBatch {
  from: { position: number; chain: string };
  to: { position: number; chain: string };
  appendedAt: number;
  p: number[];
  c: string[];
  v: number[];
  k: string[];
  b: string[];
  l: string[];
  h: string[];
}

export type WriteReply =
  | { ok: true }
  /** The head moved since the batch was sealed (another process appended): nothing written. */
  | { stale: true }
  /** The INSERT failed on the eventId index (an eventId already stored): nothing written. */
  | { keyViolation: true };

export interface WriterOptions { file: string; busyTimeoutMs: number }

const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const busy = workerData.busyTimeoutMs;
const db = new Database(workerData.file, { timeout: busy });
db.pragma('busy_timeout = ' + Math.trunc(busy));
if (String(db.pragma('journal_mode = WAL', { simple: true })).toLowerCase() !== 'wal') throw new Error('could not switch ' + workerData.file + ' to WAL');
db.pragma('synchronous = FULL');
if (db.pragma('synchronous', { simple: true }) !== 2) throw new Error('could not set synchronous=FULL');
db.pragma('cache_size = -65536');
db.pragma('wal_autocheckpoint = 16384');
db.pragma('journal_size_limit = 67108864');
const head = db.prepare('SELECT position, lower(hex(chain)) AS chain FROM ledger_head WHERE id = 1');
const insert = db.prepare('INSERT INTO events (position, case_id, stream_version, event_key, appended_at, body, leaf, chain) VALUES (?, ?, ?, unhex(?), ?, ?, unhex(?), unhex(?))');
const setHead = db.prepare('UPDATE ledger_head SET position = ?, chain = unhex(?) WHERE id = 1');
class Stale extends Error {}
const write = db.transaction((m) => {
  const h = head.get();
  if (!h || h.position !== m.from.position || h.chain !== m.from.chain) throw new Stale();
  const n = m.p.length;
  for (let i = 0; i < n; i++) insert.run(m.p[i], m.c[i], m.v[i], m.k[i], m.appendedAt, m.b[i], m.l[i], m.h[i]);
  setHead.run(m.to.position, m.to.chain);
});
parentPort.on('message', ({ id, batch, close }) => {
  if (close) {
    db.close();
    parentPort.postMessage({ id, reply: { ok: true } });
    return;
  }
  try {
    write.immediate(batch);
    parentPort.postMessage({ id, reply: { ok: true } });
  } catch (e) {
    if (e instanceof Stale) parentPort.postMessage({ id, reply: { stale: true } });
    else if (e && e.code === 'SQLITE_CONSTRAINT_UNIQUE' && /event_key/.test(e.message)) parentPort.postMessage({ id, reply: { keyViolation: true } });
    else parentPort.postMessage({ id, error: { message: String(e && e.message), code: e && e.code } });
  }
});
`;

/** Writes batches on the writer thread, one at a time, in order. */
export class SqliteWriter {
  private readonly calls: WorkerCalls<WorkerReply & { reply?: WriteReply }>;

  constructor(options: WriterOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: options.file, busyTimeoutMs: options.busyTimeoutMs } });
    this.calls = new WorkerCalls(worker, "the ledger's writer thread");
  }

  async write(batch: WriteBatch): Promise<WriteReply> {
    return (await this.calls.call({ batch })).reply!;
  }

  close(): Promise<void> {
    return this.calls.close({ close: true });
  }
}
