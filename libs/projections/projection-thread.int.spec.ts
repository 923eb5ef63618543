// ProjectionThread's handling of a worker that stops unexpectedly, with a stand-in worker (plain
// JavaScript written here) that stops the first time it is asked to catch up or to follow.
import { jest } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProjectionThread } from './projection-thread.js';

const STAND_IN = `
import { parentPort, workerData } from 'node:worker_threads';
import { existsSync, writeFileSync } from 'node:fs';
const dir = workerData.config.dataDir;
const first = !existsSync(dir + '/stopped');
const position = first ? 1 : 2;
const checkpoint = { position, maxRecordedAt: 0 };
parentPort.on('message', (m) => {
  if (first && (m.type === 'catchUp' || m.type === 'follow')) {
    writeFileSync(dir + '/stopped', '');
    process.exit(1); // as if it committed and stopped before reporting the commit
  }
  if (m.type === 'follow') { writeFileSync(dir + '/following', ''); return; }
  if (m.type === 'facts') parentPort.postMessage({ type: 'facts', id: m.id, keys: ['K'], facts: [String(position)], checkpoint });
  parentPort.postMessage({ type: 'reply', id: m.id, ...(m.type === 'close' || m.type === 'facts' ? {} : { checkpoint }) });
});
`;

let dir: string;
let entry: URL;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'projection-thread-'));
  writeFileSync(join(dir, 'stand-in.mjs'), STAND_IN);
  entry = pathToFileURL(join(dir, 'stand-in.mjs'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a request to a worker that stops fails; the listener is told to reload; the next request gets a new worker', async () => {
  const lost = jest.fn();
  const thread = new ProjectionThread({ dataDir: dir }, { committed: () => {}, lost }, entry);
  try {
    expect(await thread.allFacts()).toEqual({ keys: ['K'], facts: ['1'], checkpoint: { position: 1, maxRecordedAt: 0 } });
    await expect(thread.catchUp()).rejects.toThrow(/projection thread stopped/);
    expect(lost).toHaveBeenCalledTimes(1);
    expect(await thread.catchUp()).toEqual({ position: 2, maxRecordedAt: 0 });
    expect(await thread.checkpoint()).toEqual({ position: 2, maxRecordedAt: 0 });
  } finally {
    await thread.close();
  }
});

test('a following worker that stops is replaced by one that follows', async () => {
  const lost = jest.fn();
  const errors: unknown[] = [];
  const thread = new ProjectionThread({ dataDir: dir }, { committed: () => {}, lost }, entry);
  const stop = new AbortController();
  const following = thread.follow(stop.signal, (e) => errors.push(e));
  for (let i = 0; !existsSync(join(dir, 'following')); i++) {
    if (i > 100) throw new Error('no new worker followed');
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(lost).toHaveBeenCalledTimes(1);
  expect(errors).toHaveLength(1);
  stop.abort();
  await following;
});
