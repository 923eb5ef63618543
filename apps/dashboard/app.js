// @ts-check
// The dashboard: a single page over the API (same origin, bearer token kept in sessionStorage).
// Pages by hash: #/overview, #/worklists, #/case/<id>. Live refresh: the ledger head is polled and
// the page's data reloaded when it moves (EventSource cannot send the Authorization header).
// The API's answers are typed by libs/dashboard/dashboard-api.ts, the contract the controller returns.
import { COLOURS, destroyCharts, el, figure, fmt, table } from './charts.js';

/** @typedef {import('../../libs/dashboard/dashboard-api.js').ViewsByName} ViewsByName */
/** @typedef {import('../../libs/dashboard/dashboard-api.js').GroupKey} GroupKey */
/** @typedef {import('../../libs/dashboard/dashboard-api.js').HeadAnswer} HeadAnswer */
/** @typedef {import('../../libs/dashboard/dashboard-api.js').ScopeUnit} ScopeUnit */
/** @typedef {import('../../libs/dashboard/dashboard-api.js').ScopesAnswer} ScopesAnswer */
/** @typedef {import('../../libs/dashboard/dashboard-api.js').DistributionsAnswer} DistributionsAnswer */
/** @typedef {import('../../libs/dashboard/dashboard-api.js').WorklistName} WorklistName */
/** @typedef {import('../../libs/dashboard/dashboard-api.js').WorklistSummaryAnswer} WorklistSummaryAnswer */
/** @typedef {import('../../libs/dashboard/dashboard-api.js').WorklistAnswer} WorklistAnswer */
/** @typedef {import('../../libs/dashboard/dashboard-api.js').CaseOverviewAnswer} CaseOverviewAnswer */
/** @typedef {import('../../libs/dashboard/dashboard-api.js').TimelineEntry} TimelineEntry */
/**
 * @template {keyof ViewsByName} N
 * @typedef {import('../../libs/dashboard/dashboard-api.js').GroupedViewAnswer<N>} GroupedViewAnswer
 */

const TOKEN_KEY = 'ledger.dashboard.token';
const POLL_MS = 2000;
/** An element index.html has (the page cannot run without it). @param {string} id */
const byId = (id) => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`index.html has no #${id}`);
  return e;
};
const main = byId('main');
const live = byId('live');

const NFA = new Set([14, 15, 16, 17, 18, 20, 21]);
/** @type {readonly (keyof ViewsByName['disproportionality']['flags'])[]} */
const FLAGS = ['noLineOfEnquiry', 'noAlternativesConsidered', 'periodUnboundedOrBeyondWindow', 'fullExtraction', 'nonRecentNoContact',
  'requestedBeforeAccount', 'repeatedAfterDecline', 'notSupervisorAuthorised', 'incompleteNotice'];
/** @type {readonly GroupKey[]} */
const GROUP_KEYS = ['borough', 'team', 'force', 'ageBand', 'additionalNeeds', 'relationship'];
/** A code as words: `fear_of_court_process`, `noLineOfEnquiry` → "fear of court process", "no line of enquiry". @param {string | number | null} code */
const words = (code) => String(code).replace(/[_-]/g, ' ').replace(/([a-z])([A-Z0-9])/g, '$1 $2').toLowerCase();
/** An ISO instant to the minute, as "YYYY-MM-DD hh:mm" (UTC, as the API gives it). @param {string} iso */
const minute = (iso) => iso.slice(0, 16).replace('T', ' ');
/** The message of anything thrown. @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

// ---------------------------------------------------------------- session and API

/** @typedef {{ token: string, role: string, force: string | null }} Session */
/** @type {Session | null} */
let session = null;
/** @type {string | undefined} */
let pendingMessage;
/** Navigates to `hash` (rendering once, whether or not the hash changes). @param {string} hash */
function go(hash) {
  if (location.hash === hash) render(); else location.hash = hash;
}

/** @param {string} token @returns {{ role?: unknown, force?: unknown }} */
function decodeClaims(token) {
  const part = token.split('.')[1];
  if (!part) throw new Error('that is not a JWT (three dot-separated parts)');
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(json);
}

/** @param {string} token */
function startSession(token) {
  const c = decodeClaims(token);
  session = { token, role: String(c.role), force: typeof c.force === 'string' ? c.force : null };
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** @param {string} message */
function endSession(message) {
  session = null;
  sessionStorage.removeItem(TOKEN_KEY);
  pendingMessage = message;
  go('#/sign-in');
}

class ApiError extends Error {
  /** @param {number} status @param {{ detail?: string, code?: string } | null} [problem] a Problem Details body */
  constructor(status, problem = null) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/**
 * GET `path` as JSON with the session's token (and `purpose` as X-Purpose, for reads that name cases).
 * The caller states the answer's type (dashboard-api.ts).
 * @param {string} path
 * @param {{ purpose?: string }} [options]
 * @returns {Promise<unknown>}
 */
async function api(path, { purpose } = {}) {
  if (!session) throw new ApiError(401);
  /** @type {Record<string, string>} */
  const headers = { Authorization: `Bearer ${session.token}` };
  if (purpose) headers['X-Purpose'] = purpose;
  const res = await fetch(path, { headers, cache: 'no-store' });
  if (res.status === 401) { endSession('Your sign-in has expired or the token was refused; sign in again.'); throw new ApiError(401); }
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch { /* not JSON */ }
    throw new ApiError(res.status, problem);
  }
  return res.json();
}

/** A query string of the given values (empty and absent ones left out). @param {Record<string, string | number | null | undefined>} params */
const qs = (params) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
};

