// Chart figures: a Chart.js chart (a canvas with role="img" and a text summary), its numbers as a
// table and as CSV, and the views.md definition it shows. Every figure the chart draws is in its table.
const Chart = () => window.Chart;

// Palette: each colour has at least 3:1 contrast on white (WCAG 2.2 non-text contrast).
export const COLOURS = { blue: '#1f4e8c', orange: '#a14a00', grey: '#595959', teal: '#00665e', red: '#8f1d1d', purple: '#5b2a86' };

/** Vertical marks (e.g. "7 days") drawn on top of a chart: [{ at (x value or category index + 0.5), label }]. */
const marksPlugin = {
  id: 'marks',
  afterDatasetsDraw(chart, _args, opts) {
    const marks = opts?.lines ?? [];
    if (!marks.length) return;
    const { ctx, chartArea, scales } = chart;
    ctx.save();
    for (const m of marks) {
      const x = m.between !== undefined
        ? (scales.x.getPixelForValue(m.between) + scales.x.getPixelForValue(m.between + 1)) / 2
        : scales.x.getPixelForValue(m.at);
      ctx.strokeStyle = COLOURS.red;
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = COLOURS.red;
      ctx.font = '600 12px system-ui, sans-serif';
      ctx.fillText(m.label, x + 4, chartArea.top + 12);
    }
    ctx.restore();
  },
};

const charts = new Map();

function csvCell(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export const toCsv = (columns, rows) => [columns, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';

const fmt = (v) => (v === null || v === undefined ? '–' : typeof v === 'number' && !Number.isInteger(v) ? String(Math.round(v * 1000) / 1000) : String(v));

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}
export { el, fmt };

/** A table; `numeric`: indexes of right-aligned (number) columns, by default those whose first value is a number. */
export function table(columns, rows, captionText, id, numeric = columns.map((_, k) => typeof rows[0]?.[k] === 'number')) {
  const t = el('table', id ? { 'data-table': id } : {});
  if (captionText) t.append(el('caption', { text: captionText }));
  const head = el('tr');
  columns.forEach((c, k) => head.append(el('th', { scope: 'col', class: k > 0 && numeric[k] ? 'num' : '', text: c })));
  t.append(el('thead', {}, head));
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr');
    r.forEach((v, k) => tr.append(k === 0 ? el('th', { scope: 'row', text: fmt(v) }) : el('td', { class: typeof v === 'number' ? 'num' : '', text: fmt(v) })));
    body.append(tr);
  }
  t.append(body);
  return t;
}

/**
 * A figure: { id, title, definition, summary (text alternative), columns, rows, config (Chart.js) }.
 * Appended to `parent` the first time; drawn again with the same id (a filter change, a live
 * refresh), the figure is updated in place: its chart takes the new data, its texts and table are
 * replaced, and the open/closed state of its table and the keyboard focus are kept.
 */
export function figure(parent, spec) {
  const titleId = `${spec.id}-title`;
  const label = `${spec.title}. ${spec.summary}`;
  const existing = document.getElementById(spec.id);
  const chart = charts.get(spec.id);
  const config = withDefaults(spec.config);
  if (existing && chart) {
    existing.querySelector('h2').textContent = spec.title;
    existing.querySelector('figcaption p').textContent = `Definition: ${spec.definition}`;
    const canvas = existing.querySelector('canvas');
    canvas.setAttribute('aria-label', label);
    existing.querySelector('table').replaceWith(table(spec.columns, spec.rows, spec.title, spec.id));
    existing.csv = spec;
    chart.data = config.data;
    chart.options = config.options;
    chart.update('none');
    return existing;
  }
  chart?.destroy();
  const canvas = el('canvas', { role: 'img', 'aria-label': label });
  canvas.textContent = spec.summary;
  const fig = el('figure', { class: 'chart', id: spec.id, 'aria-labelledby': titleId, 'data-chart': spec.id },
    el('figcaption', {}, el('h2', { id: titleId, text: spec.title }), el('p', { text: `Definition: ${spec.definition}` })),
    el('div', { class: 'canvas-wrap' }, canvas),
    el('div', { class: 'chart-actions' },
      el('details', {}, el('summary', { text: 'Numbers (table)' }), table(spec.columns, spec.rows, spec.title, spec.id)),
      el('button', { type: 'button', class: 'secondary', onclick: () => downloadCsv(fig.csv), 'aria-label': `Download CSV: ${spec.title}`, text: 'Download CSV' })));
  fig.csv = spec;
  parent.append(fig);
  const C = Chart();
  if (C) charts.set(spec.id, new C(canvas, config));
  return fig;
}

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

function downloadCsv(spec) {
  const blob = new Blob([toCsv(spec.columns, spec.rows)], { type: 'text/csv' });
  // A detached link: clicked, never shown (nothing unlabelled enters the page).
  const a = el('a', { href: URL.createObjectURL(blob), download: `${spec.id}.csv`, text: `${spec.title} (CSV)` });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function destroyCharts() {
  for (const c of charts.values()) c.destroy();
  charts.clear();
}
