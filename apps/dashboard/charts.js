// @ts-check
// Chart figures: a Chart.js chart (a canvas with role="img" and a text summary), its numbers as a
// table and as CSV, and the views.md definition it shows. Every figure the chart draws is in its table.
import { toCsv } from './csv.js';

/** @typedef {import('chart.js').Chart} Chart */
/** @typedef {import('chart.js').ChartConfiguration<'bar'> | import('chart.js').ChartConfiguration<'line'>} ChartConfig */
/** @typedef {import('./globals.js').Mark} Mark */
/** @typedef {import('./csv.js').Cell} Cell */
/**
 * @typedef {object} FigureSpec
 * @property {string} id
 * @property {string} title
 * @property {string} definition the views.md definition the chart shows
 * @property {string} summary the chart's text alternative
 * @property {string[]} columns
 * @property {Cell[][]} rows every figure the chart draws
 * @property {ChartConfig} config
 */

// Palette: each colour has at least 3:1 contrast on white (WCAG 2.2 non-text contrast).
export const COLOURS = { blue: '#1f4e8c', orange: '#a14a00', grey: '#595959', teal: '#00665e', red: '#8f1d1d', purple: '#5b2a86' };

/**
 * Vertical marks (e.g. "7 days") drawn on top of a chart: `options.plugins.marks.lines`.
 * @type {import('chart.js').Plugin<import('chart.js').ChartType, { lines?: Mark[] }>}
 */
const marksPlugin = {
  id: 'marks',
  afterDatasetsDraw(chart, _args, opts) {
    const marks = opts?.lines ?? [];
    const x = chart.scales.x;
    if (!marks.length || x === undefined) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    for (const m of marks) {
      const at = 'between' in m ? (x.getPixelForValue(m.between) + x.getPixelForValue(m.between + 1)) / 2 : x.getPixelForValue(m.at);
      ctx.strokeStyle = COLOURS.red;
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(at, chartArea.top);
      ctx.lineTo(at, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = COLOURS.red;
      ctx.font = '600 12px system-ui, sans-serif';
      ctx.fillText(m.label, at + 4, chartArea.top + 12);
    }
    ctx.restore();
  },
};

/** A value as the page shows it: null as "–", fractions to 3 decimals. @param {Cell} v */
export const fmt = (v) => (v === null ? '–' : typeof v === 'number' && !Number.isInteger(v) ? String(Math.round(v * 1000) / 1000) : String(v));

/**
 * An element: `text` sets its text, a function value (key `on<event>`) listens, any other key is an attribute.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | ((ev: Event) => void)>} [attrs]
 * @param {...(Node | string | null | undefined)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/**
 * A table with a caption; the first column heads its row. A cell is a value (shown by `fmt`) or a
 * node (e.g. a link). Number columns (by the first row's values) are right-aligned.
 * @param {string[]} columns
 * @param {(Cell | Node)[][]} rows
 * @param {string} captionText
 * @param {string} id `data-table`
 */
export function table(columns, rows, captionText, id) {
  const t = el('table', { 'data-table': id }, el('caption', { text: captionText }));
  /** @param {Cell | Node | undefined} v @returns {Record<string, string>} */
  const num = (v) => (typeof v === 'number' ? { class: 'num' } : {});
  const head = el('tr');
  columns.forEach((c, k) => head.append(el('th', { scope: 'col', ...(k > 0 ? num(rows[0]?.[k]) : {}), text: c })));
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr');
    r.forEach((v, k) => {
      const content = v instanceof Node ? v : fmt(v);
      tr.append(k === 0 ? el('th', { scope: 'row' }, content) : el('td', num(v), content));
    });
    body.append(tr);
  }
  t.append(el('thead', {}, head), body);
  return t;
}

/**
 * The figures on the page by id, with the parts a redraw changes (cleared when the page changes).
 * @type {Map<string, { spec: FigureSpec, chart: Chart | undefined, fig: HTMLElement, title: HTMLElement,
 *   definition: HTMLElement, canvas: HTMLCanvasElement, table: HTMLTableElement, csv: HTMLButtonElement }>}
 */