const canSeeViews = () => ['supervisor', 'inspector', 'analyst'].includes(session?.role ?? '');
const canSeeWorklists = () => ['supervisor', 'inspector'].includes(session?.role ?? '');
const canOpenCases = () => ['officer', 'supervisor', 'inspector'].includes(session?.role ?? '');
/** The force a supervisor or officer is held to (null: any). */
const forcedForce = () => (session?.role === 'supervisor' || session?.role === 'officer' ? session.force : null);

// ---------------------------------------------------------------- live refresh

/** @type {number | null} */
let headPosition = null;
/** Reloads the current page's data (null: nothing to reload). @type {(() => Promise<void>) | null} */
let refreshCurrent = null;
/** @type {number | null} */
let pollTimer = null;

async function poll() {
  pollTimer = null;
  if (!session) return;
  try {
    const head = /** @type {HeadAnswer} */ (await api('/dashboard/head'));
    const moved = head.position !== headPosition;
    if (headPosition !== null && moved && refreshCurrent) await refreshCurrent();
    headPosition = head.position;
    // Announced (role=status) only when the ledger moved, not at every poll.
    if (moved || !live.textContent?.startsWith('Live')) {
      live.textContent = `Live: ledger at position ${head.position}, figures as of ${new Date().toLocaleTimeString('en-GB')}`;
      live.dataset.position = String(head.position);
    }
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) live.textContent = 'Live refresh paused: the server did not answer.';
  }
  if (session) pollTimer = setTimeout(poll, POLL_MS);
}

// ---------------------------------------------------------------- pages

/** @param {string} title @param {string} page */
function setPage(title, page) {
  destroyCharts();
  refreshCurrent = null;
  main.replaceChildren();
  main.removeAttribute('data-ready');
  document.title = `${title}: case audit ledger`;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a instanceof HTMLElement && a.dataset.page === page) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  main.append(el('h1', { text: title }));
}

const ready = () => main.setAttribute('data-ready', String(Date.now()));

/** An alert with what went wrong (the problem's detail and code when the API said). @param {unknown} e */
function errorBox(e) {
  const text = e instanceof ApiError && e.problem?.detail ? `${e.problem.detail} (${e.problem.code})` : messageOf(e);
  return el('p', { class: 'error', role: 'alert', text });
}

/** @param {string} [message] */
function signInPage(message) {
  setPage('Sign in', 'sign-in');
  const form = el('form', { novalidate: '' });
  const area = el('textarea', { id: 'token', name: 'token', rows: '4', cols: '70', required: '', 'aria-describedby': 'token-help', autocomplete: 'off' });
  const err = el('p', { id: 'sign-in-error', class: 'error', role: 'alert' });
  form.append(
    el('p', { id: 'token-help', text: 'Paste a bearer token. On the embedded store: npm run --silent ledger -- token --role supervisor --force MPS' }),
    el('label', { for: 'token', text: 'Bearer token' }), area, el('p', {}, el('button', { type: 'submit', text: 'Sign in' })), err);
  if (message) err.textContent = message;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      startSession(area.value.trim());
      await api('/dashboard/head');
      go(canSeeViews() ? '#/overview' : '#/case');
    } catch (e) {
      if (session) { session = null; sessionStorage.removeItem(TOKEN_KEY); }
      err.textContent = `Not signed in: ${messageOf(e)}`;
      area.focus();
    }
  });
  main.append(form);
  ready();
  area.focus();
}

// ---- Overview

/** The overview's filters, kept across pages (the values of the form's fields by id). */
const filters = { reportedFrom: '', reportedTo: '', force: '', borough: '', team: '', groupBy: /** @type {GroupKey} */ ('borough') };
/** @typedef {keyof typeof filters} FilterName */
/** @type {Promise<ScopeUnit[]> | null} */
let scopesPromise = null;
/** The (force, borough, team) units cases are reported under, fetched once per page load. */
function scopeUnits() {
  scopesPromise ??= api('/dashboard/scopes').then((r) => /** @type {ScopesAnswer} */ (r).units).catch((e) => { scopesPromise = null; throw e; });
  return scopesPromise;
}
/** @param {string[]} xs */
const distinct = (xs) => [...new Set(xs)].sort();

/**
 * A labelled select.
 * @param {string} id
 * @param {string} label
 * @param {readonly string[]} values
 * @param {string} current
 * @param {{ any?: string | null, disabled?: boolean }} [options] `any`: the label of the "no filter" option (null: none)
 */
