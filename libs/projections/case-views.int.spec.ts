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

const DAY = 86_400_000;
/**
 * Generated lines with some events moved onto the edges the definitions care about: the same instant
 * as the case's previous event (ties), or exactly 1, 7, 28, 30, 90 or 365 days after the report.
 * Lines the ledger then refuses are skipped by the import; the rest form valid, edge-heavy histories.
 */
async function* edgyLines(cases: number, seed: string, random: () => number): AsyncIterable<string> {
  let reportMs = 0;
  let previousMs = 0;
  for (const text of generateNdjson({ cases, seed })) {
    const line = JSON.parse(text) as { type: string; occurredAt: string; recordedAt: string };
    const at = Date.parse(line.occurredAt);
    if (line.type === 'CaseReported') reportMs = at;
    else if (random() < 0.25) {
      const moved = random() < 0.5 ? previousMs : reportMs + [1, 7, 28, 30, 90, 365][Math.floor(random() * 6)]! * DAY;
      line.occurredAt = new Date(moved).toISOString();
      if (Date.parse(line.recordedAt) < moved) line.recordedAt = line.occurredAt;
    }
    previousMs = Date.parse(line.occurredAt);
    yield JSON.stringify(line);
  }
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
  test.each([
    [1, 'as generated'], [2, 'as generated'], [3, 'as generated'],
    [4, 'with events moved onto ties and day boundaries'], [5, 'with events moved onto ties and day boundaries'],
  ])('random generated histories, seed %i, %s', async (seed, variant) => {
    const { store, readModels, done } = await kind.open();
    try {
      const edgy = variant !== 'as generated';
      const report = await new CaseImporter(store, {
        now: () => Date.now(),
        onRejected: (l, m) => { if (!edgy) throw new Error(`line ${l}: ${m}`); },
      }).run(edgy ? edgyLines(60, `prop-${seed}`, prng(seed)) : lines(40 + seed * 10, `prop-${seed}`));
      expect(report.appended).toBeGreaterThan(500);
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
