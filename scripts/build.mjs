// Transpiles apps/ libs/ bench/ (TypeScript, ESM) into dist/ with SWC, only files that changed.
// Type checking is separate (`npm run typecheck`); this is the fast path the CLI and bench run from.
import { transformFile } from '@swc/core';
import { mkdir, readdir, stat, writeFile, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const roots = ['apps', 'libs', 'bench', 'test'];

async function* walk(dir) {
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules') yield* walk(p); }
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}

export async function build({ quiet = true } = {}) {
  let built = 0;
  const seen = new Set();
  for (const r of roots) {
    for await (const src of walk(join(root, r))) {
      const rel = relative(root, src).replace(/\.ts$/, '.js');
      const dst = join(out, rel);
      seen.add(dst);
      const [s, d] = await Promise.all([stat(src), stat(dst).catch(() => null)]);
      if (d && d.mtimeMs >= s.mtimeMs) continue;
      const { code } = await transformFile(src, {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'es6' },
        sourceMaps: false,
      });
      await mkdir(dirname(dst), { recursive: true });
      await writeFile(dst, code);
      built++;
    }
  }
  // Remove outputs whose source is gone, so a deleted module cannot linger in dist/.
  for (const r of roots) {
    for await (const f of walkJs(join(out, r))) if (!seen.has(f)) { await rm(f); built++; }
  }
  if (!quiet && built) process.stderr.write(`built ${built} file(s)\n`);
  return built;
}

async function* walkJs(dir) {
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walkJs(p);
    else if (e.name.endsWith('.js')) yield p;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await build({ quiet: false });
}
