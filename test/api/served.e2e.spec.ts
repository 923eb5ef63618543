// `ledger serve` as run in production (a child process from the built code), on the embedded store
// and on PostgreSQL: the views' projection follows the ledger on a worker thread with its own
// connections. Appended events reach the durable read model without any view request (the follower,
// not a request's catch-up), the views served equal those of a read model rebuilt from scratch in
// this process, and a view asked for right after an append shows it. On the embedded store the
// access log commits on its own writer thread.
import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { localKeys, signLocalToken } from '../../apps/api/src/auth/local-keys.js';
import { DEFAULT_AUDIENCE, LOCAL_ISSUER } from '../../apps/api/src/config.js';
import { openEventStore } from '../../libs/event-store/open-event-store.js';
import { CaseViews } from '../../libs/projections/case-views.js';
import { openReadModelStore } from '../../libs/projections/open-read-model-store.js';
import { parseViewParams, VIEW_NAMES } from '../../libs/views/query.js';
import { cliEnv, runCli, spawnCli, tempDir } from '../support/cli.js';
import { freshSchema } from '../support/postgres.js';
import { freePort } from '../support/free-port.js';

const GROUPINGS = ['', '?groupBy=borough', '?groupBy=force&asOf=2023-06-30T00:00:00Z'];

type Store = { name: string; open(): Promise<{ databaseUrl?: string; drop(): Promise<void> }> };
const STORES: Store[] = [
  { name: 'embedded', open: async () => ({ drop: async () => {} }) },
  { name: 'postgresql', open: async () => { const s = await freshSchema('served_e2e'); return { databaseUrl: s.url, drop: s.drop }; } },
];

