// Runs the real command line (`node scripts/ledger.mjs ...`, what `npm run ledger --` runs) in a child process.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
export const SPEC = join(REPO, '..', 'shared', 'spec');

export interface CliResult { status: number | null; stdout: string; stderr: string }

export function cliEnv(store: { dataDir?: string; databaseUrl?: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LEDGER_DATA_DIR: store.dataDir ?? tempDir('ledger-unused-') };
  delete env.DATABASE_URL;
  if (store.databaseUrl) env.DATABASE_URL = store.databaseUrl;
  return env;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): CliResult {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'ledger.mjs'), ...args], {
    cwd: REPO, env, input, encoding: 'utf8', maxBuffer: 1 << 30,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv) {
  return spawn(process.execPath, [join(REPO, 'scripts', 'ledger.mjs'), ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function tempDir(prefix = 'ledger-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}
