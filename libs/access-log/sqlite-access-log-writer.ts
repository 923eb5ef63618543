// The access log's writer thread (started by sqlite-access-log.ts from the built code): its own
// connection, one transaction per batch of entries, answered once committed.
import { parentPort, workerData } from 'node:worker_threads';
import { accessLogAppender, openAccessLogDb } from './sqlite-access-append.js';

const db = openAccessLogDb((workerData as { file: string }).file);
const append = accessLogAppender(db);
parentPort!.on('message', (m: { id: number; at?: number; bodies?: string[]; close?: true }) => {
  if (m.close) {
    db.close();
    parentPort!.postMessage({ id: m.id, rows: [] });
    return;
  }
  try {
    parentPort!.postMessage({ id: m.id, rows: append(m.at!, m.bodies!) });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: { message: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code } });
  }
});