function select(id, label, values, current, { any = 'All', disabled = false } = {}) {
  const s = el('select', { id, name: id, ...(disabled ? { disabled: '' } : {}) });
  if (any !== null) s.append(el('option', { value: '', text: any }));
  for (const v of values) s.append(el('option', { value: v, text: v }));
  s.value = current;
  return el('div', { class: 'field' }, el('label', { for: id, text: label }), s);
}

async function overviewPage() {
  setPage('Overview', 'overview');
  if (!canSeeViews()) { main.append(el('p', { text: 'The overview is for supervisors, inspectors and analysts.' })); ready(); return; }
  const form = el('form', { class: 'filters', 'aria-label': 'Filters' });
  const charts = el('div', { class: 'grid', id: 'charts', 'aria-live': 'off' });
  const status = el('p', { id: 'overview-status', role: 'status' });
  main.append(form, status, charts);
  const held = forcedForce();
  if (held) filters.force = held;

  const buildForm = async () => {
    const units = await scopeUnits();
    const inForce = units.filter((u) => !filters.force || u.force === filters.force);
    const forces = held ? [held] : distinct(units.map((u) => u.force));
    const boroughs = distinct(inForce.map((u) => u.borough));
    const teams = distinct(inForce.filter((u) => !filters.borough || u.borough === filters.borough).map((u) => u.team));
    /** @param {'reportedFrom' | 'reportedTo'} id @param {string} label */
    const date = (id, label) => el('div', { class: 'field' }, el('label', { for: id, text: label }),
      el('input', { id, name: id, type: 'date', value: filters[id], 'aria-describedby': 'cohort-help' }));
    form.replaceChildren(
      el('p', { class: 'visually-hidden', id: 'cohort-help', text: 'Cohort: cases reported from the first date (inclusive) to the second (exclusive), Europe/London.' }),
      date('reportedFrom', 'Reported from'), date('reportedTo', 'Reported before'),
      select('force', 'Force', forces, filters.force, { any: held ? null : 'All forces', disabled: !!held }),
      select('borough', 'Borough', boroughs, filters.borough, { any: 'All boroughs' }),
      select('team', 'Team', teams, filters.team, { any: 'All teams' }),
      select('groupBy', 'Group the by-group charts by', GROUP_KEYS, filters.groupBy, { any: null }),
    );
  };

  const draw = async ({ markReady = true } = {}) => {
    const started = performance.now();
    main.removeAttribute('data-ready');
    const cohort = { reportedFrom: filters.reportedFrom, reportedTo: filters.reportedTo, force: filters.force, borough: filters.borough, team: filters.team };
    const grouped = { ...cohort, groupBy: filters.groupBy };
    try {
      const [w, t, tg, dg, p, dist] = await Promise.all([
        /** @type {Promise<ViewsByName['withdrawal']>} */ (api(`/views/withdrawal${qs(cohort)}`)),
        /** @type {Promise<ViewsByName['timeliness']>} */ (api(`/views/timeliness${qs(cohort)}`)),
        /** @type {Promise<GroupedViewAnswer<'timeliness'>>} */ (api(`/views/timeliness${qs(grouped)}`)),
        /** @type {Promise<GroupedViewAnswer<'disproportionality'>>} */ (api(`/views/disproportionality${qs(grouped)}`)),
        /** @type {Promise<ViewsByName['predictors']>} */ (api(`/views/predictors${qs(cohort)}`)),
        /** @type {Promise<DistributionsAnswer>} */ (api(`/dashboard/distributions${qs(cohort)}`)),
      ]);
      drawOverview(charts, { w, t, tg, dg, p, dist });
      status.textContent = `${w.cases} cases in the cohort; ${w.withdrawn} withdrawn; ${w.closed} closed.`;
      status.dataset.ms = String(Math.round(performance.now() - started));
    } catch (e) {
      status.replaceChildren(errorBox(e));
    }
    if (markReady) ready();
  };

  form.addEventListener('change', async (ev) => {
    const field = ev.target;
    if (!(field instanceof HTMLInputElement || field instanceof HTMLSelectElement) || !(field.id in filters)) return;
    const id = /** @type {FilterName} */ (field.id);
    if (id === 'groupBy') filters.groupBy = /** @type {GroupKey} */ (field.value); else filters[id] = field.value;
    if (id === 'force') { filters.borough = ''; filters.team = ''; }
    if (id === 'borough') filters.team = '';
    if (id === 'reportedFrom' || id === 'reportedTo') {
      if (filters.reportedFrom && filters.reportedTo && filters.reportedTo <= filters.reportedFrom) {
        status.replaceChildren(el('p', { class: 'error', role: 'alert', text: 'The "reported before" date must be after the "reported from" date.' }));
        return;
      }
    }
    if (id === 'force' || id === 'borough') { await buildForm(); document.getElementById(id)?.focus(); }
    await draw();
  });
  form.addEventListener('submit', (ev) => ev.preventDefault());
  refreshCurrent = () => draw();
  // The filters' choices and the charts load side by side; the page is ready when both are.
  await Promise.all([buildForm().catch((e) => status.replaceChildren(errorBox(e))), draw({ markReady: false })]);
  ready();
}

