// Measures generated interchange lines the way shared/spec/views.md defines the figures, with plain code
// (deliberately independent of the generator's internals and of the views library): used by the
// calibration test and by throwaway tuning scripts. Whole ledger, asOf = after everything.
//
// Per case: voided events dropped, the rest taken in occurredAt order (ties: ledger order).

const DAY = 86_400_000;
const NFA = new Set([14, 15, 16, 17, 18, 20, 21]);

interface Line {
  eventId: string;
  caseId: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  data: Record<string, unknown>;
}

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** The instant at which a Europe/London calendar date starts (00:00 local). */
function londonMidnight(date: string): number {
  const utc = Date.parse(`${date}T00:00:00Z`);
  // London is UTC or UTC+1: midnight local is either utc or utc − 1 h
  const p = londonParts.formatToParts(new Date(utc - 3_600_000));
  const hour = Number(p.find((x) => x.type === 'hour')!.value);
  return hour === 0 ? utc - 3_600_000 : utc;
}

function dateDiffDays(a: string, b: string): number {
  return (Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / DAY;
}

export interface Figures {
  cases: number;
  events: number;
  bytes: number;
  eventsPerCase: number;
  bytesPerLine: number;
  recordedOver7DaysLate: number;
  voids: number;
  withdrawn: number;
  within7: number;
  within30: number;
  notEstablished: number;
  reasons: Record<string, number>;
  casesWithVictimDeviceRequest: number;
  victimDeviceRequests: number;
  agreed: number;
  declined: number;
  pending: number;
  flagged: number;
  flags: Record<string, number>;
  seized: number;
  returned: number;
  retentionMean: number;
  retentionMax: number;
  returnedWithin24h: number;
  examined: number;
  noRelevantMaterial: number;
  suspectDeviceRequests: number;
  thirdParty: { requests: number; counselling: number; counsellingWithoutSeniorApproval: number; victimNotInformed: number };
  closed: number;
  outcomes: Record<string, number>;
  nfaOutcome16WithoutWithdrawal: number;
  predictors: { a: number; b: number; c: number; d: number; oddsRatio: number };
  reopened: number;
  reengaged: number;
  secondWithdrawals: number;
  withdrawnWhileInterviewPending: number;
  isvaReferred: number;
  isvaEngaged: number;
  isvaEngagedAfter30Days: number;
  withdrawnBeforeIsvaEngaged: number;
  casesWithUpdateGapOver28Days: number;
}

/** Accumulates figures over lines given case by case (as the generator emits them). */
export class Measure {
  private f: Figures = {
    cases: 0, events: 0, bytes: 0, eventsPerCase: 0, bytesPerLine: 0, recordedOver7DaysLate: 0, voids: 0,
    withdrawn: 0, within7: 0, within30: 0, notEstablished: 0, reasons: {},
    casesWithVictimDeviceRequest: 0, victimDeviceRequests: 0, agreed: 0, declined: 0, pending: 0, flagged: 0,
    flags: {
      noLineOfEnquiry: 0, noAlternativesConsidered: 0, periodUnboundedOrBeyondWindow: 0, fullExtraction: 0, nonRecentNoContact: 0,
      requestedBeforeAccount: 0, repeatedAfterDecline: 0, notSupervisorAuthorised: 0, incompleteNotice: 0,
    },
    seized: 0, returned: 0, retentionMean: 0, retentionMax: 0, returnedWithin24h: 0, examined: 0, noRelevantMaterial: 0,
    suspectDeviceRequests: 0, thirdParty: { requests: 0, counselling: 0, counsellingWithoutSeniorApproval: 0, victimNotInformed: 0 },
    closed: 0, outcomes: {}, nfaOutcome16WithoutWithdrawal: 0, predictors: { a: 0, b: 0, c: 0, d: 0, oddsRatio: NaN },
    reopened: 0, reengaged: 0, secondWithdrawals: 0, withdrawnWhileInterviewPending: 0,
    isvaReferred: 0, isvaEngaged: 0, isvaEngagedAfter30Days: 0, withdrawnBeforeIsvaEngaged: 0, casesWithUpdateGapOver28Days: 0,
  };
  private retentionSum = 0;
  private current: Line[] = [];

  /** Adds one line (object, and optionally its JSON text length in bytes, for bytes/line). */
  add(line: Line, bytes = 0): void {
    if (this.current.length > 0 && this.current[0]!.caseId !== line.caseId) this.flush();
    this.current.push(line);
    this.f.events++;
    this.f.bytes += bytes;
    if (Date.parse(line.recordedAt) - Date.parse(line.occurredAt) > 7 * DAY) this.f.recordedOver7DaysLate++;
  }

  result(): Figures {
    this.flush();
    const f = this.f;
    f.eventsPerCase = f.events / f.cases;
    f.bytesPerLine = f.bytes / f.events;
    f.retentionMean = this.retentionSum / f.returned;
    const { a, b, c, d } = f.predictors;
    const k = a === 0 || b === 0 || c === 0 || d === 0 ? 0.5 : 0;
    f.predictors.oddsRatio = ((a + k) * (d + k)) / ((b + k) * (c + k));
    return f;
  }

  private flush(): void {
    const lines = this.current;
    if (lines.length === 0) return;
    this.current = [];
    const f = this.f;
    f.cases++;
    const voided = new Set<string>();
    for (const l of lines) if (l.type === 'EntryVoided') voided.add(l.data['eventId'] as string);
    f.voids += voided.size;
    const evs = lines
      .map((l, i) => ({ l, i, at: Date.parse(l.occurredAt) }))
      .filter((e) => !voided.has(e.l.eventId))
      .sort((x, y) => x.at - y.at || x.i - y.i);
    const report = evs.find((e) => e.l.type === 'CaseReported')!;
    const t0 = report.at;
    const rd = report.l.data as { offenceFrom: string; contactSinceOffence: boolean | null };

    // withdrawal in effect, closure in effect
    let withdrawal: (typeof evs)[number] | null = null;
    let closure: (typeof evs)[number] | null = null;
    let withdrawals = 0;
    for (const e of evs) {
      if (e.l.type === 'VictimWithdrew') {
        withdrawal = e;
        withdrawals++;
      } else if (e.l.type === 'VictimReengaged') {
        withdrawal = null;
        f.reengaged++;
      } else if (e.l.type === 'CaseClosed') closure = e;
      else if (e.l.type === 'CaseReopened') {
        closure = null;
        f.reopened++;
      }
    }
    if (withdrawals > 1) f.secondWithdrawals++;
    const firstIsvaEngaged = evs.find((e) => e.l.type === 'IsvaEngaged');
    if (evs.some((e) => e.l.type === 'IsvaReferred')) f.isvaReferred++;
    if (firstIsvaEngaged) {
      f.isvaEngaged++;
      if (firstIsvaEngaged.at - t0 > 30 * DAY) f.isvaEngagedAfter30Days++;
    }
    if (withdrawal) {
      f.withdrawn++;
      const d = (withdrawal.at - t0) / DAY;
      if (d <= 7) f.within7++;
      if (d <= 30) f.within30++;
      const reason = withdrawal.l.data['reason'] as string;
      f.reasons[reason] = (f.reasons[reason] ?? 0) + 1;
      if (reason === 'not_established') f.notEstablished++;
      if (!(firstIsvaEngaged && firstIsvaEngaged.at <= withdrawal.at)) f.withdrawnBeforeIsvaEngaged++;
      let lastInterview: (typeof evs)[number] | null = null;
      for (const e of evs) {
        if (e.at > withdrawal.at) break;
        if (e.l.type === 'InterviewScheduled' || e.l.type === 'InterviewHeld' || e.l.type === 'InterviewCancelled') lastInterview = e;
      }
      if (lastInterview && lastInterview.l.type === 'InterviewCancelled' && lastInterview.l.data['victimWishesToRearrange'] === true) f.withdrawnWhileInterviewPending++;
    }
    if (closure) {
      f.closed++;
      const code = closure.l.data['outcomeCode'] as number;
      f.outcomes[code] = (f.outcomes[code] ?? 0) + 1;
      if (code === 16 && !withdrawal) f.nfaOutcome16WithoutWithdrawal++;
      const nfa = NFA.has(code);
      const inc = evs.some((e) => e.l.type === 'AccountInconsistencyNoted');
      if (inc && nfa) f.predictors.a++;
      else if (inc) f.predictors.b++;
      else if (nfa) f.predictors.c++;
      else f.predictors.d++;
    }

    // updates: gaps over 28 days from report to the end (closure or, open, the last event: the generation's "now" is unknown here)
    const end = closure ? closure.at : Math.max(...evs.map((e) => e.at));
    let prev = t0;
    let gap = false;
    for (const e of evs) {
      if (e.at > end) break;
      if (e.l.type === 'VictimContactMade' && e.l.data['direction'] === 'to_victim' && (e.l.data['purpose'] === 'update' || e.l.data['purpose'] === 'decision')) {
        if (e.at - prev > 28 * DAY) gap = true;
        prev = e.at;
      }
    }
    if (end - prev > 28 * DAY) gap = true;
    if (gap) f.casesWithUpdateGapOver28Days++;

    // devices
    const victimRequests = evs.filter((e) => e.l.type === 'DeviceRequested' && e.l.data['owner'] === 'victim');
    const byRequest = new Map<string, (typeof evs)[number][]>();
    for (const e of evs) {
      const id = e.l.data['requestId'];
      if (typeof id === 'string' && e.l.type !== 'ConcernRaised') {
        let list = byRequest.get(id);
        if (!list) byRequest.set(id, (list = []));
        list.push(e);
      }
    }
    if (victimRequests.length > 0) f.casesWithVictimDeviceRequest++;
    const nonRecentNoContact = (t0 - londonMidnight(rd.offenceFrom)) / DAY > 365 && rd.contactSinceOffence === false;
    const declinedAt = (id: string): number => byRequest.get(id)!.find((e) => e.l.type === 'DeviceRequestDeclined')?.at ?? Infinity;
    for (const req of victimRequests) {
      f.victimDeviceRequests++;
      const d = req.l.data as { requestId: string; lineOfEnquiry: string; alternativesConsidered: string; dataCategories: string[]; periodFrom: string | null; periodTo: string | null; supervisorAuthorised: boolean };
      const events = byRequest.get(d.requestId)!;
      const agreedEv = events.find((e) => e.l.type === 'DeviceRequestAgreed');
      const declinedEv = events.find((e) => e.l.type === 'DeviceRequestDeclined');
      if (agreedEv) f.agreed++;
      else if (declinedEv) f.declined++;
      else f.pending++;
      const flags: string[] = [];
      if (d.lineOfEnquiry.trim() === '') flags.push('noLineOfEnquiry');
      if (d.alternativesConsidered.trim() === '') flags.push('noAlternativesConsidered');
      if (d.periodFrom === null || d.periodTo === null || dateDiffDays(rd.offenceFrom, d.periodFrom) > 30) flags.push('periodUnboundedOrBeyondWindow');
      if (d.dataCategories.includes('full_extraction')) flags.push('fullExtraction');
      if (nonRecentNoContact) flags.push('nonRecentNoContact');
      if (!evs.some((e) => e.l.type === 'InterviewHeld' && e.at < req.at)) flags.push('requestedBeforeAccount');
      if (victimRequests.some((o) => o !== req && declinedAt(o.l.data['requestId'] as string) < req.at)) flags.push('repeatedAfterDecline');
      if (!d.supervisorAuthorised) flags.push('notSupervisorAuthorised');
      if (agreedEv) {
        const n = agreedEv.l.data['notice'] as Record<string, boolean>;
        if (!n['informationSoughtStated'] || !n['reasonStated'] || !n['rightToRefuseStated'] || !n['refusalNotEndingCaseStated'] || n['signedBeforeCompleted']) flags.push('incompleteNotice');
      }
      for (const k of flags) f.flags[k]!++;
      if (flags.length > 0) f.flagged++;
      const seized = events.find((e) => e.l.type === 'DeviceSeized');
      const returned = events.find((e) => e.l.type === 'DeviceReturned');
      if (seized) f.seized++;
      if (seized && returned) {
        f.returned++;
        const days = (returned.at - seized.at) / DAY;
        this.retentionSum += days;
        if (days > f.retentionMax) f.retentionMax = days;
        if (days <= 1) f.returnedWithin24h++;
      }
      const examined = events.find((e) => e.l.type === 'DeviceExamined');
      if (examined) {
        f.examined++;
        if (examined.l.data['relevantMaterialFound'] === false) f.noRelevantMaterial++;
      }
    }
    for (const e of evs) {
      if (e.l.type === 'DeviceRequested' && e.l.data['owner'] === 'suspect') f.suspectDeviceRequests++;
      if (e.l.type === 'ThirdPartyMaterialRequested') {
        f.thirdParty.requests++;
        if (e.l.data['holder'] === 'counselling') {
          f.thirdParty.counselling++;
          if (e.l.data['seniorApproval'] === false) f.thirdParty.counsellingWithoutSeniorApproval++;
        }
        if (e.l.data['victimInformed'] === false) f.thirdParty.victimNotInformed++;
      }
    }
  }
}
