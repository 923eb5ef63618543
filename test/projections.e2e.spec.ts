// Durable projections (issue 3): kill -9 during a rebuild and during live follow, restart, and the
// read model must equal a fresh rebuild, row for row; the views from it must be the same too.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cliEnv, lastJson, runCli, spawnCli, tempDir } from './support/cli.js';

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