/**
 * @param {HTMLElement} root
 * @param {{ w: ViewsByName['withdrawal'], t: ViewsByName['timeliness'], tg: GroupedViewAnswer<'timeliness'>,
 *   dg: GroupedViewAnswer<'disproportionality'>, p: ViewsByName['predictors'], dist: DistributionsAnswer }} answers
 */
function drawOverview(root, { w, t, tg, dg, p, dist }) {
  const d = w.daysToWithdrawal;
  const curve = dist.withdrawals.cumulative;
  figure(root, {
    id: 'withdrawal-curve',
    title: 'Withdrawals by days since report (cumulative)',
    definition: 'views.md, withdrawal view: daysToWithdrawal, d = days(report, the withdrawal in effect); within7: d ≤ 7, within30: d ≤ 30, within90: d ≤ 90.',
    summary: `${w.withdrawn} withdrawals; ${d.within7} within 7 days, ${d.within30} within 30 days, ${d.within90} within 90 days, ${d.over90} after 90 days; median ${fmt(d.median)} days.`,
    columns: ['Figure', 'Withdrawals'],
    rows: [['withdrawn', w.withdrawn], ['within7', d.within7], ['within30', d.within30], ['within90', d.within90], ['over90', d.over90], ['median (days)', d.median]],
    config: {
      type: 'line',
      data: { datasets: [{ label: 'Withdrawals so far', data: curve.map((y, x) => ({ x, y })), borderColor: COLOURS.blue, backgroundColor: COLOURS.blue, pointRadius: 0, stepped: true }] },
      options: {
        scales: { x: { type: 'linear', min: 0, max: curve.length - 1, title: { display: true, text: 'Days since report' } }, y: { beginAtZero: true, title: { display: true, text: 'Withdrawals (cumulative)' } } },
        plugins: { marks: { lines: [{ at: 7, label: '7 days' }, { at: 30, label: '30 days' }] } },
      },
    },
  });

  // The view gives every reason, in the spec's order.
  const reasons = /** @type {(keyof typeof w.reasons)[]} */ (Object.keys(w.reasons));
  const reasonRows = reasons.map((r) => [r, w.reasons[r]]);
  figure(root, {
    id: 'withdrawal-reasons',
    title: 'Reasons for withdrawal',
    definition: 'views.md, withdrawal view: reasons, the withdrawals\' reason, all 11 codes; "not established" (no reason recorded) shown apart.',
    summary: reasonRows.map(([r, n]) => `${words(r)}: ${n}`).join('; '),
    columns: ['Reason', 'Withdrawals'],
    rows: reasonRows,
    config: {
      type: 'bar',
      data: {
        labels: reasons.map((r) => (r === 'not_established' ? 'NOT ESTABLISHED' : words(r))),
        datasets: [{ label: 'Withdrawals', data: reasons.map((r) => w.reasons[r]), backgroundColor: reasons.map((r) => (r === 'not_established' ? COLOURS.orange : COLOURS.blue)) }],
      },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
    },
  });

  const codes = Object.keys(w.outcomes).map(Number).sort((a, b) => a - b);
  figure(root, {
    id: 'outcome-codes',
    title: 'Outcome codes of closed cases',
    definition: 'views.md, withdrawal view: outcomes, closed cohort cases by outcome code; NFA outcomes (14, 15, 16, 17, 18, 20, 21) in orange.',
    summary: `${w.closed} closed; ${w.nfaOutcomes} NFA; ${w.victimWithdrawalOutcomesWithoutWithdrawal} with outcome 14 or 16 and no withdrawal. ` + codes.map((c) => `code ${c}: ${w.outcomes[c]}`).join('; '),
    columns: ['Outcome code', 'Cases', 'NFA'],
    rows: [...codes.map((c) => [String(c), w.outcomes[c], NFA.has(c) ? 'yes' : 'no']), ['closed', w.closed, ''], ['nfaOutcomes', w.nfaOutcomes, ''], ['victimWithdrawalOutcomesWithoutWithdrawal', w.victimWithdrawalOutcomesWithoutWithdrawal, '']],
    config: {
      type: 'bar',
      data: { labels: codes.map(String), datasets: [{ label: 'Closed cases', data: codes.map((c) => w.outcomes[c]), backgroundColor: codes.map((c) => (NFA.has(c) ? COLOURS.orange : COLOURS.blue)) }] },
      options: { plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: 'Outcome code' } }, y: { beginAtZero: true } } },
    },
  });

  const vd = t.victimDevices;
  const ret = dist.retention;
  figure(root, {
    id: 'phone-retention',
    title: 'Victims\' devices: how long they were held',
    definition: 'views.md, timeliness view: retentionDays = days(seized, returned) over returned victim devices; still held (no replacement within 1 day) measured to now. The dashed line is 24 hours.',
    summary: `${vd.seized} seized, ${vd.returned} returned, ${vd.stillHeld} still held; ${vd.returnedWithin24h} returned within 24 h, ${vd.replacedWithin24h} replaced within 24 h, ${vd.heldOver24hWithoutReplacement} held over 24 h without replacement; median retention ${fmt(vd.retentionDays.median)} days.`,
    columns: ['Held for', 'Returned', 'Still held'],
    rows: [...ret.bins.map((b, k) => [b, ret.returned[k], ret.stillHeld[k]]),
      ['returnedWithin24h', vd.returnedWithin24h, ''], ['replacedWithin24h', vd.replacedWithin24h, ''],
      ['heldOver24hWithoutReplacement', vd.heldOver24hWithoutReplacement, ''], ['median retention (days)', vd.retentionDays.median, ''], ['p90 retention (days)', vd.retentionDays.p90, '']],
    config: {
      type: 'bar',
      data: {
        labels: ret.bins,
        datasets: [
          { label: 'Returned', data: ret.returned, backgroundColor: COLOURS.blue },
          { label: 'Still held', data: ret.stillHeld, backgroundColor: COLOURS.orange },
        ],
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'Devices' } } }, plugins: { marks: { lines: [{ between: 0, label: '24 h' }] } } },
    },
  });

  const groups = dg.groups;
  figure(root, {
    id: 'disproportionality-flags',
    title: `Victim device requests flagged, by ${words(filters.groupBy)}`,
    definition: 'views.md, disproportionality view: flaggedRequests = victim device requests with at least one of the nine flags; each flag per group in the table.',
    summary: groups.map((g) => `${g.key}: ${g.flaggedRequests} of ${g.victimDeviceRequests} requests flagged`).join('; ') || 'No cases in the cohort.',
    columns: [words(filters.groupBy), 'victimDeviceRequests', 'flaggedRequests', ...FLAGS],
    rows: groups.map((g) => [g.key, g.victimDeviceRequests, g.flaggedRequests, ...FLAGS.map((f) => g.flags[f])]),
    config: {
      type: 'bar',
      data: {
        labels: groups.map((g) => g.key),
        datasets: [
          { label: 'Victim device requests', data: groups.map((g) => g.victimDeviceRequests), backgroundColor: COLOURS.grey },
          { label: 'Flagged requests', data: groups.map((g) => g.flaggedRequests), backgroundColor: COLOURS.orange },
        ],
      },
      options: { scales: { y: { beginAtZero: true } } },
    },
  });

  figure(root, {
    id: 'updates-overdue',
    title: `Victim updates overdue (gaps over 28 days), by ${words(filters.groupBy)}`,
    definition: 'views.md, timeliness view: victimUpdates, intervals report → update → … → end (closure, or now) longer than 28 days; cases with at least one.',
    summary: tg.groups.map((g) => `${g.key}: ${g.victimUpdates.casesWithGapOver28Days} cases, ${g.victimUpdates.gapsOver28Days} gaps`).join('; ') || 'No cases in the cohort.',
    columns: [words(filters.groupBy), 'casesWithGapOver28Days', 'gapsOver28Days'],
    rows: [...tg.groups.map((g) => [g.key, g.victimUpdates.casesWithGapOver28Days, g.victimUpdates.gapsOver28Days]),
      ['all', t.victimUpdates.casesWithGapOver28Days, t.victimUpdates.gapsOver28Days]],
    config: {
      type: 'bar',
      data: {
        labels: tg.groups.map((g) => g.key),
        datasets: [
          { label: 'Cases with a gap over 28 days', data: tg.groups.map((g) => g.victimUpdates.casesWithGapOver28Days), backgroundColor: COLOURS.blue },
          { label: 'Gaps over 28 days', data: tg.groups.map((g) => g.victimUpdates.gapsOver28Days), backgroundColor: COLOURS.teal },
        ],
      },
      options: { scales: { y: { beginAtZero: true } } },
    },
  });

  const factors = p.factors;
  // Drawn: the factors with an odds ratio (and so an interval); every factor is in the table.
  const drawn = factors.flatMap((f) => (f.oddsRatio !== null && f.ci95 !== null ? [{ factor: f.factor, oddsRatio: f.oddsRatio, ci95: f.ci95 }] : []));
  figure(root, {
    id: 'attrition-predictors',
    title: 'Attrition predictors: odds ratios of NFA with 95% intervals (log scale)',
    definition: 'views.md, attrition predictors view: over closed cases, OR = (a·d)/(b·c) with 0.5 added to each cell when one is 0; ci95 = exp(ln OR ± 1.96·√(1/a+1/b+1/c+1/d)). 1 = no association.',
    summary: factors.map((f) => `${words(f.factor)}: OR ${fmt(f.oddsRatio)}${f.ci95 ? ` (${fmt(f.ci95[0])} to ${fmt(f.ci95[1])})` : ''}`).join('; '),
    columns: ['Factor', 'with: cases', 'with: NFA', 'without: cases', 'without: NFA', 'oddsRatio', 'ci95 low', 'ci95 high'],
    rows: factors.map((f) => [f.factor, f.with.cases, f.with.nfa, f.without.cases, f.without.nfa, f.oddsRatio, f.ci95?.[0] ?? null, f.ci95?.[1] ?? null]),
    config: {
      type: 'bar',
      data: {
        labels: drawn.map((f) => words(f.factor)),
        datasets: [
          { label: '95% interval', data: drawn.map((f) => f.ci95), backgroundColor: 'rgba(31, 78, 140, 0.35)', borderColor: COLOURS.blue, borderWidth: 1, grouped: false, barPercentage: 0.35 },
          { label: 'Odds ratio', data: drawn.map((f) => [f.oddsRatio / 1.03, f.oddsRatio * 1.03]), backgroundColor: COLOURS.red, grouped: false, barPercentage: 0.8 },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: { x: { type: 'logarithmic', title: { display: true, text: 'Odds ratio (log scale)' } } },
        plugins: { marks: { lines: [{ at: 1, label: 'OR 1' }] } },
      },
    },
  });
}

