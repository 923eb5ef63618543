import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { describeEventStoreContract } from '../contract/event-store.contract.js';
import { caseHistory, caseReported, victimContact } from '../contract/fixtures.js';
import { verifyEventStore } from '../integrity/verify.js';
import type { EventStore } from '../port.js';
import { openSqliteEventStore, SQLITE_FILE_NAME } from './sqlite-event-store.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ledger-sqlite-'));
}

describeEventStoreContract('SQLite (better-sqlite3)', async () => {
  const dir = tempDir();
  const open: EventStore[] = [];
  const openOne = async () => {
    const s = await openSqliteEventStore({ dataDir: join(dir, 'nested', 'data') });
    open.push(s);
    return s;
  };
  const store = await openOne();
  return {
    store,
    tamper: {
      async sql(statement) {
        const db = new Database(join(dir, 'nested', 'data', SQLITE_FILE_NAME));
        try {
          db.exec(statement);
        } finally {
          db.close();
        }
      },
      blob: (hex) => `X'${hex}'`,
    },
    reopen: openOne,
    async cleanup() {
      for (const s of open) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite store specifics', () => {
  let dir: string;
  const stores: EventStore[] = [];
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  async function open(): Promise<EventStore> {
    const s = await openSqliteEventStore({ dataDir: dir });
    stores.push(s);
    return s;
  }

  test('creates ledger.sqlite in WAL mode with synchronous=FULL and records the schema version', async () => {
    await open();
    const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version FROM ledger_schema').pluck().all()).toEqual([1]);
    db.close();
  });

  test('refuses a file written by a newer schema version', async () => {
    const s = await open();
    await s.close();
    const db = new Database(join(dir, SQLITE_FILE_NAME));
    db.exec('UPDATE ledger_schema SET version = 99');
    db.close();
    await expect(openSqliteEventStore({ dataDir: dir })).rejects.toThrow(/schema version 99/);
  });

  test('waitForEvents notices an append made through another connection (polling)', async () => {
    const s = await open();
    await s.append({ caseId: 'CASE-A', expectedVersion: 0, events: [caseReported('CASE-A')] });
    const started = Date.now();
    const waiting = s.waitForEvents(2, 10_000);
    setTimeout(() => {
      const db = new Database(join(dir, SQLITE_FILE_NAME));
      db.exec('UPDATE ledger_head SET position = 2');
      db.close();
    }, 30);
    await waiting;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('an append waits for another process holding the write lock, then chains from its head', async () => {
    const s = await open();
    await s.append({ caseId: 'CASE-A', expectedVersion: 0, events: [caseReported('CASE-A')] });
    // A worker thread (its own connection, as another process would have) holds BEGIN IMMEDIATE for 300 ms.
    const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const Database = require(workerData.module);
       const db = new Database(workerData.file);
       db.exec('BEGIN IMMEDIATE');
       parentPort.postMessage('locked');
       setTimeout(() => { db.exec('COMMIT'); db.close(); parentPort.postMessage('released'); }, 300);`,
      { eval: true, workerData: { module: betterSqlite, file: join(dir, SQLITE_FILE_NAME) } },
    );
    const released = new Promise<void>((resolve) => worker.on('message', (m) => m === 'released' && resolve()));
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));
    const started = Date.now();
    await s.append({ caseId: 'CASE-A', expectedVersion: 1, events: [victimContact('CASE-A')] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    await released;
    await worker.terminate();
    expect(await verifyEventStore(s)).toMatchObject({ ok: true, events: 2 });
  });

  test('two connections appending alternately never fork the chain (the head is re-read in each transaction)', async () => {
    const a = await open();
    const b = await open();
    await a.append({ caseId: 'CASE-A', expectedVersion: 0, events: caseHistory('CASE-A', 2) });
    await b.append({ caseId: 'CASE-B', expectedVersion: 0, events: caseHistory('CASE-B', 2) });
    await a.appendMany([{ caseId: 'CASE-B', expectedVersion: 2, events: [victimContact('CASE-B')] }]);
    await expect(b.append({ caseId: 'CASE-B', expectedVersion: 2, events: [victimContact('CASE-B')] })).rejects.toMatchObject({
      actual: 3,
    });
    expect(await verifyEventStore(b)).toMatchObject({ ok: true, events: 5 });
  });
});