describe.each(STORES)('ledger serve on the $name store', (store) => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let drop: () => Promise<void>;
  let child: ChildProcess;
  let url: string;
  let log = '';
  let officer: Record<string, string>;
  let inspector: Record<string, string>;

  beforeAll(async () => {
    dataDir = tempDir('ledger-served-');
    ({ databaseUrl, drop } = await store.open());
    const keys = await localKeys(dataDir);
    const token = (role: string, force?: string) =>
      signLocalToken(keys, { role, ...(force ? { force } : {}), sub: `t-${role}`, issuer: LOCAL_ISSUER, audience: DEFAULT_AUDIENCE });
    officer = { authorization: `Bearer ${await token('officer', 'MPS')}` };
    inspector = { authorization: `Bearer ${await token('inspector')}` };
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawnCli(['serve'], { ...cliEnv({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) }), PORT: String(port), LEDGER_RATE_LIMIT: '100000', NODE_ENV: 'test' });
    child.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/health`)).ok) break;
      } catch { /* not up yet */ }
      if (i > 600) throw new Error(`the server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    await drop();
  });

  async function lag(): Promise<number> {
    const text = await (await fetch(`${url}/metrics`)).text();
    const m = /^ledger_projection_lag_events (\d+)/m.exec(text);
    return Number(m![1]);
  }

  test('the projection runs on a worker thread and follows appends by itself; served views equal a rebuild from scratch', async () => {
    expect(log).toContain("the views' projection follows the ledger on a worker thread");
    const generated = runCli(['generate', '--cases', '60', '--seed', 'served'], cliEnv({}));
    expect(generated.status).toBe(0);
    // Each force's cases posted by an officer of that force.
    const lines = generated.stdout.trim().split('\n');
    const forces = new Set(lines.map((l) => (JSON.parse(l) as { data?: { force?: string } }).data?.force).filter(Boolean));
    let appended = 0;
    for (const force of forces) {
      const keys = await localKeys(dataDir);
      const t = await signLocalToken(keys, { role: 'officer', force: force!, sub: `t-${force}`, issuer: LOCAL_ISSUER, audience: DEFAULT_AUDIENCE });
      const mine = new Set(lines.filter((l) => (JSON.parse(l) as { data?: { force?: string } }).data?.force === force).map((l) => (JSON.parse(l) as { caseId: string }).caseId));
      const body = lines.filter((l) => mine.has((JSON.parse(l) as { caseId: string }).caseId)).join('\n');
      const r = await fetch(`${url}/events/batch`, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/x-ndjson' }, body });
      expect(r.status).toBe(200);
      appended += ((await r.json()) as { appended: number }).appended;
    }
    expect(appended).toBeGreaterThan(lines.length / 2);

    // No view asked for: the follower alone brings the read model to the head.
    for (let i = 0; (await lag()) !== 0; i++) {
      if (i > 100) throw new Error('the projection did not follow the appends');
      await new Promise((r) => setTimeout(r, 100));
    }

    const serveAll = async () => {
      const out: Record<string, unknown> = {};
      for (const name of VIEW_NAMES) {
        for (const q of GROUPINGS) {
          const r = await fetch(`${url}/views/${name}${q}`, { headers: inspector });
          expect(r.status).toBe(200);
          out[`${name}${q}`] = await r.json();
        }
      }
      return out;
    };
    const before = await serveAll();

    // One more case, reported now: the views asked for right after count it.
    const line = lines.find((l) => (JSON.parse(l) as { type: string }).type === 'CaseReported')!;
    const report = JSON.parse(line) as { caseId: string; data: { force: string }; eventId?: string };
    const fresh = { ...report, caseId: 'MPS-SERVED-1', data: { ...report.data, force: 'MPS' } };
    delete fresh.eventId;
    const posted = await fetch(`${url}/cases/MPS-SERVED-1/events`, { method: 'POST', headers: { ...officer, 'content-type': 'application/json' }, body: JSON.stringify(fresh) });
    expect(posted.status).toBe(201);
    const served = await serveAll();
    expect(served['withdrawal']).not.toEqual(before['withdrawal']);

    // An access-logged read (on the embedded store committed by the access log's writer thread): listed, and the chain verifies.
    const timeline = await fetch(`${url}/cases/MPS-SERVED-1/timeline`, { headers: { ...inspector, 'x-purpose': 'served test' } });
    expect(timeline.status).toBe(200);
    const { entries } = await (await fetch(`${url}/access-log`, { headers: { ...inspector, 'x-purpose': 'served test' } })).json() as { entries: { caseId?: string; purpose?: string }[] };
    expect(entries).toEqual(expect.arrayContaining([expect.objectContaining({ caseId: 'MPS-SERVED-1', purpose: 'served test' })]));
    expect(await (await fetch(`${url}/access-log/verify`, { headers: inspector })).json()).toMatchObject({ ok: true });

    // The same views from a read model rebuilt from scratch here (its own folder's copy is the server's:
    // stop the server first so nothing moves).
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    // The request log (written in batches, the last at shutdown): route templates, never a case id or a purpose.
    expect(log).toMatch(/LOG \[http\] POST \/cases\/:caseId\/events 201 [\d.]+ms/);
    expect(log).toMatch(/LOG \[http\] GET \/cases\/:caseId\/timeline 200 [\d.]+ms/);
    expect(log).not.toContain('MPS-SERVED-1');
    expect(log).not.toContain('served test');
    const events = await openEventStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
    const readModels = openReadModelStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
    try {
      const views = new CaseViews(events, readModels);
      const kept = await views.catchUp();
      expect(kept.position).toBe((await events.head()).position); // the worker committed everything, checkpointed
      await views.rebuild();
      for (const name of VIEW_NAMES) {
        for (const q of GROUPINGS) {
          const params = parseViewParams(Object.fromEntries(new URLSearchParams(q.slice(1))));
          const answer = await views.query(name, params);
          expect(JSON.parse(JSON.stringify(answer.view))).toEqual(served[`${name}${q}`]);
        }
      }
    } finally {
      await readModels.close();
      await events.close();
    }
  });
});
