// CSV rendering of a view (cli.md: "one row per group, nested keys joined with `.`").
//
// Decisions (see DECISIONS.md):
// - One header row, then one row per group (with groupBy; first column `key`) or one row for the
//   whole cohort (no `key` column). No groups (an empty grouped cohort): the header row only.
// - Columns follow the view's JSON key order; nested objects flatten to `a.b.c`.
// - `outcomes` (withdrawal) has varying keys: the columns are the union of the codes over all rows,
//   sorted numerically, and a row without a code has 0 there (the JSON omits codes that do not
//   occur; 0 is what they count). No code at all: no outcomes columns.
// - `factors` (predictors) flatten by factor name: factors.<factor>.with.cases, .with.nfa,
//   .without.cases, .without.nfa, .oddsRatio, .ci95.low, .ci95.high.
// - null is an empty cell; numbers are written as JavaScript prints them (shortest round-trip
//   form, so the JSON and CSV figures are the same digits); booleans do not occur.
// - RFC 4180 quoting (fields with a comma, quote, CR or LF are quoted, quotes doubled). Lines end
//   with "\n", including the last.
// - Group keys are free text from CaseReported: a key starting with =, +, -, @, tab or CR is
//   prefixed with an apostrophe so a spreadsheet shows it as text instead of running it as a
//   formula (the one place the CSV differs from the JSON).
import { aggregateDisproportionality } from './disproportionality/disproportionality-view.js';
import { aggregatePredictors, type PredictorsView } from './predictors/predictors-view.js';
import { aggregateTimeliness } from './timeliness/timeliness-view.js';
import type { AnyView, ViewName, ViewResult } from './view-names.js';
import { aggregateWithdrawal } from './withdrawal/withdrawal-view.js';

/** An empty cohort's view of each name: the fixed shape the CSV columns come from. */
const EMPTY_VIEWS: { [N in ViewName]: AnyView } = {
  withdrawal: aggregateWithdrawal([], 0),
  timeliness: aggregateTimeliness([], 0),
  disproportionality: aggregateDisproportionality([], 0),
  predictors: aggregatePredictors([], 0),
};

type Cell = string | number | null;

function flatten(value: unknown, prefix: string, out: Map<string, Cell>): void {
  if (value === null || typeof value !== 'object') { out.set(prefix, value as Cell); return; }
  for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
}

function flattenView(name: ViewName, view: AnyView): Map<string, Cell> {
  const out = new Map<string, Cell>();
  if (name !== 'predictors') { flatten(view, '', out); return out; }
  const p = view as PredictorsView;
  out.set('closed', p.closed);
  out.set('nfa', p.nfa);
  for (const f of p.factors) {
    const base = `factors.${f.factor}`;
    out.set(`${base}.with.cases`, f.with.cases);
    out.set(`${base}.with.nfa`, f.with.nfa);
    out.set(`${base}.without.cases`, f.without.cases);
    out.set(`${base}.without.nfa`, f.without.nfa);
    out.set(`${base}.oddsRatio`, f.oddsRatio);
    out.set(`${base}.ci95.low`, f.ci95 === null ? null : f.ci95[0]);
    out.set(`${base}.ci95.high`, f.ci95 === null ? null : f.ci95[1]);
  }
  return out;
}

/** Column names of the view's fixed shape, in JSON key order, with `outcomes.*` replaced by `codes`. */
function columnsOf(name: ViewName, template: Map<string, Cell>, outcomeCodes: string[]): string[] {
  const columns: string[] = [];
  let outcomesPlaced = false;
  for (const c of template.keys()) {
    if (c.startsWith('outcomes.')) continue;
    if (name === 'withdrawal' && c === 'nfaOutcomes' && !outcomesPlaced) {
      for (const code of outcomeCodes) columns.push(`outcomes.${code}`);
      outcomesPlaced = true;
    }
    columns.push(c);
  }
  return columns;
}

const csvField = (cell: Cell): string => {
  if (cell === null || cell === undefined) return '';
  const s = typeof cell === 'number' ? String(cell) : cell;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const neutraliseFormula = (key: string): string => (/^[=+\-@\t\r]/.test(key) ? `'${key}` : key);

/** The view as CSV: see the decisions at the top of this file. */
export function viewToCsv(name: ViewName, result: ViewResult): string {
  const grouped = 'groups' in result;
  const rows: { key: string | null; cells: Map<string, Cell> }[] = grouped
    ? (result as { groups: ({ key: string } & AnyView)[] }).groups.map(({ key, ...view }) => ({ key, cells: flattenView(name, view as AnyView) }))
    : [{ key: null, cells: flattenView(name, result as AnyView) }];

  const codes = new Set<string>();
  for (const r of rows) for (const c of r.cells.keys()) if (c.startsWith('outcomes.')) codes.add(c.slice('outcomes.'.length));
  const outcomeCodes = [...codes].sort((a, b) => Number(a) - Number(b));

  // The fixed columns come from an empty cohort's view of the same name, so the header is the same
  // whatever the data (and present even with no groups).
  const template = flattenView(name, EMPTY_VIEWS[name]);
  const columns = columnsOf(name, template, outcomeCodes);

  const lines: string[] = [(grouped ? ['key', ...columns] : columns).map(csvField).join(',')];
  for (const r of rows) {
    const cells = columns.map((c) => {
      const v = r.cells.get(c);
      return v === undefined && c.startsWith('outcomes.') ? 0 : (v ?? null);
    });
    lines.push((grouped ? [neutraliseFormula(r.key!), ...cells] : cells).map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}
