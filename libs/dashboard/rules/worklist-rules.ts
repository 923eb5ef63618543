// The supervisors' worklists (docs/worklists.md): pure rules over one case digest. A case's
// candidates are computed once from its events in view (views.md common rules: recorded, not
// voided, occurredAt order) and carry the instant after which they are due, so a list "now" is a
// filter on `dueMs < now` with no re-fold when only the clock moves.
import { CONTACT, T, type CaseDigest, type DeviceRequestPayload, type DigestEntry, type ReportPayload, type WithdrawalPayload } from '../../views/case-digest/case-digest.js';
import { eventsInView } from '../../views/case-digest/case-facts.js';
import { londonDay, londonEndOfDayMs, MS_PER_DAY, nthWorkingDayAfter } from '../../views/domain/calendar.js';
import { compareByCodePoint } from '../../views/query.js';

export const WORKLISTS = [
  'devices-held-over-24h',
  'extractions-awaiting-examination',
  'no-update-over-28-days',
  'decisions-not-communicated',
  'withdrawals-unconfirmed',
  'outcome-14-16-without-withdrawal',
  'interviews-to-rearrange',
] as const;
export type WorklistName = (typeof WORKLISTS)[number];

/** Titles and one-line definitions (the full ones: docs/worklists.md). */
export const WORKLIST_INFO: Readonly<Record<WorklistName, { title: string; definition: string }>> = {
  'devices-held-over-24h': {
    title: 'Victims\' devices held over 24 hours with no replacement',
    definition: 'A victim device seized, not returned, with no ReplacementDeviceProvided, seized more than 1 day ago.',
  },
  'extractions-awaiting-examination': {
    title: 'Extractions awaiting examination (oldest first)',
    definition: 'A victim device with a complete DeviceExtracted and no DeviceExamined; since the first complete extraction.',
  },
  'no-update-over-28-days': {
    title: 'Open cases with no update for more than 28 days',
    definition: 'Not closed, and more than 28 days since the last to_victim update or decision contact (or the report, if none).',
  },
  'decisions-not-communicated': {
    title: 'Key decisions not communicated after one working day',
    definition: 'A KeyDecisionMade with no to_victim decision contact at or after it, past the end of the first working day after its day.',
  },
  'withdrawals-unconfirmed': {
    title: 'Withdrawals not confirmed with the victim',
    definition: 'The withdrawal in effect has confirmedWithVictim false.',
  },
  'outcome-14-16-without-withdrawal': {
    title: 'Outcome 14/16 with no recorded withdrawal',
    definition: 'Closed with outcome code 14 or 16 and no withdrawal in effect.',
  },
  'interviews-to-rearrange': {
    title: 'Victims waiting to rearrange an interview',
    definition: 'Not closed, and the last interview event is an InterviewCancelled with victimWishesToRearrange true.',
  },
};

/** One entry a case may put on a worklist. */
export interface WorklistCandidate {
  list: WorklistName;
  /** The instant the waiting is measured from (the list's sort key: oldest first). */
  sinceMs: number;
  /** On the list once now is strictly after this instant (−Infinity: as soon as it exists). */
  dueMs: number;
  /** The device request it is about, for device lists. */
  requestId?: string;
}

/** A case's place in the worklists: its scope and its candidates (possibly none). */
export interface CaseWorklistEntry {
  caseId: string;
  force: string;
  borough: string;
  team: string;
  reportedAtMs: number;
  candidates: WorklistCandidate[];
}

const NOW_ANY = Number.NEGATIVE_INFINITY;

interface DeviceState {
  victim: boolean;
  seizedMs: number | null;
  returned: boolean;
  replaced: boolean;
  firstCompleteExtractionMs: number | null;
  examined: boolean;
}

/**
 * The case's worklist candidates from every event recorded (at `asOfMs`, default: all of them), or
 * null when its CaseReported is not in view.
 */
