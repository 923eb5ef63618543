// The runner's parallel catch-up (the log folded in partitions by case, rows of all partitions and
// the checkpoint committed in one transaction) on PostgreSQL must give exactly the read model of the
// fold in one thread: from scratch, from a checkpoint part-way, at a gap in the log, after a failed
// commit. The partitions are folded here by LocalFolders (what each worker thread runs); the worker
// threads themselves run from the built code (test/projections.e2e.spec.ts).
import pg from 'pg';
import { CaseImporter } from '../case-ledger/application/import/case-importer.js';
import { openPostgresEventStore, type PostgresEventStore } from '../event-store/postgres/postgres-event-store.js';
import { generateNdjson } from '../generator/index.js';
import { freshSchema } from '../../test/support/postgres.js';
import { caseDigestProjection } from './case-digest-projection.js';
import { LocalFolder, type LoadStates } from './partition-fold.js';
import { PostgresReadModelStore } from './postgres-read-model-store.js';
import { ProjectionRunner, type RunnerOptions } from './projection-runner.js';
import type { Checkpoint, ReadModelRow, ReadModelStore } from './read-model-store.js';
import type { CaseFacts } from '../views/case-digest/case-facts.js';

type Facts = CaseFacts | null;

let schema: { url: string; drop(): Promise<void> };
let store: PostgresEventStore;
let readModels: PostgresReadModelStore;
let lines: string[];

beforeAll(async () => {
  schema = await freshSchema('parallel_fold');
  store = await openPostgresEventStore(schema.url);
  readModels = new PostgresReadModelStore(schema.url);
  lines = [...generateNdjson({ cases: 40, seed: 'parallel-fold' })];
});
afterAll(async () => {
  await readModels.close();
  await store.close();
  await schema.drop();
});

async function importLines(part: string[]): Promise<void> {
  const report = await new CaseImporter(store, { now: () => Date.now(), onRejected: (l, m) => { throw new Error(`line ${l}: ${m}`); } })
    .run((async function* () { yield* part; })());
  expect(report.appended).toBe(part.length);
}

async function snapshot(): Promise<{ rows: ReadModelRow[]; checkpoint: Checkpoint }> {
  const rows = new Map<string, ReadModelRow>();
  await readModels.scanStates(caseDigestProjection.name, (page) => { for (const r of page) rows.set(r.key, { key: r.key, state: r.state, facts: '', parts: { from: 0, texts: r.parts } }); });
  await readModels.scanFacts(caseDigestProjection.name, (page) => { for (const r of page) rows.get(r.key)!.facts = r.facts; });
  return { rows: [...rows.values()], checkpoint: await readModels.checkpoint(caseDigestProjection.name) };
}

/** Folders in this thread, with tiny caches (states are evicted and loaded back from the read model). */
const localFolders = (partitions: number, load: LoadStates) =>
  Array.from({ length: partitions }, (_, i) => new LocalFolder(store, caseDigestProjection, i, partitions, load, 3));

function runner(options: RunnerOptions<Facts>, rm: ReadModelStore = readModels, published?: Map<string, Facts>) {
  return new ProjectionRunner(store, rm, caseDigestProjection, {
    batchSize: 97, // batch boundaries fall inside cases
    ...options,
    onCommit: (rows) => { for (const r of rows) published?.set(r.key, r.facts); },
  });
}
const serial = (published?: Map<string, Facts>) => runner({ parallel: false }, readModels, published);
const parallel = (published?: Map<string, Facts>, rm?: ReadModelStore) =>
  runner({ parallel: { partitions: 3, minEvents: 0, folders: localFolders } }, rm, published);