// ---- Worklists

/** The worklists page's state, kept across pages. @type {{ purpose: string, force: string, open: WorklistName | null }} */
const worklistState = { purpose: '', force: '', open: null };

async function worklistsPage() {
  setPage('Worklists', 'worklists');
  if (!session || !canSeeWorklists()) { main.append(el('p', { text: 'Worklists are for supervisors and inspectors.' })); ready(); return; }
  const inspector = session.role === 'inspector';
  const summary = el('div', { id: 'worklist-summary' });
  const rows = el('section', { id: 'worklist-rows', 'aria-live': 'polite' });
  const form = el('form', { class: 'filters', 'aria-label': 'Worklist scope and purpose' });
  const purpose = el('input', { id: 'purpose', name: 'purpose', size: '60', required: '', value: worklistState.purpose, 'aria-describedby': 'purpose-help' });
  form.append(el('div', { class: 'field' }, el('label', { for: 'purpose', text: 'Purpose of reading the worklists' }), purpose,
    el('p', { id: 'purpose-help', text: 'Rows name cases: each read is recorded in the access log with this purpose.' })));
  if (inspector) {
    const forces = await scopeUnits().then((units) => distinct(units.map((u) => u.force))).catch(() => []);
    form.append(select('wl-force', 'Force', forces, worklistState.force, { any: 'All forces' }));
  }
  main.append(form, summary, rows);

  // A supervisor's force is the server's to force; an inspector chooses one (or none).
  const scope = () => ({ force: inspector ? worklistState.force : null });
  const loadSummary = async () => {
    try {
      const s = /** @type {WorklistSummaryAnswer} */ (await api(`/worklists${qs(scope())}`));
      summary.replaceChildren(table(['Worklist', 'Rows now', 'Definition'], s.lists.map((l) => [l.title, l.count, l.definition]), `Worklists (${s.scope.force ?? 'all forces'}), now`, 'worklist-counts'));
      const buttons = el('p', {});
      for (const l of s.lists) buttons.append(el('button', { type: 'button', class: 'secondary', 'data-list': l.name, onclick: () => openList(l.name), text: `Show: ${l.title} (${l.count})` }), ' ');
      summary.append(buttons);
    } catch (e) { summary.replaceChildren(errorBox(e)); }
  };
  /** @param {WorklistName} name */
  const openList = async (name) => {
    worklistState.open = name;
    worklistState.purpose = purpose.value.trim();
    if (!worklistState.purpose) { rows.replaceChildren(el('p', { class: 'error', role: 'alert', text: 'State the purpose first: it is recorded with the read.' })); purpose.focus(); return; }
    try {
      const r = /** @type {WorklistAnswer} */ (await api(`/worklists/${name}${qs({ ...scope(), limit: 1000 })}`, { purpose: worklistState.purpose }));
      const t = table(['Case', 'Force', 'Borough', 'Team', 'Since', 'Days waiting', 'Request'],
        r.rows.map((row) => [el('a', { href: `#/case/${encodeURIComponent(row.caseId)}`, text: row.caseId }),
          row.force, row.borough, row.team, minute(row.since), Math.floor(row.days), row.requestId ?? '']),
        `${r.title}: ${r.total} rows, oldest first`, 'worklist-rows');
      rows.replaceChildren(el('h2', { text: r.title }), el('p', { text: `Definition: ${r.definition}` }), t);
    } catch (e) { rows.replaceChildren(errorBox(e)); }
  };
  form.addEventListener('change', async (ev) => {
    if (!(ev.target instanceof HTMLSelectElement && ev.target.id === 'wl-force')) return;
    worklistState.force = ev.target.value;
    await loadSummary();
    if (worklistState.open && purpose.value.trim()) await openList(worklistState.open);
  });
  form.addEventListener('submit', (ev) => ev.preventDefault());
  refreshCurrent = async () => { await loadSummary(); if (worklistState.open && worklistState.purpose) await openList(worklistState.open); };
  await loadSummary();
  ready();
}

