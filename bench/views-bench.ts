// Issue 3's figures, beside the naive way (read the whole log and fold it on each query):
// view latency for asOf now (whole cohort, and grouped by borough), rebuild throughput, the lag of
// live follow at a sustained 1,000 appends/s, and the cost of a past asOf.
import { fork } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { ndjsonLines } from '../libs/case-ledger/application/import/ndjson-lines.js';
import { fileURLToPath } from 'node:url';
import { CaseImporter } from '../libs/case-ledger/application/import/case-importer.js';
import { CaseViews } from '../libs/projections/case-views.js';
import { openReadModelStore } from '../libs/projections/views.module.js';
import { evolveDigest, type CaseDigest } from '../libs/views/case-digest/case-digest.js';
import { computeView, parseViewParams } from '../libs/views/query.js';
import type { EventStore } from '../libs/event-store/port.js';
import { cohortFile, fmt, freshStore, median, percentile, time } from './support.js';

async function importFile(store: EventStore, path: string): Promise<number> {
  const importer = new CaseImporter(store, { now: () => Date.now(), onRejected: (l, m) => { throw new Error(`line ${l}: ${m}`); } });
  const r = await importer.run(ndjsonLines(createReadStream(path, { highWaterMark: 1 << 20 })));
  return r.appended;
}

/** The naive way: read the whole log and fold it into per-case digests on every query. */
async function naiveView(store: EventStore, groupBy: string | null): Promise<void> {
  const digests = new Map<string, CaseDigest>();
  for (let from = 1; ; ) {
    const page = await store.readAll({ fromPosition: from, limit: 20000 });
    for (const e of page) digests.set(e.metadata.caseId, evolveDigest(digests.get(e.metadata.caseId) ?? null, e));
    if (page.length < 20000) break;
    from = page[page.length - 1]!.position + 1;
  }
  computeView('withdrawal', digests.values(), parseViewParams(groupBy ? { groupBy } : {}));
}

export interface ViewsBenchOptions { cases: number; seed: string; runs: number; kinds: ('embedded' | 'postgresql')[] }

