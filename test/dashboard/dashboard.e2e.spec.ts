/// <reference lib="dom" />
// The dashboard in a real browser (Debian's Chromium through playwright-core) over the real API on a
// generated cohort: sign-in and role scoping, every chart against the API's numbers, a filter change,
// a worklist row leading to its case page, live refresh after an append, and axe-core on every page.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Page } from 'playwright-core';
import { createApiApp } from '../../apps/api/src/app.js';
import { apiConfigFromEnv, type ApiConfig } from '../../apps/api/src/config.js';
import { localKeys, signLocalToken } from '../../apps/api/src/auth/local-keys.js';
import { cliEnv, REPO, runCli, tempDir } from '../support/cli.js';
import { hasChromium, launchChromium, type Browser } from '../support/browser.js';

const SHOTS = join(REPO, 'test-output', 'dashboard');
const AXE = readFileSync(join(REPO, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

if (!hasChromium()) console.log('dashboard browser tests skipped: /usr/bin/chromium is missing (apt-get install -y chromium; .ci/run installs it)');
const describeInBrowser = hasChromium() ? describe : describe.skip;

describeInBrowser('dashboard in Chromium', () => {
  let dataDir: string;
  let app: INestApplication;
  let config: ApiConfig;
  let base: string;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  let voided: { caseId: string; reason: string };

  async function apiGet(path: string, token: string, purpose?: string): Promise<any> {
    const r = await fetch(base + path, { headers: { Authorization: `Bearer ${token}`, ...(purpose ? { 'X-Purpose': purpose } : {}) } });
    expect(r.status).toBe(200);
    return r.json();
  }

  /** Opens the dashboard, signs in and waits for the first page to be drawn. */
  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(base + '/');
    await page.getByLabel('Bearer token').fill(token);
    await settled(page, () => page.getByRole('button', { name: 'Sign in' }).click());
  }

  /** Waits for the page to finish drawing after `action` (main[data-ready] set anew). */
  async function settled(page: Page, action: () => Promise<unknown>): Promise<void> {
    const before = await page.getAttribute('main', 'data-ready');
    await action();
    await page.waitForFunction((b) => { const v = document.querySelector('main')?.getAttribute('data-ready'); return v !== null && v !== undefined && v !== b; }, before);
  }

  async function tableOf(page: Page, id: string): Promise<string[][]> {
    return page.$$eval(`table[data-table="${id}"] tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
  }

  async function noSeriousViolations(page: Page, name: string): Promise<void> {
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const r = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
      return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    expect({ page: name, serious: violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical') }).toEqual({ page: name, serious: [] });
  }

  const fmt = (v: number | null) => (v === null ? '–' : Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000));

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = tempDir('ledger-dash-');
    const env = cliEnv({ dataDir });
    const generated = runCli(['generate', '--cases', '300', '--seed', 'dashboard-e2e'], env);
    expect(generated.status).toBe(0);
    const voidLine = generated.stdout.split('\n').map((l) => (l ? JSON.parse(l) : null)).find((l) => l?.type === 'EntryVoided');
    voided = { caseId: voidLine.caseId, reason: voidLine.data.reason };
    const imported = runCli(['import', '-'], env, generated.stdout);
    expect(imported.status).toBe(0);
    config = apiConfigFromEnv({ LEDGER_DATA_DIR: dataDir, LEDGER_RATE_LIMIT: '100000' });
    app = await createApiApp({ config, logger: false, followProjections: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const keys = await localKeys(dataDir);
    const sign = (role: string, force?: string) => signLocalToken(keys, { role, ...(force ? { force } : {}), sub: `${role}-${force ?? 'all'}`, issuer: config.issuer, audience: config.audience });
    tokens.inspector = await sign('inspector');
    tokens.supervisorMps = await sign('supervisor', 'MPS');
    tokens.analyst = await sign('analyst');
    tokens.officerMps = await sign('officer', 'MPS');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('given a bad token, then sign-in is refused with a message; the sign-in page has no serious accessibility violation', async () => {
    const page = await browser.context.newPage();
    await page.goto(base + '/');
    await noSeriousViolations(page, 'sign-in');
    await page.screenshot({ path: join(SHOTS, 'sign-in.png'), fullPage: true });
    await page.getByLabel('Bearer token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page, '#sign-in-error', /Not signed in/);
    await page.close();
  });

  test('given a supervisor of MPS, then the overview is of MPS only (the force cannot be changed) and worklists are MPS cases only', async () => {
    const page = await browser.context.newPage();
    await signIn(page, tokens.supervisorMps!);
    expect(await page.locator('#force').isDisabled()).toBe(true);
    expect(await page.locator('#force').inputValue()).toBe('MPS');
    const mine = await apiGet('/views/withdrawal?force=MPS', tokens.inspector!);
    await expectText(page, '#overview-status', new RegExp(`^${mine.cases} cases in the cohort; ${mine.withdrawn} withdrawn`));
    await settled(page, () => page.getByRole('link', { name: 'Worklists' }).click());
    await page.getByLabel('Purpose of reading the worklists').fill('supervision: weekly review');
    await page.locator('button[data-list="no-update-over-28-days"]').click();
    await page.waitForSelector('table[data-table="worklist-rows"] tbody tr');
    const forces = await page.$$eval('table[data-table="worklist-rows"] tbody tr td:nth-child(2)', (tds) => [...new Set(tds.map((t) => t.textContent))]);
    expect(forces).toEqual(['MPS']);
    await page.close();
  });

  test('given an analyst, then the overview is shown and the worklists are not offered', async () => {
    const page = await browser.context.newPage();
    await signIn(page, tokens.analyst!);
    expect(await page.locator('a[data-page="worklists"]').isVisible()).toBe(false);
    expect(await page.locator('#force').isDisabled()).toBe(false);
    await page.close();
  });

  test('given an inspector, then every chart\'s numbers are the API\'s, and a filter change redraws them for the new cohort', async () => {
    const page = await browser.context.newPage();
    await signIn(page, tokens.inspector!);
    const check = async (query: string) => {
      const w = await apiGet(`/views/withdrawal${query}`, tokens.inspector!);
      const t = await apiGet(`/views/timeliness${query}`, tokens.inspector!);
      const sep = query ? '&' : '?';
      const tg = await apiGet(`/views/timeliness${query}${sep}groupBy=borough`, tokens.inspector!);
      const dg = await apiGet(`/views/disproportionality${query}${sep}groupBy=borough`, tokens.inspector!);
      const p = await apiGet(`/views/predictors${query}`, tokens.inspector!);
      const dist = await apiGet(`/dashboard/distributions${query}`, tokens.inspector!);
      expect(w.withdrawn).toBeGreaterThan(0);
      expect(await tableOf(page, 'withdrawal-curve')).toEqual([
        ['withdrawn', String(w.withdrawn)], ['within7', String(w.daysToWithdrawal.within7)], ['within30', String(w.daysToWithdrawal.within30)],
        ['within90', String(w.daysToWithdrawal.within90)], ['over90', String(w.daysToWithdrawal.over90)], ['median (days)', fmt(w.daysToWithdrawal.median)]]);
      // The curve drawn is the distribution, and passes through the view's marks.
      const curve = await page.evaluate(() => (window as any).Chart.getChart(document.querySelector('#withdrawal-curve canvas')).data.datasets[0].data.map((d: any) => d.y));
      expect(curve).toEqual(dist.withdrawals.cumulative);
      expect([curve[7], curve[30], curve[90]]).toEqual([w.daysToWithdrawal.within7, w.daysToWithdrawal.within30, w.daysToWithdrawal.within90]);
      expect(await tableOf(page, 'withdrawal-reasons')).toEqual(Object.keys(w.reasons).length === 11
        ? ['lost_confidence_in_police', 'device_or_records_request', 'process_length_or_complexity', 'fear_of_court_process', 'fear_of_suspect_or_reprisal',
          'pressure_from_others', 'health_or_wellbeing', 'wants_to_move_on', 'did_not_want_prosecution', 'other', 'not_established'].map((r) => [r, String(w.reasons[r])])
        : []);
      const codes = Object.keys(w.outcomes).sort((a, b) => Number(a) - Number(b));
      expect((await tableOf(page, 'outcome-codes')).slice(0, codes.length).map((r) => r.slice(0, 2))).toEqual(codes.map((c) => [c, String(w.outcomes[c])]));
      const retention = await tableOf(page, 'phone-retention');
      expect(retention.slice(0, dist.retention.bins.length)).toEqual(dist.retention.bins.map((b: string, k: number) => [b, String(dist.retention.returned[k]), String(dist.retention.stillHeld[k])]));
      expect(retention.slice(dist.retention.bins.length, dist.retention.bins.length + 3).map((r) => r[1]))
        .toEqual([t.victimDevices.returnedWithin24h, t.victimDevices.replacedWithin24h, t.victimDevices.heldOver24hWithoutReplacement].map(String));
      expect(dist.retention.returned.reduce((a: number, b: number) => a + b, 0)).toBe(t.victimDevices.returned);
      expect((await tableOf(page, 'disproportionality-flags')).map((r) => r.slice(0, 4)))
        .toEqual(dg.groups.map((g: any) => [g.key, String(g.victimDeviceRequests), String(g.flaggedRequests), String(g.flags.noLineOfEnquiry)]));
      expect(await tableOf(page, 'updates-overdue')).toEqual([
        ...tg.groups.map((g: any) => [g.key, String(g.victimUpdates.casesWithGapOver28Days), String(g.victimUpdates.gapsOver28Days)]),
        ['all', String(t.victimUpdates.casesWithGapOver28Days), String(t.victimUpdates.gapsOver28Days)]]);
      expect(await tableOf(page, 'attrition-predictors')).toEqual(p.factors.map((f: any) => [f.factor, f.with.cases, f.with.nfa, f.without.cases, f.without.nfa,
        f.oddsRatio, f.ci95?.[0] ?? null, f.ci95?.[1] ?? null].map((v) => (typeof v === 'string' ? v : fmt(v)))));
      return w;
    };
    const all = await check('');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV: Reasons for withdrawal' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toBe(['Reason,Withdrawals', ...Object.keys(all.reasons).map((r) => `${r},${all.reasons[r]}`)].join('\r\n') + '\r\n');
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });
    await noSeriousViolations(page, 'overview');

    // A filter change: one borough.
    const borough = (await apiGet('/views/withdrawal?groupBy=borough', tokens.inspector!)).groups[0].key as string;
    await settled(page, () => page.selectOption('#borough', borough));
    const filtered = await check(`?borough=${encodeURIComponent(borough)}`);
    expect(filtered.cases).toBeLessThan(all.cases);
    await expectText(page, '#overview-status', new RegExp(`^${filtered.cases} cases in the cohort`));
    await page.screenshot({ path: join(SHOTS, 'overview-filtered.png'), fullPage: true });
    await page.close();
  });

  test('given the worklists, then each list has rows, and a row leads to its case page (an audited read with its purpose)', async () => {
    const page = await browser.context.newPage();
    await signIn(page, tokens.inspector!);
    await settled(page, () => page.getByRole('link', { name: 'Worklists' }).click());
    const counts = await tableOf(page, 'worklist-counts');
    expect(counts.length).toBe(7);
    for (const [title, count] of counts) expect([title, Number(count)]).toEqual([title, expect.any(Number)]);
    expect(counts.every(([, n]) => Number(n) > 0)).toBe(true);
    await page.getByLabel('Purpose of reading the worklists').fill('inspection: device retention');
    await page.locator('button[data-list="devices-held-over-24h"]').click();
    await page.waitForSelector('table[data-table="worklist-rows"] tbody tr');
    await noSeriousViolations(page, 'worklists');
    await page.screenshot({ path: join(SHOTS, 'worklists.png'), fullPage: true });
    const link = page.locator('table[data-table="worklist-rows"] tbody tr a').first();
    const caseId = (await link.textContent())!;
    await settled(page, () => link.click());
    expect(page.url()).toContain(`#/case/${encodeURIComponent(caseId)}`);
    await page.getByLabel('Purpose of opening this case').fill('inspection: device retention');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForSelector('#case-timeline li');
    await expectText(page, '#integrity', /^Integrity: intact/);
    const timeline = await apiGet(`/cases/${encodeURIComponent(caseId)}/timeline`, tokens.inspector!, 'test: compare');
    expect(await page.locator('#case-timeline li').count()).toBe(timeline.length);
    expect(await page.locator('#case-flags').textContent()).toContain('On the worklist: devices held over 24h');
    expect(await page.locator('#case-lanes .lane').count()).toBeGreaterThan(0);
    await noSeriousViolations(page, 'case');
    await page.screenshot({ path: join(SHOTS, 'case.png'), fullPage: true });
    const log = await apiGet('/access-log', tokens.inspector!, 'test: check the case read was logged');
    const entries = (Array.isArray(log) ? log : log.entries ?? []) as { action: string; caseId: string | null; purpose: string }[];
    expect(entries.some((e) => e.action === 'case.overview' && e.caseId === caseId && e.purpose === 'inspection: device retention')).toBe(true);
    await page.close();
  });

  test('given the keyboard only, then the skip link, the filters and every chart\'s table and CSV button are reached by Tab, and Enter opens a table', async () => {
    const page = await browser.context.newPage();
    await signIn(page, tokens.inspector!);
    await settled(page, () => page.reload()); // a fresh load: the focus starts at the top of the page
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    const reached: string[] = [];
    const last = 'Download CSV: Attrition predictors: odds ratios of NFA with 95% intervals (log scale)';
    for (let k = 0; k < 60 && reached[reached.length - 1] !== last; k++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => {
        const a = document.activeElement as HTMLElement | null;
        return a ? a.id || a.getAttribute('aria-label') || `${a.tagName.toLowerCase()}:${a.textContent}` : '';
      }));
    }
    expect(reached).toEqual(expect.arrayContaining(['reportedFrom', 'reportedTo', 'force', 'borough', 'team', 'groupBy',
      'Download CSV: Withdrawals by days since report (cumulative)', last]));
    expect(reached.filter((r) => r === 'summary:Numbers (table)').length).toBe(7);
    await page.locator('#withdrawal-reasons summary').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#withdrawal-reasons details').getAttribute('open')).toBe('');
    await page.close();
  });

  test('given a case with a voided entry, then its case page strikes the entry through and gives the reason', async () => {
    const page = await browser.context.newPage();
    await signIn(page, tokens.inspector!);
    await settled(page, () => page.goto(`${base}/#/case/${encodeURIComponent(voided.caseId)}`));
    await page.getByLabel('Purpose of opening this case').fill('inspection: voided entries');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#case-timeline li.voided del');
    expect(await page.locator('#case-timeline li.voided').first().textContent()).toContain(`voided: ${voided.reason}`);
    await page.close();
  });

  test('given the overview open, when a withdrawal is appended through the API, then the figures refresh by themselves', async () => {
    const page = await browser.context.newPage();
    await signIn(page, tokens.inspector!);
    const before = await apiGet('/views/withdrawal', tokens.inspector!);
    await expectText(page, '#overview-status', new RegExp(`^${before.cases} cases in the cohort; ${before.withdrawn} withdrawn`));
    const caseId = 'MPS-LIVE-0001';
    const report = { caseId, type: 'CaseReported', occurredAt: '2024-05-01T10:00:00Z', data: {
      crimeReference: 'CR-LIVE', force: 'MPS', borough: 'Lambeth', team: 'Lambeth-SOIT-1', offence: 'rape', offenceFrom: '2024-04-30', offenceTo: null,
      relationship: 'stranger', contactSinceOffence: null, victim: { pseudonym: 'V-LIVE', ageBand: '25_34', additionalNeeds: false, phoneDependentLivelihood: false } } };
    const withdrawal = { caseId, type: 'VictimWithdrew', occurredAt: '2024-05-03T10:00:00Z', data: { reason: 'not_established', confirmedWithVictim: false, statementTaken: false, isvaInformed: false } };
    for (const line of [report, withdrawal]) {
      const r = await fetch(`${base}/cases/${caseId}/events`, { method: 'POST', headers: { Authorization: `Bearer ${tokens.officerMps}`, 'Content-Type': 'application/json' }, body: JSON.stringify(line) });
      expect(r.status).toBe(201);
    }
    await expectText(page, '#overview-status', new RegExp(`^${before.cases + 1} cases in the cohort; ${before.withdrawn + 1} withdrawn`));
    await page.close();
  });
});

async function expectText(page: Page, selector: string, pattern: RegExp): Promise<void> {
  try {
    await page.waitForFunction(([s, src, flags]) => new RegExp(src!, flags).test(document.querySelector(s!)?.textContent ?? ''), [selector, pattern.source, pattern.flags], { timeout: 20000 });
  } catch {
    expect(await page.locator(selector).textContent()).toMatch(pattern);
  }
}
