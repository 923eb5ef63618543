// Shared helpers for `npm run bench`: timing, medians, fresh stores, the generated cohort on disk.
import { createWriteStream, existsSync, mkdtempSync, renameSync, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshSchema } from '../test/support/postgres.js';
import { generateNdjson } from '../libs/generator/index.js';
import { openEventStore } from '../libs/event-store/open-event-store.js';
import type { EventStore } from '../libs/event-store/port.js';

export const BENCH_DIR = join(process.cwd(), '.bench');

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

/** The generated cohort as an NDJSON file, made once per (cases, seed) and reused. */
export async function cohortFile(cases: number, seed: string): Promise<{ path: string; lines: number }> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const path = join(BENCH_DIR, `cohort-${cases}-${seed}.ndjson`);
  const countPath = `${path}.count`;
  if (existsSync(path) && existsSync(countPath)) {
    const { readFileSync } = await import('node:fs');
    return { path, lines: Number(readFileSync(countPath, 'utf8')) };
  }
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  let lines = 0;
  let buf: string[] = [];
  for (const line of generateNdjson({ cases, seed })) {
    buf.push(line);
    lines++;
    if (buf.length >= 2000) {
      if (!out.write(buf.join('\n') + '\n')) await once(out, 'drain');
      buf = [];
    }
  }
  if (buf.length) out.write(buf.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
  renameSync(tmp, path);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(countPath, String(lines));
  return { path, lines };
}

export interface BenchStore { kind: 'embedded' | 'postgresql'; store: EventStore; dataDir?: string; databaseUrl?: string; dispose(): Promise<void> }

export async function freshStore(kind: 'embedded' | 'postgresql'): Promise<BenchStore> {
  if (kind === 'embedded') {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
    const store = await openEventStore({ dataDir });
    return { kind, store, dataDir, dispose: async () => { await store.close().catch(() => {}); rmSync(dataDir, { recursive: true, force: true }); } };
  }
  const schema = await freshSchema('bench');
  const store = await openEventStore({ databaseUrl: schema.url, dataDir: '' });
  return {
    kind, store, databaseUrl: schema.url,
    dispose: async () => {
      await store.close().catch(() => {});
      await schema.drop();
    },
  };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
