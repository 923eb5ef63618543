// Timeliness view (views.md): an aggregation of cohort cases' facts. The two figures measured up
// to asOf (devices still held, an open case's last update gap) are finished here.
import type { CaseFacts } from '../case-digest/case-facts.js';
import { MS_PER_DAY } from '../domain/calendar.js';
import { maxOfSorted, meanOfSorted, medianInPlace, medianOfSorted, p90OfSorted, Samples } from '../domain/stats.js';

export interface TimelinessView {
  victimDevices: {
    seized: number; returned: number; stillHeld: number;
    retentionDays: { mean: number | null; median: number | null; p90: number | null; max: number | null };
    returnedWithin24h: number; replacedWithin24h: number; heldOver24hWithoutReplacement: number;
    extractionFailed: number; awaitingExamination: number; extractionToExaminationDays: { median: number | null };
  };
  victimUpdates: { casesWithGapOver28Days: number; gapsOver28Days: number };
  keyDecisions: { total: number; victimInformedWithin1WorkingDay: number };
  isva: { referred: number; referredWithin2WorkingDays: number; engaged: number; daysToEngagement: { median: number | null } };
  recording: { events: number; recordedOver7DaysLate: number };
  daysToOutcome: { median: number | null };
}

export function aggregateTimeliness(facts: readonly CaseFacts[], asOfMs: number): TimelinessView {
  let seized = 0, returned = 0, returnedWithin24h = 0, replacedWithin24h = 0, heldOver24h = 0;
  let extractionFailed = 0, awaitingExamination = 0;
  let casesWithGap = 0, gaps = 0, decisions = 0, informed = 0;
  let referred = 0, referredInTime = 0, engaged = 0, events = 0, late = 0;
  const retention = new Samples(), extractionToExamination = new Samples();
  const toEngagement = new Samples(facts.length), toOutcome = new Samples(facts.length);

  for (let k = 0; k < facts.length; k++) {
    const f = facts[k]!;
    seized += f.vdSeized;
    returned += f.vdReturned;
    returnedWithin24h += f.vdReturnedWithin24h;
    replacedWithin24h += f.vdReplacedWithin24h;
    heldOver24h += f.vdHeldOver24hReturned;
    const held = f.vdHeldUnreturnedSeizedMs;
    for (let j = 0; j < held.length; j++) if ((asOfMs - held[j]!) / MS_PER_DAY > 1) heldOver24h++;
    extractionFailed += f.vdExtractionFailed;
    awaitingExamination += f.vdAwaitingExamination;
    const r = f.vdRetentionDays;
    for (let j = 0; j < r.length; j++) retention.push(r[j]!);
    const x = f.vdExtractionToExaminationDays;
    for (let j = 0; j < x.length; j++) extractionToExamination.push(x[j]!);

    let caseGaps = f.updateGapsOver28;
    if (f.updateOpenSinceMs !== null && (asOfMs - f.updateOpenSinceMs) / MS_PER_DAY > 28) caseGaps++;
    if (caseGaps > 0) { casesWithGap++; gaps += caseGaps; }

    decisions += f.keyDecisions;
    informed += f.keyDecisionsInformed;
    if (f.isvaReferred) { referred++; if (f.isvaReferredWithin2WorkingDays) referredInTime++; }
    if (f.isvaEngaged) { engaged++; toEngagement.push(f.daysToIsvaEngagement!); }
    events += f.recordedEvents;
    late += f.recordedOver7DaysLate;
    if (f.closed) toOutcome.push(f.daysToOutcome!);
  }

  const retentionSorted = retention.values().sort(); // mean needs ascending order (see stats.ts)
  return {
    victimDevices: {
      seized,
      returned,
      stillHeld: seized - returned,
      retentionDays: {
        mean: meanOfSorted(retentionSorted), median: medianOfSorted(retentionSorted),
        p90: p90OfSorted(retentionSorted), max: maxOfSorted(retentionSorted),
      },
      returnedWithin24h,
      replacedWithin24h,
      heldOver24hWithoutReplacement: heldOver24h,
      extractionFailed,
      awaitingExamination,
      extractionToExaminationDays: { median: medianInPlace(extractionToExamination.values()) },
    },
    victimUpdates: { casesWithGapOver28Days: casesWithGap, gapsOver28Days: gaps },
    keyDecisions: { total: decisions, victimInformedWithin1WorkingDay: informed },
    isva: {
      referred, referredWithin2WorkingDays: referredInTime, engaged,
      daysToEngagement: { median: medianInPlace(toEngagement.values()) },
    },
    recording: { events, recordedOver7DaysLate: late },
    daysToOutcome: { median: medianInPlace(toOutcome.values()) },
  };
}
