// Times one rebuild of the case-digest projection on DATABASE_URL (a schema holding an imported
// ledger) with the code built in <root>/dist: `node [--max-semi-space-size=64] scripts/time-rebuild.mjs <root>`.
// Used for side-by-side runs of two worktrees on the same data (BENCHMARKS.md, views section).
const root = process.argv[2];
const { openPostgresEventStore } = await import(`${root}/dist/libs/event-store/postgres/postgres-event-store.js`);
const { PostgresReadModelStore } = await import(`${root}/dist/libs/projections/postgres-read-model-store.js`);
const { CaseViews } = await import(`${root}/dist/libs/projections/case-views.js`);
const url = process.env.DATABASE_URL;
const store = await openPostgresEventStore(url);
const rm = new PostgresReadModelStore(url);
const views = new CaseViews(store, rm);
const head = (await store.head()).position;
const t = performance.now(); const c0 = process.cpuUsage();
await views.rebuild();
const ms = performance.now() - t;
const { readFileSync } = await import('node:fs');
console.log(JSON.stringify({ root: root.split('/').pop(), events: head, ms: Math.round(ms), evps: Math.round(head / ms * 1000), cpuMs: (({user, system}) => Math.round((user + system) / 1000))(process.cpuUsage(c0)), load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') }));
await rm.close(); await store.close();
