// `npm run bench [-- ledger|views|api|dashboard] [--cases N] [--runs N] [--stores embedded,postgresql]`:
// runs the benchmarks and writes their tables into BENCHMARKS.md (between markers per section).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { benchLedger } from './ledger-bench.js';

/** CPU ms of scripts/cpu-probe.mjs's fixed workload, now (lower: a faster machine at this moment). */
function cpuProbe(): string {
  try {
    return execFileSync(process.execPath, ['scripts/cpu-probe.mjs'], { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

function replaceSection(doc: string, name: string, body: string): string {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${body}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { cases: { type: 'string' }, runs: { type: 'string' }, stores: { type: 'string' }, seed: { type: 'string' } },
  });
  const which = positionals.length ? positionals : ['ledger'];
  const runs = Number(values.runs ?? 3);
  const kinds = (values.stores ?? 'embedded,postgresql').split(',') as ('embedded' | 'postgresql')[];
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const path = 'BENCHMARKS.md';
  let doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  for (const name of which) {
    const probeBefore = cpuProbe();
    const started = new Date().toISOString();
    const load = `load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min) at the start`;
    let body: string;
    if (name === 'ledger') {
      const cases = Number(values.cases ?? 20000);
      body = await benchLedger({ cases, seed: values.seed ?? 'bench', runs, kinds }, log);
      body += `\n\nMeasured ${started} on ${machine}, ${load}. Reproduce: \`npm run bench -- ledger --cases ${cases} --runs ${runs}\`.`;
    } else if (name === 'api') {
      const { benchApi } = await import('./api-bench.js');
      const cases = Number(values.cases ?? 1000);
      body = await benchApi({ cases, runs }, log);
      body += `\n\nMeasured ${started} on ${machine}, ${load}. Reproduce: \`npm run bench -- api --cases ${cases} --runs ${runs}\`.`;
    } else if (name === 'dashboard') {
      const { benchDashboard } = await import('./dashboard-bench.js');
      const cases = Number(values.cases ?? 100000);
      body = await benchDashboard({ cases, seed: values.seed ?? 'bench', runs }, log);
      body += `\n\nMeasured ${started} on ${machine}, ${load}. Reproduce: \`npm run bench -- dashboard --cases ${cases} --runs ${runs}\`.`;
    } else {
      const { benchViews } = await import('./views-bench.js');
      const cases = Number(values.cases ?? 100000);
      body = await benchViews({ cases, seed: values.seed ?? 'bench', runs, kinds }, log);
      body += `\n\nMeasured ${started} on ${machine}, ${load}. Reproduce: \`npm run bench -- views --cases ${cases} --runs ${runs}\`.`;
    }
    body += ` CPU probe (\`node scripts/cpu-probe.mjs\`: one fixed workload's CPU ms, lower is faster; see the top of this file): ${probeBefore} before, ${cpuProbe()} after.`;
    doc = replaceSection(doc, name, body);
    writeFileSync(path, doc);
    log(body);
  }
}