// ---- Case page

/** @param {string | null} caseId */
async function casePage(caseId) {
  setPage(caseId ? `Case ${caseId}` : 'Open a case', 'case');
  if (!canOpenCases()) { main.append(el('p', { text: 'Case pages are for officers, supervisors and inspectors.' })); ready(); return; }
  const form = el('form', { class: 'filters', 'aria-label': 'Open a case' });
  const idInput = el('input', { id: 'case-id', name: 'caseId', value: caseId ?? '', required: '' });
  const purpose = el('input', { id: 'case-purpose', name: 'purpose', size: '60', required: '', 'aria-describedby': 'case-purpose-help' });
  const err = el('p', { class: 'error', role: 'alert' });
  form.append(
    el('div', { class: 'field' }, el('label', { for: 'case-id', text: 'Case id' }), idInput),
    el('div', { class: 'field' }, el('label', { for: 'case-purpose', text: 'Purpose of opening this case' }), purpose,
      el('p', { id: 'case-purpose-help', text: 'Opening a case is recorded in the access log with this purpose.' })),
    el('p', {}, el('button', { type: 'submit', text: 'Open the case' })), err);
  const out = el('div', { id: 'case' });
  main.append(form, out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const id = idInput.value.trim();
    if (!id) { err.textContent = 'Give the case id.'; idInput.focus(); return; }
    if (!purpose.value.trim()) { err.textContent = 'State the purpose: it is recorded with the read.'; purpose.focus(); return; }
    try {
      const data = /** @type {CaseOverviewAnswer} */ (await api(`/cases/${encodeURIComponent(id)}/overview`, { purpose: purpose.value.trim() }));
      if (location.hash !== `#/case/${encodeURIComponent(id)}`) history.replaceState(null, '', `#/case/${encodeURIComponent(id)}`);
      renderCase(out, data);
      out.querySelector('h2')?.focus();
    } catch (e) { out.replaceChildren(); err.textContent = e instanceof ApiError && e.status === 404 ? `No case "${id}" in your scope.` : messageOf(e); }
  });
  ready();
  (caseId ? purpose : idInput).focus();
}

