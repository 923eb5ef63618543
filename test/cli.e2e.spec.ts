// The command line of ../shared/spec/cli.md, driven as scripts and inspectors drive it: real child
// processes on the embedded store and on PostgreSQL.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { cliEnv, lastJson, runCli, spawnCli, SPEC, tempDir } from './support/cli.js';
import { freshSchema } from './support/postgres.js';

const EXAMPLE = join(SPEC, 'example-case.ndjson');
const exampleLines = readFileSync(EXAMPLE, 'utf8').trim().split('\n');

function generated(cases: number, seed: string): { path: string; lines: string[] } {
  const r = runCli(['generate', '--cases', String(cases), '--seed', seed], cliEnv({}));
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const path = join(tempDir('gen-'), 'cases.ndjson');
  writeFileSync(path, r.stdout);
  return { path, lines: r.stdout.trim().split('\n') };
}

type Store = { name: string; env(): Promise<{ env: NodeJS.ProcessEnv; dataDir?: string; done(): Promise<void> }> };
const STORES: Store[] = [
  { name: 'embedded', env: async () => { const dataDir = tempDir(); return { env: cliEnv({ dataDir }), dataDir, done: async () => {} }; } },
  { name: 'postgresql', env: async () => { const s = await freshSchema('cli_e2e'); return { env: cliEnv({ databaseUrl: s.url }), done: s.drop }; } },
];

describe.each(STORES)('ledger command line on the $name store', (store) => {
  let env: NodeJS.ProcessEnv;
  let done: () => Promise<void>;
  beforeEach(async () => ({ env, done } = await store.env()));
  afterEach(() => done());

  test('import, then import again: every line counted once, duplicates not appended; export gives the lines back', () => {
    const first = runCli(['import', EXAMPLE], env);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(lastJson(first.stdout)).toEqual({ appended: exampleLines.length, duplicates: 0, rejected: 0 });

    const again = runCli(['import', EXAMPLE], env);
    expect(again.status).toBe(0);
    expect(lastJson(again.stdout)).toEqual({ appended: 0, duplicates: exampleLines.length, rejected: 0 });

    const exported = runCli(['export'], env);
    expect(exported.status).toBe(0);
    const out = exported.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const inp = exampleLines.map((l) => JSON.parse(l));
    expect(out).toEqual(inp); // every line carries eventId and recordedAt already: same content, same order

    const verify = runCli(['verify'], env);
    expect(verify.status).toBe(0);
    expect(lastJson(verify.stdout)).toMatchObject({ ok: true, events: exampleLines.length });
  });

  test('refused lines go to stderr with their line number and rule; the rest still go in; exit 1', () => {
    const bad = [
      exampleLines[0],
      '{"caseId":"MPS-2021-004217","type":"Burgled","occurredAt":"2021-03-04T12:00:00Z","data":{}}',
      'not json',
      exampleLines[1],
      // seizure of a victim's phone with no request: an unknown request
      '{"caseId":"MPS-2021-004217","type":"DeviceSeized","occurredAt":"2021-03-05T12:00:00Z","recordedAt":"2021-03-05T12:00:00Z","data":{"requestId":"dev-9"}}',
    ].join('\n');
    const r = runCli(['import', '-'], env, bad + '\n');
    expect(r.status).toBe(1);
    expect(lastJson(r.stdout)).toEqual({ appended: 2, duplicates: 0, rejected: 3 });
    const errs = r.stderr.trim().split('\n');
    expect(errs).toHaveLength(3);
    expect(errs[0]).toMatch(/^line 2: .*type/);
    expect(errs[1]).toMatch(/^line 3: invalid JSON/);
    expect(errs[2]).toMatch(/^line 5: .*dev-9/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack traces for bad input
  });

  test('timeline: the case in occurredAt order, voided entries marked with the void\'s reason', () => {
    expect(runCli(['import', EXAMPLE], env).status).toBe(0);
    const voidLine = JSON.stringify({
      caseId: 'MPS-2021-004217', type: 'EntryVoided', occurredAt: '2021-06-11T09:00:00Z', recordedAt: '2021-06-11T09:00:00Z',
      data: { eventId: '0b6f2a52-8d4e-4c1a-9a57-1f0c3e2d4a0d', reason: 'recorded on the wrong case' },
    });
    expect(runCli(['import', '-'], env, voidLine + '\n').status).toBe(0);
    const t = runCli(['timeline', 'MPS-2021-004217'], env);
    expect(t.status).toBe(0);
    const entries = t.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(entries).toHaveLength(exampleLines.length + 1);
    const at = entries.map((e) => Date.parse(e.event.occurredAt));
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const voided = entries.filter((e) => e.voided);
    expect(voided).toHaveLength(1);
    expect(voided[0].event.type).toBe('ConcernRaised');
    expect(voided[0].voided.reason).toBe('recorded on the wrong case');

    const before = runCli(['timeline', 'MPS-2021-004217', '--as-of', '2021-04-01T00:00:00Z'], env);
    expect(before.stdout.trim().split('\n').map((l) => JSON.parse(l).event.type)).not.toContain('VictimWithdrew');
  });

  test('bad usage is one line on stderr and a non-zero exit', () => {
    for (const args of [['import'], ['export', '--as-of', 'yesterday'], ['frobnicate'], ['verify', '--head', '{"position":1}'], ['timeline', 'NO-SUCH-CASE']]) {
      const r = runCli(args, env);
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: /);
    }
  });
});

/**
 * Imports `file` in chunks of 500 and kills the importer (SIGKILL) once it has reported
 * `killAfterChunks` chunks; the events it had acknowledged by then.
 */