export function worklistEntry(digest: CaseDigest, asOfMs = Number.POSITIVE_INFINITY): CaseWorklistEntry | null {
  const live = eventsInView(digest, asOfMs);
  const report = live.find((e) => e.t === T.CaseReported);
  if (report === undefined) return null;
  const r = report.d as ReportPayload;

  let lastWithdrawal: DigestEntry | null = null;
  let lastClosure: DigestEntry | null = null;
  let lastInterview: DigestEntry | null = null;
  let lastUpdateMs = report.o;
  const decisions: number[] = [];
  const decisionContacts: number[] = [];
  const devices = new Map<number, DeviceState>();
  const device = (q: number): DeviceState => {
    let d = devices.get(q);
    if (d === undefined) devices.set(q, d = { victim: false, seizedMs: null, returned: false, replaced: false, firstCompleteExtractionMs: null, examined: false });
    return d;
  };

  for (const e of live) {
    switch (e.t) {
      case T.VictimWithdrew: case T.VictimReengaged: lastWithdrawal = e; break;
      case T.CaseClosed: case T.CaseReopened: lastClosure = e; break;
      case T.InterviewScheduled: case T.InterviewHeld: case T.InterviewCancelled: lastInterview = e; break;
      case T.KeyDecisionMade: decisions.push(e.o); break;
      case T.VictimContactMade:
        if (e.d === CONTACT.updateToVictim || e.d === CONTACT.decisionToVictim) lastUpdateMs = Math.max(lastUpdateMs, e.o);
        if (e.d === CONTACT.decisionToVictim) decisionContacts.push(e.o);
        break;
      case T.DeviceRequested: device((e.d as DeviceRequestPayload).q).victim = (e.d as DeviceRequestPayload).w === 'victim'; break;
      case T.DeviceSeized: { const d = device(e.d as number); d.seizedMs ??= e.o; break; }
      case T.DeviceReturned: device(e.d as number).returned = true; break;
      case T.ReplacementDeviceProvided: device(e.d as number).replaced = true; break;
      case T.DeviceExtracted: {
        const x = e.d as { q: number; ok: boolean };
        if (x.ok) device(x.q).firstCompleteExtractionMs ??= e.o;
        break;
      }
      case T.DeviceExamined: device((e.d as { q: number }).q).examined = true; break;
      default: break;
    }
  }

  const candidates: WorklistCandidate[] = [];
  const closed = lastClosure !== null && lastClosure.t === T.CaseClosed;
  const withdrawal = lastWithdrawal !== null && lastWithdrawal.t === T.VictimWithdrew ? lastWithdrawal : null;

  for (const [q, d] of [...devices].sort((a, b) => a[0] - b[0])) {
    if (!d.victim) continue;
    const requestId = digest.q[q] ?? String(q);
    if (d.seizedMs !== null && !d.returned && !d.replaced) {
      candidates.push({ list: 'devices-held-over-24h', sinceMs: d.seizedMs, dueMs: d.seizedMs + MS_PER_DAY, requestId });
    }
    if (d.firstCompleteExtractionMs !== null && !d.examined) {
      candidates.push({ list: 'extractions-awaiting-examination', sinceMs: d.firstCompleteExtractionMs, dueMs: NOW_ANY, requestId });
    }
  }
  if (!closed) candidates.push({ list: 'no-update-over-28-days', sinceMs: lastUpdateMs, dueMs: lastUpdateMs + 28 * MS_PER_DAY });
  for (const t of decisions) {
    if (decisionContacts.some((c) => c >= t)) continue;
    candidates.push({ list: 'decisions-not-communicated', sinceMs: t, dueMs: londonEndOfDayMs(nthWorkingDayAfter(londonDay(t), 1)) });
  }
  if (withdrawal !== null && !(withdrawal.d as WithdrawalPayload).cv) {
    candidates.push({ list: 'withdrawals-unconfirmed', sinceMs: withdrawal.o, dueMs: NOW_ANY });
  }
  if (closed && withdrawal === null && (lastClosure!.d === 14 || lastClosure!.d === 16)) {
    candidates.push({ list: 'outcome-14-16-without-withdrawal', sinceMs: lastClosure!.o, dueMs: NOW_ANY });
  }
  if (!closed && lastInterview !== null && lastInterview.t === T.InterviewCancelled && lastInterview.d === 1) {
    candidates.push({ list: 'interviews-to-rearrange', sinceMs: lastInterview.o, dueMs: NOW_ANY });
  }
  return { caseId: digest.caseId, force: r.force, borough: r.borough, team: r.team, reportedAtMs: report.o, candidates };
}

/** Whether a candidate is on its list at `nowMs`. */
export const isDue = (c: WorklistCandidate, nowMs: number): boolean => nowMs > c.dueMs;

export interface WorklistScope { force: string | null; borough: string | null; team: string | null }

export interface WorklistRow {
  caseId: string;
  force: string;
  borough: string;
  team: string;
  /** ISO instant the waiting is measured from. */
  since: string;
  /** days(since, now): elapsed time over 24 h. */
  days: number;
  requestId?: string;
}

const inScope = (e: CaseWorklistEntry, s: WorklistScope): boolean =>
  (s.force === null || e.force === s.force) && (s.borough === null || e.borough === s.borough) && (s.team === null || e.team === s.team);

/** One worklist at `nowMs` over the cases in scope: oldest first (ties: case id, then request id, by code point). */
export function worklistRows(entries: Iterable<CaseWorklistEntry>, list: WorklistName, scope: WorklistScope, nowMs: number): WorklistRow[] {
  const hits: { e: CaseWorklistEntry; c: WorklistCandidate }[] = [];
  for (const e of entries) {
    if (e.candidates.length === 0 || !inScope(e, scope)) continue;
    for (const c of e.candidates) if (c.list === list && isDue(c, nowMs)) hits.push({ e, c });
  }
  hits.sort((a, b) => a.c.sinceMs - b.c.sinceMs || compareByCodePoint(a.e.caseId, b.e.caseId) || compareByCodePoint(a.c.requestId ?? '', b.c.requestId ?? ''));
  return hits.map(({ e, c }) => ({
    caseId: e.caseId, force: e.force, borough: e.borough, team: e.team,
    since: new Date(c.sinceMs).toISOString(), days: (nowMs - c.sinceMs) / MS_PER_DAY,
    ...(c.requestId !== undefined ? { requestId: c.requestId } : {}),
  }));
}

/** How many rows each worklist has at `nowMs` over the cases in scope. */
export function worklistCounts(entries: Iterable<CaseWorklistEntry>, scope: WorklistScope, nowMs: number): Record<WorklistName, number> {
  const counts = Object.fromEntries(WORKLISTS.map((n) => [n, 0])) as Record<WorklistName, number>;
  for (const e of entries) {
    if (e.candidates.length === 0 || !inScope(e, scope)) continue;
    for (const c of e.candidates) if (isDue(c, nowMs)) counts[c.list]++;
  }
  return counts;
}