/** The lifecycle step each event of a device or third-party request is. @type {Partial<Record<TimelineEntry['event']['type'], string>>} */
const DEVICE_STEPS = {
  DeviceRequested: 'requested', DeviceRequestAgreed: 'agreed', DeviceRequestDeclined: 'declined', DeviceAgreementWithdrawn: 'agreement withdrawn',
  DeviceSeized: 'seized', ReplacementDeviceProvided: 'replacement', DeviceExtracted: 'extracted', DeviceExamined: 'examined', DeviceReturned: 'returned',
  ThirdPartyMaterialRequested: 'requested', ThirdPartyMaterialReceived: 'received', ConcernRaised: 'concern raised',
};

/** @param {HTMLElement} out @param {CaseOverviewAnswer} data */
function renderCase(out, data) {
  const { timeline, summary, integrity } = data;
  const h = el('h2', { tabindex: '-1', text: `Case ${data.caseId}` });
  const broken = integrity.firstBroken;
  const integ = el('p', { id: 'integrity', class: broken ? 'bad' : 'ok',
    text: broken ? `Integrity: BROKEN at position ${broken.position}: ${broken.problem}`
      : `Integrity: intact. ${integrity.events} events re-hashed and linked to the chain.` });

  // Flags that apply now.
  const f = summary?.facts;
  const flags = el('ul', { class: 'flags', id: 'case-flags' });
  /** @param {string} text */
  const add = (text) => flags.append(el('li', { text }));
  if (f) {
    if (f.withdrawn) add(`Withdrawn (${words(f.withdrawalReason)}), ${fmt(f.daysToWithdrawal)} days after the report`);
    if (f.withdrawalUnconfirmed) add('Withdrawal not confirmed with the victim');
    if (f.withdrawnBeforeIsvaEngaged) add('Withdrew before an ISVA engaged');
    if (f.withdrawnAfterVictimDeviceRequest) add('Withdrew after a victim device request');
    if (f.withdrawnWhileInterviewPending) add('Withdrew while waiting to rearrange an interview');
    if (f.closed) add(`Closed: outcome ${f.outcomeCode}${f.nfa ? ' (NFA)' : ''}`);
    if (f.closed && !f.withdrawn && (f.outcomeCode === 14 || f.outcomeCode === 16)) add('Outcome 14/16 with no recorded withdrawal');
    for (const k of FLAGS) if (f[k] > 0) add(`Victim device request flag: ${words(k)} (${f[k]})`);
    if (f.updateGapsOver28 > 0) add(`Victim update gaps over 28 days (closed intervals): ${f.updateGapsOver28}`);
    if (f.keyDecisions > f.keyDecisionsInformed) add(`Key decisions not communicated within 1 working day: ${f.keyDecisions - f.keyDecisionsInformed} of ${f.keyDecisions}`);
    if (f.recordedOver7DaysLate > 0) add(`Events recorded over 7 days late: ${f.recordedOver7DaysLate}`);
    if (f.tpCounsellingWithoutSeniorApproval > 0) add(`Counselling notes requested without senior approval: ${f.tpCounsellingWithoutSeniorApproval}`);
    if (f.tpVictimNotInformed > 0) add(`Third-party requests the victim was not told about: ${f.tpVictimNotInformed}`);
  }
  for (const w of summary?.worklists ?? []) if (w.due) add(`On the worklist: ${words(w.list)}${w.requestId ? ` (${w.requestId})` : ''}, since ${minute(w.since)}`);
  if (!flags.children.length) add('No flag applies now.');

  // Device and request lifecycles, one lane per requestId, in the order things happened.
  /** @type {Map<string, TimelineEntry[]>} */
  const lanes = new Map();
  for (const entry of timeline) {
    const rid = requestIdOf(entry.event);
    if (rid === null || !DEVICE_STEPS[entry.event.type]) continue;
    const lane = lanes.get(rid);
    if (lane) lane.push(entry); else lanes.set(rid, [entry]);
  }
  const laneBox = el('div', { class: 'lanes', id: 'case-lanes' });
  for (const [rid, entries] of lanes) {
    const steps = el('ol', { 'aria-label': `Lifecycle of ${rid}` });
    for (const { event: e, voided } of entries) {
      const extra = e.type === 'DeviceExtracted' && 'outcome' in e.data ? ` (${e.data.outcome})` : '';
      steps.append(el('li', { class: voided ? 'voided' : '', text: `${DEVICE_STEPS[e.type]}${extra} ${minute(e.occurredAt)}${voided ? ' (voided)' : ''}` }));
    }
    laneBox.append(el('div', { class: 'lane' }, el('strong', { text: `${rid} (${requesterOf(entries)})` }), steps));
  }
  if (!lanes.size) laneBox.append(el('p', { text: 'No device or third-party requests.' }));

  const list = el('ol', { class: 'timeline', id: 'case-timeline' });
  for (const entry of timeline) {
    const e = entry.event;
    const text = `${minute(e.occurredAt)} ${e.type}${Object.keys(e.data).length ? ` ${describeData(e)}` : ''}`;
    if (entry.voided) {
      list.append(el('li', { class: 'voided' }, el('del', { text }), el('span', { text: ` voided: ${entry.voided.reason}` })));
    } else list.append(el('li', { text }));
  }
  out.replaceChildren(h, integ, el('h3', { text: 'Flags that apply now' }), flags,
    el('h3', { text: 'Devices and requests' }), laneBox, el('h3', { text: 'Timeline (in the order things happened)' }), list);
}

