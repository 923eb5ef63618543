// Property test (issue 3): for random generated histories, the views served from the durable,
// checkpointed projection equal a straightforward fold of the same events by an independent
// reference implementation (test/support/reference-views.ts), for random asOf, cohorts and groupings,
// on the embedded store and on PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseImporter } from '../case-ledger/application/import/case-importer.js';
import { openEventStore } from '../event-store/open-event-store.js';
import type { EventStore } from '../event-store/port.js';
import type { StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import { generateNdjson } from '../generator/index.js';
import { parseViewParams, VIEW_NAMES, GROUP_KEYS } from '../views/query.js';
import { referenceView, type ReferenceParams } from '../../test/support/reference-views.js';
import { freshSchema } from '../../test/support/postgres.js';
import { CaseViews } from './case-views.js';
import { openReadModelStore } from './views.module.js';
import type { ReadModelStore } from './read-model-store.js';

/** A small seeded PRNG for the test's own choices (asOf, filters, grouping). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function* lines(cases: number, seed: string): AsyncIterable<string> {
  yield* generateNdjson({ cases, seed });
}

async function allEvents(store: EventStore): Promise<StoredCaseEvent[]> {
  return store.readAll({ fromPosition: 1, limit: 1_000_000 });
}

type Kind = { name: string; open(): Promise<{ store: EventStore; readModels: ReadModelStore; done(): Promise<void> }> };
const KINDS: Kind[] = [
  {
    name: 'embedded',
    async open() {
      const dataDir = mkdtempSync(join(tmpdir(), 'views-prop-'));
      const store = await openEventStore({ dataDir });
      const readModels = openReadModelStore({ dataDir });
      return { store, readModels, done: async () => { await readModels.close(); await store.close(); rmSync(dataDir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgresql',
    async open() {
      const s = await freshSchema('views_prop');
      const store = await openEventStore({ databaseUrl: s.url });
      const readModels = openReadModelStore({ databaseUrl: s.url, dataDir: '' });
      return { store, readModels, done: async () => { await readModels.close(); await store.close(); await s.drop(); } };
    },
  },
];

describe.each(KINDS)('projected views equal the reference fold ($name)', (kind) => {
  test.each([1, 2, 3])('random generated histories, seed %i', async (seed) => {
    const { store, readModels, done } = await kind.open();
    try {
      const report = await new CaseImporter(store, { now: () => Date.now(), onRejected: (l, m) => { throw new Error(`line ${l}: ${m}`); } })
        .run(lines(40 + seed * 10, `prop-${seed}`));
      expect(report.rejected).toBe(0);
      // Fold in small batches so that batch boundaries fall inside cases.
      const views = new CaseViews(store, readModels, { batchSize: 97 });
      await views.catchUp();
      const events = await allEvents(store);
      const boroughs = [...new Set(events.filter((e) => e.type === 'CaseReported').map((e) => (e.data as { borough: string }).borough))];
      const random = prng(seed * 7919);
      const start = Date.parse('2023-01-01T00:00:00Z');
      const end = Date.parse('2026-03-01T00:00:00Z');
      for (let i = 0; i < 24; i++) {
        const name = VIEW_NAMES[i % VIEW_NAMES.length]!;
        const p: ReferenceParams = { asOf: new Date(start + Math.floor(random() * (end - start))).toISOString() };
        if (i % 3 === 1) p.groupBy = GROUP_KEYS[Math.floor(random() * GROUP_KEYS.length)]!;
        if (i % 4 === 2) p.borough = boroughs[Math.floor(random() * boroughs.length)]!;
        if (i % 5 === 3) { p.reportedFrom = '2023-06-01'; p.reportedTo = '2025-01-01'; }
        const params = parseViewParams({ ...p });
        const projected = (await views.query(name, params)).view;
        expect({ name, p, view: projected }).toEqual({ name, p, view: referenceView(name, events, p) });
      }
    } finally {
      await done();
    }
  });
});
