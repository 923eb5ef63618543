import { readFileSync, existsSync } from 'node:fs';
import type { LedgerHead } from '../../../../libs/event-store/port.js';
import { ImportCaseEvents } from '../../../../libs/case-ledger/application/import/import-case-events.js';
import {
  ExportEvents, GetLedgerHead, GetTimeline, VerifyLedger,
} from '../../../../libs/case-ledger/application/queries/ledger-queries.js';
import { generateNdjson } from '../../../../libs/generator/index.js';
import { GetView, RebuildProjections } from '../../../../libs/projections/views.module.js';
import { CaseViews } from '../../../../libs/projections/case-views.js';
import { parseViewParams, viewToCsv, ViewParamError, VIEW_NAMES, type ViewName } from '../../../../libs/views/query.js';
import { instantOption, openLines, Output, Progress, UsageError } from '../cli-io.js';
import { withLedger } from '../ledger-app.js';
import { serveCommand } from './serve.js';
import { tokenCommand } from './token.js';

type Values = Record<string, string | boolean | undefined>;
export interface CliCommand {
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  /** Returns the exit code. */
  run(values: Values, positionals: string[]): Promise<number>;
}

const str = (v: Values, k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);

function onePositional(name: string, positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`${name} takes exactly one ${what} (got ${positionals.length})`);
  return positionals[0]!;
}

const importCommand: CliCommand = {
  options: { 'chunk-size': { type: 'string' }, 'progress-json': { type: 'boolean' } },
  async run(values, positionals) {
    const progressJson = values['progress-json'] === true;
    const path = onePositional('import', positionals, 'file (or - for standard input)');
    const chunkArg = str(values, 'chunk-size');
    const chunkSize = chunkArg === undefined ? undefined : Number(chunkArg);
    if (chunkSize !== undefined && (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 100000)) {
      throw new UsageError(`--chunk-size must be an integer from 1 to 100000 (got "${chunkArg}")`);
    }
    const { lines, size } = await openLines(path);
    const progress = new Progress('import', size);
    const started = Date.now();
    const report = await withLedger(({ commands }) =>
      commands.execute(
        new ImportCaseEvents(
          lines,
          (line, message) => process.stderr.write(`line ${line}: ${message}\n`),
          ({ lines: n, bytes, report: r }) => {
            // Machine-readable acknowledgements: everything counted here is committed and durable.
            if (progressJson) process.stderr.write(`progress ${JSON.stringify({ lines: n, ...r })}\n`);
            const rate = Math.round(r.appended / Math.max((Date.now() - started) / 1000, 0.001));
            progress.update(bytes, `${n.toLocaleString('en-GB')} lines, ${rate.toLocaleString('en-GB')} ev/s`);
          },
          chunkSize,
        ),
      ),
    );
    progress.done();
    process.stdout.write(JSON.stringify(report) + '\n');
    return report.rejected === 0 ? 0 : 1;
  },
};

const exportCommand: CliCommand = {
  options: { case: { type: 'string' }, 'as-of': { type: 'string' } },
  async run(values, positionals) {
    if (positionals.length) throw new UsageError(`export takes no positional arguments (got "${positionals[0]}")`);
    const asOf = instantOption('as-of', str(values, 'as-of'));
    const caseId = str(values, 'case');
    const out = new Output();
    await withLedger(async ({ queries }) => {
      for await (const line of await queries.execute(new ExportEvents(caseId, asOf))) await out.line(line);
    });
    await out.flush();
    return 0;
  },
};

function readHead(arg: string): LedgerHead {
  const text = existsSync(arg) ? readFileSync(arg, 'utf8') : arg;
  let head: unknown;
  try {
    head = JSON.parse(text);
  } catch {
    throw new UsageError('--head must be a JSON object {"position": int, "hash": hex} or a file holding one');
  }
  const h = head as Partial<LedgerHead>;
  if (!h || !Number.isInteger(h.position) || (h.position as number) < 0 || typeof h.hash !== 'string' || !/^[0-9a-f]{64}$/.test(h.hash)) {
    throw new UsageError('--head must be {"position": non-negative integer, "hash": 64 lower-case hex digits}');
  }
  return { position: h.position as number, hash: h.hash };
}

const verifyCommand: CliCommand = {
  options: { head: { type: 'string' } },
  async run(values, positionals) {
    if (positionals.length) throw new UsageError(`verify takes no positional arguments (got "${positionals[0]}")`);
    const headArg = str(values, 'head');
    const expectedHead = headArg === undefined ? undefined : readHead(headArg);
    const progress = new Progress('verify');
    const report = await withLedger(({ queries }) =>
      queries.execute(new VerifyLedger(expectedHead, (n) => progress.update(n, `${n.toLocaleString('en-GB')} events`))),
    );
    progress.done();
    process.stdout.write(JSON.stringify(report) + '\n');
    return report.ok ? 0 : 1;
  },
};

const headCommand: CliCommand = {
  options: {},
  async run(_values, positionals) {
    if (positionals.length) throw new UsageError('head takes no arguments');
    const head = await withLedger(({ queries }) => queries.execute(new GetLedgerHead()));
    process.stdout.write(JSON.stringify(head) + '\n');
    return 0;
  },
};

