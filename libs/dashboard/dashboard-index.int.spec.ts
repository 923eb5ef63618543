// The dashboard's read model on the embedded store: loaded by a scan, then kept current by
// re-deriving only the cases whose events arrived; either way it must equal the worklists and
// distributions computed from scratch over every stored event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseImporter } from '../case-ledger/application/import/case-importer.js';
import type { StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import { openEventStore } from '../event-store/open-event-store.js';
import type { EventStore } from '../event-store/port.js';
import { generateNdjson } from '../generator/index.js';
import { CaseViews } from '../projections/case-views.js';
import type { ReadModelStore } from '../projections/read-model-store.js';
import { openReadModelStore } from '../projections/views.module.js';
import { digestsOf } from '../views/case-digest/case-digest.js';
import { caseFactsOf } from '../views/case-digest/case-facts.js';
import { parseViewParams } from '../views/query.js';
import { DashboardIndex } from './dashboard-index.js';
import { aggregateDistributions } from './rules/distributions.js';
import { WORKLISTS, worklistEntry, worklistRows } from './rules/worklist-rules.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const ALL = { force: null, borough: null, team: null };

async function* lines(texts: Iterable<string>): AsyncIterable<string> { yield* texts; }

let dir: string;
let store: EventStore;
let readModels: ReadModelStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-dash-index-'));
  store = await openEventStore({ dataDir: dir });
  readModels = openReadModelStore({ dataDir: dir });
});
afterAll(async () => {
  await readModels.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function importCases(firstCase: number, cases: number): Promise<void> {
  const importer = new CaseImporter(store, { now: () => NOW, onRejected: (l, m) => { throw new Error(`line ${l}: ${m}`); } });
  await importer.run(lines(generateNdjson({ cases, seed: 'dash-index', firstCase })));
}

async function fromScratch() {
  const events: StoredCaseEvent[] = [];
  for (let from = 1; ;) {
    const page = await store.readAll({ fromPosition: from, limit: 5000 });
    events.push(...page);
    if (page.length < 5000) break;
    from = page[page.length - 1]!.position + 1;
  }
  const digests = [...digestsOf(events).values()];
  const entries = digests.map((d) => worklistEntry(d)).filter((e) => e !== null);
  return {
    lists: Object.fromEntries(WORKLISTS.map((name) => [name, worklistRows(entries, name, ALL, NOW)])),
    distributions: aggregateDistributions(caseFactsOf(digests, Number.POSITIVE_INFINITY), NOW),
  };
}

async function fromIndex(index: DashboardIndex) {
  const lists: Record<string, unknown> = {};
  for (const name of WORKLISTS) lists[name] = await index.worklist(name, ALL, NOW);
  return { lists, distributions: await index.distributions(parseViewParams({}, NOW)) };
}

test('given a loaded index, when more cases and events arrive, then it re-derives them and still equals a computation from scratch', async () => {
  const views = new CaseViews(store, readModels);
  const index = new DashboardIndex(store, readModels, views);
  await importCases(0, 200);
  const first = await fromIndex(index);
  expect(first).toEqual(await fromScratch());
  expect(Object.values(first.lists).filter((rows) => (rows as unknown[]).length > 0).length).toBeGreaterThan(4); // not a vacuous comparison

  await importCases(200, 100);
  expect(await fromIndex(index)).toEqual(await fromScratch());

  // A fresh index over the same read model (a restart) loads by a scan and agrees too.
  const restarted = new DashboardIndex(store, readModels, new CaseViews(store, readModels));
  expect(await fromIndex(restarted)).toEqual(await fromScratch());
});