async function importKilledAfter(killAfterChunks: number, file: string, env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawnCli(['import', file, '--chunk-size', '500', '--progress-json'], env);
  let acknowledged = 0;
  let chunks = 0;
  await new Promise<void>((resolve) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      for (const m of text.matchAll(/^progress (.*)$/gm)) {
        acknowledged = JSON.parse(m[1]!).appended;
        if (++chunks === killAfterChunks) child.kill('SIGKILL');
      }
    });
    child.on('exit', () => resolve());
  });
  return acknowledged;
}

describe('ledger command line, embedded store: durability and integrity', () => {
  test('a generated cohort imports without a refusal and exports byte for byte', () => {
    const dataDir = tempDir();
    const env = cliEnv({ dataDir });
    const gen = generated(150, 'e2e-export');
    const r = runCli(['import', gen.path], env);
    expect(r.stderr).toBe('');
    expect(lastJson(r.stdout)).toEqual({ appended: gen.lines.length, duplicates: 0, rejected: 0 });
    expect(runCli(['export'], env).stdout.trim().split('\n')).toEqual(gen.lines);
  });

  test('kill -9 at any moment loses no acknowledged event, and re-running gives exactly the same ledger', async () => {
    const gen = generated(400, 'e2e-kill');
    const cleanDir = tempDir();
    expect(runCli(['import', gen.path], cliEnv({ dataDir: cleanDir })).status).toBe(0);
    const cleanExport = runCli(['export'], cliEnv({ dataDir: cleanDir })).stdout;

    for (const killAfterChunks of [1, 3]) {
      const dataDir = tempDir();
      const env = cliEnv({ dataDir });
      const acknowledged = await importKilledAfter(killAfterChunks, gen.path, env);
      expect(acknowledged).toBeGreaterThan(0);
      const db = new Database(join(dataDir, 'ledger.sqlite'), { readonly: true });
      const stored = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
      db.close();
      expect(stored).toBeGreaterThanOrEqual(acknowledged);

      const resumed = runCli(['import', gen.path], env);
      expect(resumed.status).toBe(0);
      expect(lastJson(resumed.stdout)).toEqual({ appended: gen.lines.length - stored, duplicates: stored, rejected: 0 });
      expect(runCli(['export'], env).stdout).toBe(cleanExport);
      expect(lastJson(runCli(['verify'], env).stdout)).toMatchObject({ ok: true, events: gen.lines.length });
    }
  });

  test('verify names the first broken event after the database is altered, and a cut-off tail against an earlier head', () => {
    const dataDir = tempDir();
    const env = cliEnv({ dataDir });
    expect(runCli(['import', EXAMPLE], env).status).toBe(0);
    const head = runCli(['head'], env).stdout.trim();

    const db = new Database(join(dataDir, 'ledger.sqlite'));
    db.prepare("UPDATE events SET body = replace(body, '\"not_established\"', '\"wants_to_move_on\"') WHERE position = 10").run();
    db.close();
    const changed = runCli(['verify'], env);
    expect(changed.status).toBe(1);
    expect(lastJson(changed.stdout)).toMatchObject({ ok: false, firstBroken: { position: 10 } });

    const dir2 = tempDir();
    const env2 = cliEnv({ dataDir: dir2 });
    expect(runCli(['import', EXAMPLE], env2).status).toBe(0);
    const head2 = runCli(['head'], env2).stdout.trim();
    const db2 = new Database(join(dir2, 'ledger.sqlite'));
    db2.prepare('DELETE FROM events WHERE position >= 12').run();
    expect(runCli(['verify'], env2).status).toBe(1); // the store's head record still says 13
    // A careful tamperer rewrites the head record too: the shorter chain is then valid on its own...
    db2.prepare('UPDATE ledger_head SET position = 11, chain = (SELECT chain FROM events WHERE position = 11)').run();
    db2.close();
    expect(runCli(['verify'], env2).status).toBe(0);
    const cut = runCli(['verify', '--head', head2], env2);
    expect(cut.status).toBe(1); // ...and only the head exported earlier exposes it
    expect(lastJson(cut.stdout)).toMatchObject({ ok: false });
    expect(head).not.toBe('');
  });
});

describe('ledger command line, PostgreSQL store: durability', () => {
  test('kill -9 during an import whose chunks go in by COPY loses no acknowledged event, and re-running gives exactly the same ledger', async () => {
    const gen = generated(400, 'e2e-kill-pg');
    const cleanDir = tempDir();
    expect(runCli(['import', gen.path], cliEnv({ dataDir: cleanDir })).status).toBe(0);
    const cleanExport = runCli(['export'], cliEnv({ dataDir: cleanDir })).stdout;

    for (const killAfterChunks of [1, 3]) {
      const schema = await freshSchema('cli_kill');
      try {
        const env = cliEnv({ databaseUrl: schema.url });
        const acknowledged = await importKilledAfter(killAfterChunks, gen.path, env);
        expect(acknowledged).toBeGreaterThan(0);
        const db = new pg.Client({ connectionString: schema.url });
        await db.connect();
        const stored = Number((await db.query('SELECT count(*) AS n FROM events')).rows[0].n);
        await db.end();
        expect(stored).toBeGreaterThanOrEqual(acknowledged);

        const resumed = runCli(['import', gen.path], env);
        expect(resumed.status).toBe(0);
        expect(lastJson(resumed.stdout)).toEqual({ appended: gen.lines.length - stored, duplicates: stored, rejected: 0 });
        expect(runCli(['export'], env).stdout).toBe(cleanExport);
        expect(lastJson(runCli(['verify'], env).stdout)).toMatchObject({ ok: true, events: gen.lines.length });
      } finally {
        await schema.drop();
      }
    }
  });
});
