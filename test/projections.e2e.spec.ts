// Durable projections (issue 3): kill -9 during a rebuild and during live follow, restart, and the
// read model must equal a fresh rebuild, row for row; the views from it must be the same too.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { cliEnv, lastJson, runCli, spawnCli, tempDir } from './support/cli.js';
import { freshSchema } from './support/postgres.js';
import { openPostgresEventStore } from '../libs/event-store/postgres/postgres-event-store.js';
import { PostgresReadModelStore } from '../libs/projections/postgres-read-model-store.js';
import { ProjectionRunner } from '../libs/projections/projection-runner.js';
import { caseDigestProjection } from '../libs/projections/case-digest-projection.js';

function readModel(dataDir: string): { rows: unknown[]; checkpoint: unknown } {
  const db = new Database(join(dataDir, 'ledger.sqlite'), { readonly: true });
  const rows = db.prepare('SELECT projection, key, state, facts FROM read_model_row ORDER BY projection, key').all();
  const checkpoint = db.prepare('SELECT projection, position FROM read_model_checkpoint ORDER BY projection').all();
  db.close();
  return { rows, checkpoint };
}

function cohort(cases: number, seed: string, firstCase = 0): string {
  const r = runCli(['generate', '--cases', String(cases), '--seed', seed, '--first-case', String(firstCase)], cliEnv({}));
  expect(r.status).toBe(0);
  const path = join(tempDir('gen-'), `${seed}.ndjson`);
  writeFileSync(path, r.stdout);
  return path;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function killAfter(args: string[], env: NodeJS.ProcessEnv, ms: number): Promise<void> {
  const child = spawnCli(args, env);
  const exited = new Promise((r) => child.on('exit', r));
  await sleep(ms);
  child.kill('SIGKILL');
  await exited;
}

test('kill -9 during rebuild, restart: the read model equals a fresh rebuild', async () => {
  const dataDir = tempDir();
  const env = cliEnv({ dataDir });
  expect(runCli(['import', cohort(400, 'proj-rebuild')], env).status).toBe(0);
  expect(runCli(['rebuild'], env).status).toBe(0);
  const fresh = readModel(dataDir);
  const view = runCli(['view', 'timeliness', '--group-by', 'borough'], env).stdout;

  for (const ms of [700, 1400]) {
    await killAfter(['rebuild'], env, ms);
    const resumed = runCli(['project'], env); // catches up from wherever the checkpoint is
    expect(resumed.status).toBe(0);
    expect(readModel(dataDir)).toEqual(fresh);
    expect(runCli(['view', 'timeliness', '--group-by', 'borough'], env).stdout).toBe(view);
  }
}, 180_000);

test('kill -9 during live follow while events arrive, restart: the read model equals a fresh rebuild', async () => {
  const dataDir = tempDir();
  const env = cliEnv({ dataDir });
  expect(runCli(['import', cohort(150, 'proj-live')], env).status).toBe(0);
  const follower = spawnCli(['project', '--follow'], env);
  const followerExit = new Promise((r) => follower.on('exit', r));
  const importer = spawnCli(['import', cohort(300, 'proj-live', 150), '--chunk-size', '200'], env);
  const importerExit = new Promise<number | null>((r) => importer.on('exit', (code) => r(code)));
  await sleep(1500);
  follower.kill('SIGKILL');
  await followerExit;
  expect(await importerExit).toBe(0);

  expect(runCli(['project'], env).status).toBe(0);
  const resumed = readModel(dataDir);
  expect(runCli(['rebuild'], env).status).toBe(0);
  expect(resumed).toEqual(readModel(dataDir));
  expect(lastJson(runCli(['verify'], env).stdout)).toMatchObject({ ok: true });
}, 180_000);

async function pgReadModel(url: string): Promise<{ rows: unknown[]; checkpoint: unknown }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const rows = (await c.query('SELECT projection, key, state, facts FROM read_model_row ORDER BY projection, key')).rows;
    const checkpoint = (await c.query('SELECT projection, position, max_recorded_at FROM read_model_checkpoint ORDER BY projection')).rows;
    return { rows, checkpoint };
  } finally {
    await c.end();
  }
}

test('PostgreSQL: a rebuild folded by worker threads, also killed -9 part-way and resumed, equals the fold in one thread', async () => {
  const s = await freshSchema('proj_e2e');
  const env = cliEnv({ databaseUrl: s.url });
  try {
    // 900 cases, about 45,000 events: more than the 4 batches of 10,000 a parallel catch-up needs.
    expect(runCli(['import', cohort(900, 'proj-pg')], env).status).toBe(0);
    const rebuilt = runCli(['rebuild'], env);
    expect(rebuilt.status).toBe(0);
    expect(lastJson(rebuilt.stdout).partitions).toBeGreaterThanOrEqual(1); // worker threads folded it
    const parallel = await pgReadModel(s.url);
    const view = runCli(['view', 'timeliness', '--group-by', 'borough'], env).stdout;

    // The same read model folded in this (the test's) thread, from scratch.
    const store = await openPostgresEventStore(s.url);
    const readModels = new PostgresReadModelStore(s.url);
    try {
      await new ProjectionRunner(store, readModels, caseDigestProjection, { parallel: false }).rebuild();
    } finally {
      await readModels.close();
      await store.close();
    }
    expect(await pgReadModel(s.url)).toEqual(parallel);

    for (const ms of [1800, 2600]) {
      await killAfter(['rebuild'], env, ms);
      expect(runCli(['project'], env).status).toBe(0);
      expect(await pgReadModel(s.url)).toEqual(parallel);
      expect(runCli(['view', 'timeliness', '--group-by', 'borough'], env).stdout).toBe(view);
    }
  } finally {
    await s.drop();
  }
}, 180_000);