test('from scratch: the same rows, checkpoint and published facts as the fold in this thread', async () => {
  await importLines(lines);
  const serialFacts = new Map<string, Facts>();
  await serial(serialFacts).rebuild();
  const expected = await snapshot();
  expect(expected.checkpoint.position).toBe(lines.length);
  expect(expected.rows).toHaveLength(40);

  const parallelFacts = new Map<string, Facts>();
  const progress: number[] = [];
  const cp = await parallel(parallelFacts).rebuild((p) => progress.push(p.position));
  expect(cp).toEqual(expected.checkpoint);
  expect(await snapshot()).toEqual(expected);
  expect(parallelFacts).toEqual(serialFacts);
  expect(progress.at(-1)).toBe(lines.length);
  expect(progress.length).toBe(Math.ceil(lines.length / 97));
});

test('from a checkpoint part-way, with later events of cases already folded (their rows loaded back)', async () => {
  // The log of the first test, then the same cases again under other ids: new events of other
  // cases. To have new events of cases already in the read model, a fresh schema is simplest.
  const s = await freshSchema('parallel_fold_resume');
  const st = await openPostgresEventStore(s.url);
  const rm = new PostgresReadModelStore(s.url);
  try {
    const cut = Math.floor(lines.length * 0.6); // inside a case's history
    const run = async (part: string[]) => {
      const report = await new CaseImporter(st, { now: () => Date.now(), onRejected: (l, m) => { throw new Error(`line ${l}: ${m}`); } }).run((async function* () { yield* part; })());
      expect(report.appended).toBe(part.length);
    };
    const folders = (partitions: number, load: LoadStates) =>
      Array.from({ length: partitions }, (_, i) => new LocalFolder(st, caseDigestProjection, i, partitions, load, 3));
    const make = (parallelOn: boolean) => new ProjectionRunner(st, rm, caseDigestProjection, {
      batchSize: 97, parallel: parallelOn ? { partitions: 3, minEvents: 0, folders } : false,
    });
    await run(lines.slice(0, cut));
    await make(true).catchUp();
    await run(lines.slice(cut));
    const cp = await make(true).catchUp(); // a new runner: nothing cached, rows of the first part loaded
    expect(cp.position).toBe(lines.length);
    const snap = async () => {
      const rows: unknown[] = [];
      await rm.scanStates(caseDigestProjection.name, (page) => rows.push(...page));
      await rm.scanFacts(caseDigestProjection.name, (page) => rows.push(...page));
      return { rows, checkpoint: await rm.checkpoint(caseDigestProjection.name) };
    };
    const resumed = await snap();
    await make(false).rebuild();
    expect(resumed).toEqual(await snap());
  } finally {
    await rm.close();
    await st.close();
    await s.drop();
  }
});

test('a commit that fails leaves the last checkpoint; catching up again gives the read model of a fresh fold', async () => {
  const expected = (await serial().rebuild(), await snapshot());
  let commits = 0;
  const failing: ReadModelStore = Object.assign(Object.create(readModels) as ReadModelStore, {
    commit: (...args: Parameters<ReadModelStore['commit']>) => {
      if (++commits === 4) return Promise.reject(new Error('connection lost'));
      return readModels.commit(...args);
    },
  });
  const r = parallel(undefined, failing);
  await expect(r.rebuild()).rejects.toThrow('connection lost');
  expect((await readModels.checkpoint(caseDigestProjection.name)).position).toBe(3 * 97);
  expect(await r.catchUp()).toEqual(expected.checkpoint);
  expect(await snapshot()).toEqual(expected);
});

test('stops at a gap in the log, as the reader in this thread does', async () => {
  const gapAt = 500;
  const c = new pg.Client({ connectionString: schema.url });
  await c.connect();
  try {
    await c.query('DELETE FROM events WHERE position = $1', [gapAt]);
  } finally {
    await c.end();
  }
  await serial().rebuild();
  const expected = await snapshot();
  expect(expected.checkpoint.position).toBe(gapAt - 1);
  const cp = await parallel().rebuild();
  expect(cp.position).toBe(gapAt - 1);
  expect(await snapshot()).toEqual(expected);
});