const timelineCommand: CliCommand = {
  options: { 'as-of': { type: 'string' } },
  async run(values, positionals) {
    const caseId = onePositional('timeline', positionals, 'caseId');
    const asOf = instantOption('as-of', str(values, 'as-of'));
    const entries = await withLedger(({ queries }) => queries.execute(new GetTimeline(caseId, asOf)));
    if (!entries.length) throw new UsageError(`no case ${caseId} in the ledger${asOf === undefined ? '' : ' as of that instant'}`);
    const out = new Output();
    for (const e of entries) await out.line(JSON.stringify(e));
    await out.flush();
    return 0;
  },
};

const generateCommand: CliCommand = {
  options: { cases: { type: 'string' }, seed: { type: 'string' }, until: { type: 'string' }, 'first-case': { type: 'string' } },
  async run(values, positionals) {
    if (positionals.length) throw new UsageError(`generate takes no positional arguments (got "${positionals[0]}")`);
    const casesArg = str(values, 'cases');
    const cases = Number(casesArg);
    if (casesArg === undefined || !Number.isInteger(cases) || cases < 0 || cases > 10_000_000) {
      throw new UsageError(`--cases must be an integer from 0 to 10000000 (got ${casesArg === undefined ? 'nothing' : `"${casesArg}"`})`);
    }
    const seed = str(values, 'seed');
    if (seed === undefined || seed === '') throw new UsageError('--seed is required (any text; the same seed gives the same output)');
    const untilMs = instantOption('until', str(values, 'until'));
    const firstArg = str(values, 'first-case');
    const firstCase = firstArg === undefined ? 0 : Number(firstArg);
    if (!Number.isInteger(firstCase) || firstCase < 0) throw new UsageError(`--first-case must be a non-negative integer (got "${firstArg}")`);
    const out = new Output();
    for (const line of generateNdjson({ cases, seed, firstCase, ...(untilMs === undefined ? {} : { until: new Date(untilMs).toISOString() }) })) {
      await out.line(line);
    }
    await out.flush();
    return 0;
  },
};

const viewCommand: CliCommand = {
  options: {
    'as-of': { type: 'string' }, 'reported-from': { type: 'string' }, 'reported-to': { type: 'string' },
    force: { type: 'string' }, borough: { type: 'string' }, team: { type: 'string' },
    'group-by': { type: 'string' }, format: { type: 'string' },
  },
  async run(values, positionals) {
    const name = onePositional('view', positionals, `view name (${VIEW_NAMES.join(' | ')})`);
    if (!(VIEW_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown view "${name}"; one of ${VIEW_NAMES.join(', ')}`);
    const format = str(values, 'format') ?? 'json';
    if (format !== 'json' && format !== 'csv') throw new UsageError(`--format must be json or csv (got "${format}")`);
    const flag: Record<string, string> = {
      asOf: 'as-of', reportedFrom: 'reported-from', reportedTo: 'reported-to', force: 'force', borough: 'borough', team: 'team', groupBy: 'group-by',
    };
    let params;
    try {
      params = parseViewParams(Object.fromEntries(Object.entries(flag).map(([k, f]) => [k, str(values, f)])));
    } catch (e) {
      if (e instanceof ViewParamError) throw new UsageError(`--${flag[e.param] ?? e.param}: ${e.message}`);
      throw e;
    }
    const answer = await withLedger(({ queries }) => queries.execute(new GetView(name as ViewName, params)));
    process.stdout.write(format === 'csv' ? viewToCsv(name as ViewName, answer.view) : JSON.stringify(answer.view, null, 2) + '\n');
    return 0;
  },
};

const rebuildCommand: CliCommand = {
  options: {},
  async run(_values, positionals) {
    if (positionals.length) throw new UsageError('rebuild takes no arguments');
    const progress = new Progress('rebuild');
    const started = Date.now();
    let partitions = 0;
    const cp = await withLedger(({ commands }) =>
      commands.execute(new RebuildProjections(({ position, head, events, partitions: p }) => {
        if (p !== undefined) partitions = Math.max(partitions, p);
        const rate = Math.round(events / Math.max((Date.now() - started) / 1000, 0.001));
        progress.update(position, `${position.toLocaleString('en-GB')} / ${head.toLocaleString('en-GB')} events, ${rate.toLocaleString('en-GB')} ev/s`);
      })),
    );
    progress.done();
    // partitions: how many worker threads folded the log at once (0: folded in this thread).
    process.stdout.write(JSON.stringify({ rebuilt: true, position: cp.position, seconds: (Date.now() - started) / 1000, partitions }) + '\n');
    return 0;
  },
};

const projectCommand: CliCommand = {
  options: { follow: { type: 'boolean' } },
  async run(values, positionals) {
    if (positionals.length) throw new UsageError('project takes no positional arguments');
    return withLedger(async ({ app, commands }) => {
      const cp = await commands.execute(new RebuildProjections(undefined, false));
      process.stderr.write(`projections at position ${cp.position}\n`);
      if (values.follow !== true) return 0;
      const stop = new AbortController();
      for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort());
      await app.get(CaseViews).follow(stop.signal, (e) => process.stderr.write(`projection: ${(e as Error).message}\n`));
      return 0;
    });
  },
};

export const COMMANDS: Record<string, CliCommand> = {
  view: viewCommand,
  rebuild: rebuildCommand,
  project: projectCommand,
  import: importCommand,
  export: exportCommand,
  verify: verifyCommand,
  head: headCommand,
  timeline: timelineCommand,
  generate: generateCommand,
  serve: serveCommand,
  token: tokenCommand,
};
