// `benchApi`: the HTTP API under load (autocannon, 32 connections) against the embedded store, with
// authentication and the access log on, and the same runs with them off (LEDGER_BENCH_NO_AUTH=1) to
// price them. The server runs in its own process (`ledger serve`), as in production.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localKeys, signLocalToken } from '../apps/api/src/auth/local-keys.js';
import { DEFAULT_AUDIENCE, LOCAL_ISSUER } from '../apps/api/src/config.js';
import { freePort } from '../test/support/free-port.js';

export interface ApiBenchOptions {
  /** Cases reported before the runs (appends spread over them; the views cover them). */
  cases?: number;
  /** Seconds per autocannon run. */
  seconds?: number;
  connections?: number;
  /** Runs per mode (medians reported), each on a fresh server and ledger; every scenario warms up first in each. */
  runs?: number;
  /** Seconds of the warm-up run before a scenario's measured runs (not counted: JIT compilation, first allocations). */
  warmupSeconds?: number;
}

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

async function startServer(dataDir: string, noAuth: boolean): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LEDGER_DATA_DIR: dataDir, LEDGER_RATE_LIMIT: '100000000', NODE_ENV: 'benchmark' };
  delete env.DATABASE_URL;
  delete env.LEDGER_JWKS_URL;
  delete env.LEDGER_JWT_PUBLIC_KEY;
  delete env.LEDGER_JWT_ISSUER;
  delete env.LEDGER_JWT_AUDIENCE;
  if (noAuth) env.LEDGER_BENCH_NO_AUTH = '1';
  else delete env.LEDGER_BENCH_NO_AUTH;
  const child = spawn(process.execPath, [...process.execArgv, join(process.cwd(), 'scripts', 'ledger.mjs'), 'serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error('the API server did not become ready');
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

const REPORT = {
  type: 'CaseReported', occurredAt: '2021-03-04T10:15:00Z', recordedAt: '2021-03-04T11:02:00Z', actor: { id: 'pc-1', role: 'oic' },
  data: {
    crimeReference: 'CR-1', force: 'BENCH', borough: 'B', team: 'T', offence: 'rape', offenceFrom: '2021-02-27', offenceTo: null,
    relationship: 'acquaintance', contactSinceOffence: true, victim: { pseudonym: 'V-1', ageBand: '25_34', additionalNeeds: false, phoneDependentLivelihood: false },
  },
};

/** CPU time (user + system, ms) of a process, all its threads, or of one thread (the main thread: tid = pid). */
function cpuMs(pid: number, tid?: number): number {
  const f = readFileSync(tid ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * 10; // clock ticks of 10 ms (USER_HZ = 100)
}

interface Scenario { name: string; run(url: string, headers: Record<string, string>, seconds: number): Promise<CannonResult> }

interface Run { rps: number; p50: number; p99: number; bad: number; cpuUs: number; mainUs: number }

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function benchApi(options: ApiBenchOptions, log: (s: string) => void): Promise<string> {
  const cases = options.cases ?? 1000;
  const duration = options.seconds ?? 10;
  const connections = options.connections ?? 32;
  const runs = Math.max(1, options.runs ?? 3);
  const warmup = options.warmupSeconds ?? 2;
  const caseId = (i: number) => `BENCH-${String(i).padStart(6, '0')}`;
  let n = 0;
  const scenarios: Scenario[] = [
    {
      name: 'append one event (POST /cases/:caseId/events)',
      run: (url, headers, seconds) => autocannon({
        url, connections, duration: seconds,
        requests: [{
          method: 'POST',
          setupRequest(req: Record<string, unknown>) {
            const id = caseId(n++ % cases);
            return {
              ...req, path: `/cases/${id}/events`, headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify({ caseId: id, type: 'VictimContactMade', occurredAt: '2021-03-05T10:00:00Z', data: { direction: 'to_victim', channel: 'phone', purpose: 'update' } }),
            };
          },
        }],
      }),
    },
    {
      name: 'view (GET /views/withdrawal?groupBy=borough)',
      run: (url, headers, seconds) => autocannon({ url: `${url}/views/withdrawal?groupBy=borough`, connections, duration: seconds, headers }),
    },
    {
      name: 'timeline, access-logged (GET /cases/:caseId/timeline)',
      run: (url, headers, seconds) => autocannon({
        url, connections, duration: seconds,
        requests: [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: `/cases/${caseId(n++ % cases)}/timeline`, headers: { ...headers, 'x-purpose': 'benchmark' } }) }],
      }),
    },
  ];

  const results: Record<string, Record<'on' | 'off', Run[]>> = {};
  // Each run on a server and ledger of its own (the same 1,000 cases reported first), so the runs are
  // alike: on one ledger each run would append to cases made longer by the runs before it.
  for (let i = 0; i < runs; i++) {
    for (const mode of ['on', 'off'] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), 'ledger-api-bench-'));
      try {
        const keys = await localKeys(dataDir);
        const token = (role: string, force?: string) => signLocalToken(keys, { role, ...(force ? { force } : {}), sub: `bench-${role}`, issuer: LOCAL_ISSUER, audience: DEFAULT_AUDIENCE, ttl: '1h' });
        const officer = { authorization: `Bearer ${await token('officer', 'BENCH')}` };
        const inspector = { authorization: `Bearer ${await token('inspector')}` };
        const { url, child } = await startServer(dataDir, mode === 'off');
        try {
          const batch = Array.from({ length: cases }, (_, j) => JSON.stringify({ ...REPORT, caseId: caseId(j), data: { ...REPORT.data, borough: `B${j % 8}` } })).join('\n');
          const seeded = await fetch(`${url}/events/batch`, { method: 'POST', headers: { ...officer, 'content-type': 'application/x-ndjson' }, body: batch });
          const report = await seeded.json() as { appended: number };
          if (report.appended !== cases) throw new Error(`seeding: ${JSON.stringify(report).slice(0, 200)}`);
          for (const s of scenarios) {
            const headers = s.name.startsWith('append') ? officer : inspector;
            const pid = child.pid!;
            if (warmup > 0) await s.run(url, headers, warmup);
            const [c0, m0] = [cpuMs(pid), cpuMs(pid, pid)];
            const r = await s.run(url, headers, duration);
            const run: Run = {
              rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: r.non2xx + r.errors,
              cpuUs: (cpuMs(pid) - c0) * 1000 / r.requests.total, mainUs: (cpuMs(pid, pid) - m0) * 1000 / r.requests.total,
            };
            ((results[s.name] ??= {} as (typeof results)[string])[mode] ??= []).push(run);
            log(`api ${s.name}, auth+access log ${mode}, run ${i + 1}/${runs}: ${Math.round(run.rps)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, non-2xx + errors ${run.bad}, server CPU ${Math.round(run.cpuUs)} µs/request (main thread ${Math.round(run.mainUs)})`);
          }
        } finally {
          await stopServer(child);
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }

  const m = (rs: Run[], k: keyof Run) => median(rs.map((r) => r[k]));
  const rps = (rs: Run[]) => Math.round(m(rs, 'rps')).toLocaleString('en-GB');
  const lat = (rs: Run[]) => `${m(rs, 'p50')} / ${m(rs, 'p99')} (${rs.map((r) => r.p99).join(', ')})`;
  const cpu = (rs: Run[]) => `${Math.round(m(rs, 'cpuUs'))} / ${Math.round(m(rs, 'mainUs'))}`;
  const bad = (rs: Run[]) => rs.reduce((a, r) => a + r.bad, 0);
  const rows = Object.entries(results).map(([name, r]) =>
    `| ${name} | ${rps(r.on)} | ${lat(r.on)} | ${cpu(r.on)} | ${bad(r.on)} | ${rps(r.off)} | ${lat(r.off)} | ${cpu(r.off)} | ${(m(r.on, 'rps') / m(r.off, 'rps')).toFixed(2)} |`);
  return [
    `HTTP API over the embedded store, autocannon ${connections} connections. ${runs} runs per mode, each on a fresh server and ledger with ${cases.toLocaleString('en-GB')} cases reported first; in each run every scenario has a ${warmup} s warm-up (not counted), then ${duration} s measured. Medians of the runs, with each run's p99 in brackets. "On": bearer JWT (ES256) verified, roles checked, access log written (SQLite, synchronous=FULL) for the timeline; "off": LEDGER_BENCH_NO_AUTH=1. Server CPU: µs per request, all the server's threads / its main thread (the event loop).`,
    '',
    '| scenario | req/s (on) | p50 / p99 ms (on; each run\'s p99) | server CPU µs/req (on) | non-2xx + errors (on) | req/s (off) | p50 / p99 ms (off; each run\'s p99) | server CPU µs/req (off) | on / off throughput |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