export async function benchViews(o: ViewsBenchOptions, log: (s: string) => void): Promise<string> {
  const cohort = await cohortFile(o.cases, o.seed);
  log(`cohort: ${fmt(o.cases)} cases, ${fmt(cohort.lines)} events`);
  const md: string[] = [
    `### Views (issue 3): ${fmt(o.cases)} generated cases, ${fmt(cohort.lines)} events, seed \`${o.seed}\``, '',
    '| store | measure | this ledger | naive (fold the whole log per query) | ratio | target |', '|---|---|---|---|---|---|',
  ];
  for (const kind of o.kinds) {
    const s = await freshStore(kind);
    const imported = await time(() => importFile(s.store, cohort.path));
    log(`${kind}: imported ${fmt(imported.value)} events in ${fmt(imported.ms / 1000, 1)} s`);
    const config = { dataDir: s.dataDir ?? '', ...(s.databaseUrl ? { databaseUrl: s.databaseUrl } : {}) };
    const readModels = openReadModelStore(config);
    const views = new CaseViews(s.store, readModels);

    const rebuildRates: number[] = [];
    for (let run = 0; run < o.runs; run++) {
      const r = await time(() => views.rebuild());
      rebuildRates.push(cohort.lines / (r.ms / 1000));
      log(`${kind} rebuild run ${run + 1}: ${fmt(cohort.lines / (r.ms / 1000))} ev/s`);
    }
    md.push(`| ${kind} | rebuild all projections from scratch, events/s (median of ${o.runs}) | ${fmt(median(rebuildRates))} | | | ≥ 100,000 |`);

    // Views for asOf now from the projection (facts cached in memory after the first query).
    const now = parseViewParams({});
    const byBorough = parseViewParams({ groupBy: 'borough' });
    const cold = await time(() => views.query('withdrawal', now));
    const lat: number[] = [];
    const latGrouped: number[] = [];
    const names = ['withdrawal', 'timeliness', 'disproportionality', 'predictors'] as const;
    for (let i = 0; i < 100; i++) {
      const n = names[i % 4]!;
      lat.push((await time(() => views.query(n, parseViewParams({})))).ms);
      latGrouped.push((await time(() => views.query(n, parseViewParams({ groupBy: 'borough' })))).ms);
    }
    const naive = await time(() => naiveView(s.store, null));
    const naiveGrouped = await time(() => naiveView(s.store, 'borough'));
    md.push(`| ${kind} | view, asOf now, whole cohort: p50 / p95 ms (100 queries over the 4 views) | ${fmt(percentile(lat, 50), 1)} / ${fmt(percentile(lat, 95), 1)} | ${fmt(naive.ms)} | ${fmt(naive.ms / percentile(lat, 95))}× | p95 < 50 |`);
    md.push(`| ${kind} | view, asOf now, grouped by borough: p50 / p95 ms | ${fmt(percentile(latGrouped, 50), 1)} / ${fmt(percentile(latGrouped, 95), 1)} | ${fmt(naiveGrouped.ms)} | ${fmt(naiveGrouped.ms / percentile(latGrouped, 95))}× | p95 < 150 |`);
    md.push(`| ${kind} | first view after start (loads the facts of every case from the read model), ms | ${fmt(cold.ms)} | | | |`);
    void byBorough;

    // A past asOf: cases with events recorded after it are recomputed from their stored digests.
    const pastMs: number[] = [];
    let replayed = 0;
    for (let run = 0; run < o.runs; run++) {
      const r = await time(() => views.query('timeliness', parseViewParams({ asOf: '2024-07-01T00:00:00Z' })));
      pastMs.push(r.ms);
      replayed = r.value.replayedCases;
    }
    md.push(`| ${kind} | view at a past asOf (2024-07-01), whole cohort, ms (median of ${o.runs}; ${fmt(replayed)} cases recomputed from their digests) | ${fmt(median(pastMs))} | ${fmt(naive.ms)} | ${fmt(naive.ms / median(pastMs), 1)}× | < 10,000 |`);

    // Live follow: a separate process appends 1,000 events/s for 20 s (through the importer, 100 events
    // per transaction every 100 ms); we note when each becomes visible in the views.
    const stop = new AbortController();
    const seen: number[] = [];
    const visibleAt = new Map<number, number>();
    const follower = new CaseViews(s.store, readModels, { onCommit: (cp) => visibleAt.set(cp.position, Date.now()) });
    await follower.catchUp();
    const followerDone = follower.follow(stop.signal);
    const child = fork(fileURLToPath(new URL('./live-appender.js', import.meta.url)), [JSON.stringify({ ...config, rate: 1000, seconds: 20 })], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    // Each message: the head after a commit and when it was acknowledged; every event up to it was acknowledged by then.
    const appended: { position: number; at: number; count: number }[] = [];
    child.on('message', (m: { position: number; at: number; count: number }[]) => { for (const x of m) appended.push(x); });
    await new Promise((r) => child.on('exit', r));
    await new Promise((r) => setTimeout(r, 1500));
    stop.abort();
    await followerDone;
    const commits = [...visibleAt.entries()].sort((a, b) => a[0] - b[0]);
    for (const a of appended) {
      const c = commits.find(([pos]) => pos >= a.position);
      if (c) seen.push(Math.max(0, c[1] - a.at));
    }
    const rate = appended.reduce((n, a) => n + a.count, 0) / 20;
    md.push(`| ${kind} | live: append → visible in the views at ${fmt(rate)} appends/s sustained for 20 s: p50 / p99 / max ms (${fmt(seen.length)} of ${fmt(appended.length)} commits seen) | ${fmt(percentile(seen, 50))} / ${fmt(percentile(seen, 99))} / ${fmt(Math.max(...seen))} | | | < 1,000 |`);
    await readModels.close();
    await s.dispose();
  }
  return md.join('\n');
}
