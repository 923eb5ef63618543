// Times one import of an NDJSON file into a fresh store with the code built in <root>/dist, as the
// ledger bench does (CaseImporter over ndjsonLines): `node scripts/time-import.mjs <root> embedded|postgresql <file> [lines]`.
// PostgreSQL: DATABASE_URL, a fresh schema per run (dropped afterwards). Prints one JSON line:
// events/s, CPU ms of this process (all threads), µs CPU per event, load average.
// Used for side-by-side runs of two worktrees on the same file (BENCHMARKS.md, ledger section).
import { createReadStream, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
const [root, kind, file, limitArg] = process.argv.slice(2);
const limit = limitArg ? Number(limitArg) : Infinity;
const { ndjsonLines } = await import(`${root}/dist/libs/case-ledger/application/import/ndjson-lines.js`);
const { CaseImporter } = await import(`${root}/dist/libs/case-ledger/application/import/case-importer.js`);
let store; let dispose;
if (kind === 'embedded') {
  const { openSqliteEventStore } = await import(`${root}/dist/libs/event-store/sqlite/sqlite-event-store.js`);
  const dataDir = mkdtempSync(join(process.env.IMPORT_TMP ?? tmpdir(), 'time-import-'));
  store = await openSqliteEventStore({ dataDir });
  dispose = () => rmSync(dataDir, { recursive: true, force: true });
} else {
  const { openPostgresEventStore } = await import(`${root}/dist/libs/event-store/postgres/postgres-event-store.js`);
  const schema = `ti_${process.pid}_${Date.now()}`;
  store = await openPostgresEventStore(process.env.DATABASE_URL, { schema });
  dispose = async () => { const c = new pg.Client(process.env.DATABASE_URL); await c.connect(); await c.query(`DROP SCHEMA "${schema}" CASCADE`); await c.end(); };
}
async function* lines() {
  let n = 0;
  for await (const l of ndjsonLines(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    if (n++ >= limit) return;
    yield l;
  }
}
const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const { PerformanceObserver, constants: pc } = await import('node:perf_hooks');
const gc = { minor: 0, major: 0, other: 0 };
const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) { const k = e.detail?.kind ?? e.kind; if (k === pc.NODE_PERFORMANCE_GC_MINOR) gc.minor += e.duration; else if (k === pc.NODE_PERFORMANCE_GC_MAJOR) gc.major += e.duration; else gc.other += e.duration; } });
obs.observe({ entryTypes: ['gc'] });
const importer = new CaseImporter(store, { ...(process.env.CACHE ? { cacheSize: Number(process.env.CACHE) } : {}), ...(process.env.CHUNK ? { chunkSize: Number(process.env.CHUNK) } : {}), now: () => Date.now(), onRejected: (line, m) => { throw new Error(`line ${line}: ${m}`); } });
const t = performance.now(); const c0 = process.cpuUsage();
const r = await importer.run(lines());
const ms = performance.now() - t; const c = process.cpuUsage(c0); const cpu = (c.user + c.system) / 1000;
const head = await store.head();
let serverCpuMs;
if (kind !== 'embedded') { // the PostgreSQL backends of this database (used by this run only): their CPU since they started
  const c = new pg.Client(process.env.DATABASE_URL); await c.connect();
  const pids = (await c.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => r.pid);
  await c.end();
  serverCpuMs = 0;
  for (const pid of pids) { try { const st = readFileSync(`/proc/${pid}/stat`, 'utf8'); const f = st.slice(st.lastIndexOf(')') + 2).split(' '); serverCpuMs += (Number(f[11]) + Number(f[12])) * 10; } catch {} }
}
const threads = {}; try { for (const tid of (await import('node:fs')).readdirSync('/proc/self/task')) { const st = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'); const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')')); const f = st.slice(st.lastIndexOf(')') + 2).split(' '); const ms = (Number(f[11]) + Number(f[12])) * 10; const key = Number(tid) === process.pid ? "main" : name + ":" + tid; if (ms > 0) threads[key] = (threads[key] ?? 0) + ms; } } catch {}

await store.close(); await dispose();
console.log(JSON.stringify({ root: root.split('/').pop(), kind, appended: r.appended, dup: r.duplicates, rej: r.rejected, ms: Math.round(ms), evps: Math.round(r.appended / ms * 1000), cpuMs: Math.round(cpu), usPerEv: +(cpu * 1000 / r.appended).toFixed(1), head: head.hash.slice(0, 12), threads, gcMs: { minor: Math.round(gc.minor), major: Math.round(gc.major), other: Math.round(gc.other) }, ...(serverCpuMs !== undefined ? { serverCpuMs, serverUsPerEv: +(serverCpuMs * 1000 / r.appended).toFixed(1) } : {}), load: load0 + ' -> ' + readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') }));
