// `npm run bench -- dashboard`: the dashboard measured in the browser (Debian's Chromium through
// playwright-core) over a generated cohort on the embedded store, served by the real API:
// - navigation → interactive overview: from the navigation's start to the moment every chart is
//   drawn (main[data-ready]), median over runs;
// - filter change → redraw: from a borough chosen in the filter to every chart redrawn, median over runs.
// Baseline, side by side: the same six JSON requests the overview makes, fetched from Node with no
// browser (what the server alone costs), so the ratio shows what the page adds.
import { createReadStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { createApiApp } from '../apps/api/src/app.js';
import { apiConfigFromEnv } from '../apps/api/src/config.js';
import { localKeys, signLocalToken } from '../apps/api/src/auth/local-keys.js';
import { CaseImporter } from '../libs/case-ledger/application/import/case-importer.js';
import { ndjsonLines } from '../libs/case-ledger/application/import/ndjson-lines.js';
import { hasChromium, launchChromium } from '../test/support/browser.js';
import { cohortFile, fmt, freshStore, median, time } from './support.js';

export interface DashboardBenchOptions { cases: number; seed: string; runs: number }

export async function benchDashboard(o: DashboardBenchOptions, log: (s: string) => void): Promise<string> {
  if (!hasChromium()) throw new Error('the dashboard bench needs /usr/bin/chromium (apt-get install -y chromium)');
  const cohort = await cohortFile(o.cases, o.seed);
  log(`cohort: ${fmt(o.cases)} cases, ${fmt(cohort.lines)} events`);
  const s = await freshStore('embedded');
  try {
    const importer = new CaseImporter(s.store, { now: () => Date.now(), onRejected: (l, m) => { throw new Error(`line ${l}: ${m}`); } });
    const imported = await time(() => importer.run(ndjsonLines(createReadStream(cohort.path, { highWaterMark: 1 << 20 }))));
    log(`imported ${fmt(imported.value.appended)} events in ${fmt(imported.ms / 1000, 1)} s`);
    await s.store.close();

    const config = apiConfigFromEnv({ LEDGER_DATA_DIR: s.dataDir!, LEDGER_RATE_LIMIT: '1000000' });
    const app = await createApiApp({ config, logger: false, followProjections: true });
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const keys = await localKeys(s.dataDir!);
    const token = await signLocalToken(keys, { role: 'inspector', sub: 'bench', issuer: config.issuer, audience: config.audience });
    const get = async (path: string) => {
      const r = await fetch(base + path, { headers: { Authorization: `Bearer ${token}` } });
      if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}`);
      return r.json() as Promise<any>;
    };
    const warm = await time(async () => { await get('/views/withdrawal'); await get('/dashboard/distributions'); await get('/worklists'); });
    log(`projections caught up and caches loaded in ${fmt(warm.ms / 1000, 1)} s`);
    const boroughs = ((await get('/views/withdrawal?groupBy=borough')).groups as { key: string }[]).map((g) => g.key);

    const overviewRequests = (q: string) => {
      const sep = q ? '&' : '?';
      return [`/views/withdrawal${q}`, `/views/timeliness${q}`, `/views/timeliness${q}${sep}groupBy=borough`,
        `/views/disproportionality${q}${sep}groupBy=borough`, `/views/predictors${q}`, `/dashboard/distributions${q}`];
    };
    const apiOnly: number[] = [], apiOnlyFiltered: number[] = [];
    for (let run = 0; run < o.runs; run++) {
      apiOnly.push((await time(() => Promise.all(overviewRequests('').map(get)))).ms);
      const b = encodeURIComponent(boroughs[run % boroughs.length]!);
      apiOnlyFiltered.push((await time(() => Promise.all(overviewRequests(`?borough=${b}`).map(get)))).ms);
    }

    const browser = await launchChromium();
    const navigation: number[] = [], redraw: number[] = [];
    try {
      const page = await browser.context.newPage();
      await page.goto(base + '/');
      await page.evaluate((t) => sessionStorage.setItem('ledger.dashboard.token', t), token);
      for (let run = 0; run < o.runs; run++) {
        await page.goto(`${base}/?run=${run}#/overview`);
        await page.waitForSelector('main[data-ready] #attrition-predictors canvas', { timeout: 120000 });
        navigation.push(await page.evaluate(() => Number(document.querySelector('main')!.getAttribute('data-ready')) - performance.timeOrigin));
        const borough = boroughs[(run + 1) % boroughs.length]!;
        redraw.push(await page.evaluate((value) => new Promise<number>((resolve) => {
          const main = document.querySelector('main')!;
          const select = document.querySelector<HTMLSelectElement>('#borough')!;
          const before = main.getAttribute('data-ready');
          const t0 = performance.now();
          const seen = new MutationObserver(() => {
            const now = main.getAttribute('data-ready');
            if (now !== null && now !== before) { seen.disconnect(); resolve(performance.now() - t0); }
          });
          seen.observe(main, { attributes: true, attributeFilter: ['data-ready'] });
          select.value = value;
          select.dispatchEvent(new Event('change', { bubbles: true }));
        }), borough));
        log(`run ${run + 1}: navigation → interactive ${fmt(navigation[run]!)} ms; filter → redrawn ${fmt(redraw[run]!)} ms`);
      }
    } finally {
      await browser.close();
      await app.close();
    }
    const load = loadavg().map((x) => x.toFixed(1)).join(' / ');
    return [
      `### Dashboard (issue 5): ${fmt(o.cases)} generated cases, ${fmt(cohort.lines)} events, seed \`${o.seed}\`, embedded store, Chromium headless, medians of ${o.runs} runs`,
      '',
      '| measure | dashboard in the browser, ms | baseline: the same JSON requests from Node, ms | browser ÷ baseline | goal |',
      '|---|---|---|---|---|',
      `| navigation → interactive overview (7 charts drawn, all figures) | ${fmt(median(navigation))} | ${fmt(median(apiOnly))} | ${fmt(median(navigation) / median(apiOnly), 1)}× | < 1,500 |`,
      `| filter change (one borough) → every chart redrawn | ${fmt(median(redraw))} | ${fmt(median(apiOnlyFiltered))} | ${fmt(median(redraw) / median(apiOnlyFiltered), 1)}× | < 300 |`,
      '',
      `Runs: navigation ${navigation.map((x) => fmt(x)).join(', ')} ms; redraw ${redraw.map((x) => fmt(x)).join(', ')} ms. ` +
      `Load average at the end (1 / 5 / 15 min): ${load} on a machine shared with other work. Server warm (projections caught up, caches loaded: ${fmt(warm.ms / 1000, 1)} s after start).`,
    ].join('\n');
  } finally {
    await s.dispose();
  }
}
