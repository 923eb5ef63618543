// The worker thread of projection-thread.ts: folds the log into the case-digest read model with its
// own connections to the event store and the read models, exactly as ProjectionRunner does in-process
// (rows and checkpoint in one transaction), and tells the main thread, in commit order, what each
// commit wrote (keys, facts as stored text, checkpoint), so the main thread's facts cache follows.
import { parentPort, workerData } from 'node:worker_threads';
import type { LedgerConfig } from '../case-ledger/ledger-config.js';
import { openEventStore } from '../event-store/open-event-store.js';
import { caseDigestProjection } from './case-digest-projection.js';
import { openReadModelStore } from './open-read-model-store.js';
import { ProjectionRunner, type Progress } from './projection-runner.js';
import type { FromWorker, ToWorker } from './projection-thread.js';

const port = parentPort!;
const config = (workerData as { config: LedgerConfig }).config;
const post = (m: FromWorker) => port.postMessage(m);
const errorOf = (e: unknown) => ({ message: e instanceof Error ? e.message : String(e), name: e instanceof Error ? e.constructor.name : 'Error' });

const events = await openEventStore(config);
const readModels = openReadModelStore(config);
const runner = new ProjectionRunner(events, readModels, caseDigestProjection, {
  onCommit: (rows, checkpoint) => post({ type: 'commit', keys: rows.map((r) => r.key), facts: rows.map((r) => r.factsText), checkpoint }),
});

let following: { stop: AbortController; done: Promise<void> } | undefined;
/** catchUp requests not yet started: one catch-up, begun after all of them were sent, answers them all. */
let waiting: number[] = [];
let catchingUp = false;

async function catchUpWaiting(): Promise<void> {
  if (catchingUp) return;
  catchingUp = true;
  try {
    while (waiting.length) {
      const ids = waiting;
      waiting = [];
      try {
        const checkpoint = await runner.catchUp();
        for (const id of ids) post({ type: 'reply', id, checkpoint });
      } catch (e) {
        for (const id of ids) post({ type: 'reply', id, error: errorOf(e) });
      }
    }
  } finally {
    catchingUp = false;
  }
}

async function answer(id: number, work: () => Promise<unknown>): Promise<void> {
  try {
    const value = await work();
    post({ type: 'reply', id, ...(value === undefined ? {} : { checkpoint: value as never }) });
  } catch (e) {
    post({ type: 'reply', id, error: errorOf(e) });
  }
}

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'catchUp':
      waiting.push(m.id);
      void catchUpWaiting();
      return;
    case 'checkpoint':
      void answer(m.id, () => runner.checkpoint());
      return;
    case 'rebuild':
      void answer(m.id, () => runner.rebuild((p: Progress) => post({ type: 'progress', id: m.id, progress: p })));
      return;
    case 'facts':
      // Every row's facts and the checkpoint they hold at, taken between two commits of this runner
      // (a catch-up's turn), so the commits reported after this answer are exactly the later ones.
      void answer(m.id, async () => {
        const keys: string[] = [];
        const facts: string[] = [];
        const checkpoint = await runner.exclusive(async () => {
          await readModels.scanFacts(caseDigestProjection.name, (rows) => {
            for (const r of rows) {
              keys.push(r.key);
              facts.push(r.facts);
            }
          });
          return runner.checkpoint();
        });
        post({ type: 'facts', id: m.id, keys, facts, checkpoint });
        return undefined;
      });
      return;
    case 'follow': {
      if (following) return;
      const stop = new AbortController();
      following = { stop, done: runner.follow(stop.signal, (e) => post({ type: 'error', error: errorOf(e) })) };
      return;
    }
    case 'close':
      void answer(m.id, async () => {
        following?.stop.abort();
        await following?.done;
        await runner.exclusive(async () => {
          await readModels.close();
          await events.close();
        });
        return undefined;
      });
      return;
  }
});
post({ type: 'ready' });
