// Times one API scenario against `ledger serve` built in <root>/dist, as bench/api-bench.ts does
// (autocannon, 32 connections, 1,000 cases reported first), and adds the server's CPU time per request
// (all its threads, from /proc/<pid>/stat) and the load average: for side-by-side runs of two
// worktrees (BENCHMARKS.md, API section).
//   node scripts/time-api.mjs <root> [append|view|timeline] [--off] [--seconds 10] [--warmup 2] [--cpu-prof DIR]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

if (process.argv[2] === '--serve') {
  const { main } = await import(`${process.argv[3]}/dist/apps/cli/src/main.js`);
  await main(['serve']);
  await new Promise(() => {}); // until SIGTERM
}
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { off: { type: 'boolean' }, seconds: { type: 'string' }, warmup: { type: 'string' }, cases: { type: 'string' }, connections: { type: 'string' }, 'cpu-prof': { type: 'string' } },
});
const root = resolve(positionals[0] ?? '.');
const scenario = positionals[1] ?? 'append';
const seconds = Number(values.seconds ?? 10);
const warmup = Number(values.warmup ?? 2); // seconds of load before the measured run (as bench/api-bench.ts)
const cases = Number(values.cases ?? 1000);
const connections = Number(values.connections ?? 32);
const autocannon = createRequire(import.meta.url)('autocannon');
const { localKeys, signLocalToken } = await import(`${root}/dist/apps/api/src/auth/local-keys.js`);
const { DEFAULT_AUDIENCE, LOCAL_ISSUER } = await import(`${root}/dist/apps/api/src/config.js`);

const freePort = () => new Promise((ok, fail) => {
  const s = createServer();
  s.once('error', fail);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});
const TICK = 100; // USER_HZ
function cpuMs(pid, tid) {
  const f = readFileSync(tid ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * (1000 / TICK); // utime + stime, every thread
}
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const dataDir = mkdtempSync(join(tmpdir(), 'ledger-time-api-'));
const port = await freePort();
const env = { ...process.env, PORT: String(port), LEDGER_DATA_DIR: dataDir, LEDGER_RATE_LIMIT: '100000000', NODE_ENV: 'benchmark' };
for (const k of ['DATABASE_URL', 'LEDGER_JWKS_URL', 'LEDGER_JWT_PUBLIC_KEY', 'LEDGER_JWT_ISSUER', 'LEDGER_JWT_AUDIENCE', 'LEDGER_BENCH_NO_AUTH']) delete env[k];
if (values.off) env.LEDGER_BENCH_NO_AUTH = '1';
const nodeArgs = [...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : []), ...(process.env.TIME_API_NODE_ARGS ? process.env.TIME_API_NODE_ARGS.split(' ') : [])];
const keys = await localKeys(dataDir);
const token = (role, force) => signLocalToken(keys, { role, ...(force ? { force } : {}), sub: `bench-${role}`, issuer: LOCAL_ISSUER, audience: DEFAULT_AUDIENCE, ttl: '1h' });
const officer = { authorization: `Bearer ${await token('officer', 'BENCH')}` };
const inspector = { authorization: `Bearer ${await token('inspector')}` };
// dist's main.js exports main(); run it as scripts/ledger.mjs does, without its build step.
// TIME_API_STDOUT=FILE keeps the server's stdout (request log, --trace-gc output) in FILE.
const stdout = process.env.TIME_API_STDOUT ? (await import('node:fs')).openSync(process.env.TIME_API_STDOUT, 'w') : 'ignore';
const child = spawn(process.execPath, [...nodeArgs, new URL(import.meta.url).pathname, '--serve', root], { env, cwd: root, stdio: ['ignore', stdout, 'inherit'] });
const url = `http://127.0.0.1:${port}`;
try {
  let up = false;
  for (let i = 0; i < 300 && !up; i++) {
    try { up = (await fetch(`${url}/health`)).ok; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  if (!up) throw new Error('server did not start');
  const caseId = (i) => `BENCH-${String(i).padStart(6, '0')}`;
  const REPORT = {
    type: 'CaseReported', occurredAt: '2021-03-04T10:15:00Z', recordedAt: '2021-03-04T11:02:00Z', actor: { id: 'pc-1', role: 'oic' },
    data: {
      crimeReference: 'CR-1', force: 'BENCH', borough: 'B', team: 'T', offence: 'rape', offenceFrom: '2021-02-27', offenceTo: null,
      relationship: 'acquaintance', contactSinceOffence: true, victim: { pseudonym: 'V-1', ageBand: '25_34', additionalNeeds: false, phoneDependentLivelihood: false },
    },
  };
  const batch = Array.from({ length: cases }, (_, i) => JSON.stringify({ ...REPORT, caseId: caseId(i), data: { ...REPORT.data, borough: `B${i % 8}` } })).join('\n');
  const seeded = await (await fetch(`${url}/events/batch`, { method: 'POST', headers: { ...officer, 'content-type': 'application/x-ndjson' }, body: batch })).json();
  if (seeded.appended !== cases) throw new Error(`seeding: ${JSON.stringify(seeded).slice(0, 200)}`);
  await new Promise((r) => setTimeout(r, 1500)); // let the projection follower fold the seed
  let n = 0;
  const opts = scenario === 'append'
    ? { url, connections, duration: seconds, requests: [{ method: 'POST', setupRequest(req) {
        const id = caseId(n++ % cases);
        return { ...req, path: `/cases/${id}/events`, headers: { ...officer, 'content-type': 'application/json' },
          body: JSON.stringify({ caseId: id, type: 'VictimContactMade', occurredAt: '2021-03-05T10:00:00Z', data: { direction: 'to_victim', channel: 'phone', purpose: 'update' } }) };
      } }] }
    : scenario === 'view'
      ? { url: `${url}/views/withdrawal?groupBy=borough`, connections, duration: seconds, headers: inspector }
      : { url, connections, duration: seconds, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/cases/${caseId(n++ % cases)}/timeline`, headers: { ...inspector, 'x-purpose': 'benchmark' } }) }] };
  if (warmup > 0) await autocannon({ ...opts, duration: warmup });
  const loadBefore = load();
  const c0 = cpuMs(child.pid);
  const m0 = cpuMs(child.pid, child.pid); // the main thread (the event loop)
  const tasks = () => Object.fromEntries(readdirSync(`/proc/${child.pid}/task`).map((t) => [t, cpuMs(child.pid, t)]));
  const t0 = tasks();
  const r = await autocannon(opts);
  const cpu = cpuMs(child.pid) - c0;
  const main = cpuMs(child.pid, child.pid) - m0;
  // Every thread's CPU µs per request, busiest first (worker threads: the ledger's writer, the
  // projection, the access log's writer; V8's GC helpers and libuv's pool).
  const t1 = tasks();
  const threads = Object.entries(t1).map(([t, ms]) => [t === String(child.pid) ? 'main' : t, ms - (t0[t] ?? 0)]).filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1]).map(([t, ms]) => `${t}:${Math.round(ms * 1000 / r.requests.total)}`).join(' ');
  console.log(JSON.stringify({
    root: root.split('/').pop(), scenario, auth: values.off ? 'off' : 'on', rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max,
    cpuUsPerReq: Math.round(cpu * 1000 / r.requests.total), mainUsPerReq: Math.round(main * 1000 / r.requests.total), threads, total: r.requests.total, bad: r.non2xx + r.errors, load: loadBefore,
  }));
} finally {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}
