// Types the page's JSDoc refers to that JavaScript cannot declare: the Chart.js global (the UMD
// build, loaded by index.html, sets window.Chart; its types come from the chart.js package) and the
// options of the page's own "marks" plugin.
import type { Chart, ChartType } from 'chart.js';

/** A vertical mark: at an x value, or between category `between` and the next. */
export type Mark = { at: number; label: string } | { between: number; label: string };

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    marks: { lines?: Mark[] };
  }
}

declare global {
  interface Window { Chart?: typeof Chart }
}