/** The request an event is about (null: none). @param {TimelineEntry['event']} e */
const requestIdOf = (e) => ('requestId' in e.data && typeof e.data.requestId === 'string' ? e.data.requestId : null);

/** Whose device, or which third party, a lane's request is to. @param {TimelineEntry[]} entries */
function requesterOf(entries) {
  for (const { event: e } of entries) {
    if ('owner' in e.data && 'deviceType' in e.data) return `${e.data.owner} ${e.data.deviceType}`;
    if ('holder' in e.data) return `third party: ${e.data.holder}`;
  }
  return 'request not in view';
}

/** An event's data as "key: value" pairs (the victim by pseudonym). @param {TimelineEntry['event']} e */
function describeData(e) {
  /** @type {Record<string, unknown>} */
  const d = { ...e.data };
  if ('victim' in e.data) d.victim = e.data.victim.pseudonym;
  return Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`).join(', ');
}

// ---------------------------------------------------------------- router

const nav = byId('nav');
const who = byId('who');

async function render() {
  if (!session) {
    nav.hidden = true;
    who.textContent = '';
    live.textContent = '';
    const m = pendingMessage;
    pendingMessage = undefined;
    return signInPage(m);
  }
  nav.hidden = false;
  for (const a of nav.querySelectorAll('a')) {
    const page = a.dataset.page;
    const item = a.parentElement;
    if (item) item.hidden = (page === 'overview' && !canSeeViews()) || (page === 'worklists' && !canSeeWorklists()) || (page === 'case' && !canOpenCases());
  }
  who.textContent = `Signed in: ${session.role}${session.force ? ` (${session.force})` : ' (all forces)'}`;
  if (!pollTimer) poll();
  const hash = location.hash || '#/overview';
  const [, page, ...rest] = hash.split('/');
  if (page === 'worklists') return worklistsPage();
  if (page === 'case') return casePage(rest.length ? decodeURIComponent(rest.join('/')) : null);
  return overviewPage();
}

byId('sign-out').addEventListener('click', () => endSession('Signed out.'));
// A page reached by navigation takes the focus (keyboard and screen-reader users start at its heading).
window.addEventListener('hashchange', async () => { await render(); if (!main.contains(document.activeElement)) main.focus(); });
const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) { try { startSession(saved); } catch { sessionStorage.removeItem(TOKEN_KEY); } }
render();