const figures = new Map();

/**
 * A figure, appended to `parent` the first time; drawn again with the same id (a filter change, a
 * live refresh), it is updated in place: its chart takes the new data, its texts and table are
 * replaced, and the open/closed state of its table and the keyboard focus are kept.
 * @param {HTMLElement} parent
 * @param {FigureSpec} spec
 */
export function figure(parent, spec) {
  const label = `${spec.title}. ${spec.summary}`;
  const config = withDefaults(spec.config);
  const shown = figures.get(spec.id);
  if (shown?.fig.isConnected) {
    shown.spec = spec;
    shown.title.textContent = spec.title;
    shown.definition.textContent = `Definition: ${spec.definition}`;
    shown.canvas.setAttribute('aria-label', label);
    shown.canvas.textContent = spec.summary;
    shown.csv.setAttribute('aria-label', `Download CSV: ${spec.title}`);
    const t = table(spec.columns, spec.rows, spec.title, spec.id);
    shown.table.replaceWith(t);
    shown.table = t;
    if (shown.chart) {
      shown.chart.data = config.data;
      shown.chart.options = /** @type {Chart['options']} */ (config.options);
      shown.chart.update('none');
    }
    return shown.fig;
  }
  shown?.chart?.destroy();
  const titleId = `${spec.id}-title`;
  const canvas = el('canvas', { role: 'img', 'aria-label': label, text: spec.summary });
  const title = el('h2', { id: titleId, text: spec.title });
  const definition = el('p', { text: `Definition: ${spec.definition}` });
  const numbers = table(spec.columns, spec.rows, spec.title, spec.id);
  const csv = el('button', { type: 'button', class: 'secondary', 'aria-label': `Download CSV: ${spec.title}`, text: 'Download CSV' });
  const fig = el('figure', { class: 'chart', id: spec.id, 'aria-labelledby': titleId, 'data-chart': spec.id },
    el('figcaption', {}, title, definition),
    el('div', { class: 'canvas-wrap' }, canvas),
    el('div', { class: 'chart-actions' }, el('details', {}, el('summary', { text: 'Numbers (table)' }), numbers), csv));
  parent.append(fig);
  const entry = { spec, chart: newChart(canvas, config), fig, title, definition, canvas, table: numbers, csv };
  csv.addEventListener('click', () => downloadCsv(entry.spec));
  figures.set(spec.id, entry);
  return fig;
}

/**
 * A Chart.js chart on `canvas` (none if the library did not load: the table and CSV still stand).
 * @param {HTMLCanvasElement} canvas
 * @param {ChartConfig} config
 * @returns {Chart | undefined}
 */
function newChart(canvas, config) {
  const C = window.Chart;
  if (C === undefined) return undefined;
  // One call per chart type: each is checked against its own configuration type.
  return config.type === 'line' ? new C(canvas, config) : new C(canvas, config);
}

/**
 * The page's chart defaults (responsive, no animation, dark legend text) and the marks plugin.
 * @template {ChartConfig} C
 * @param {C} config
 * @returns {C}
 */
function withDefaults(config) {
  return {
    ...config,
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      ...config.options,
      plugins: { legend: { labels: { color: '#1a1a1a' } }, ...(config.options?.plugins ?? {}) },
    },
    plugins: [...(config.plugins ?? []), marksPlugin],
  };
}

/** @param {FigureSpec} spec */
function downloadCsv(spec) {
  const blob = new Blob([toCsv(spec.columns, spec.rows)], { type: 'text/csv' });
  // A detached link: clicked, never shown (nothing unlabelled enters the page).
  const a = el('a', { href: URL.createObjectURL(blob), download: `${spec.id}.csv`, text: `${spec.title} (CSV)` });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Destroys the page's charts (before the page changes). */
export function destroyCharts() {
  for (const f of figures.values()) f.chart?.destroy();
  figures.clear();
}
