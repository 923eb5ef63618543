// One synthetic case history: a small forward simulation of what happens to a rape report, shaped by the
// seed document (see calibration.ts) and valid by construction against every order rule of events.md.
//
// How validity is kept (the ledger judges each event, in ledger = recordedAt order, against the case's
// earlier-recorded events taken in occurredAt order):
// 1. Each process (an interview, a device request, the withdrawal/re-engagement story, closures and
//    reopenings) is written as a chain of events at strictly increasing instants, and a chain stops at
//    the first step it cannot take (the case closed, `until` reached, the victim withdrew): a prefix of a
//    valid chain is valid. Only the types the rules allow after `CaseClosed` are written in a closed span.
// 2. Recording: events are taken in occurredAt order and recorded a little later, never earlier than the
//    previous one ("the chain": ledger order = occurredAt order). A few events with no dependants
//    ("leaves": contacts, notes, a last withdrawal, an examination, a return, a closure with no reopening…)
//    are instead recorded 7–45 days late; they land in the ledger after later events, which is allowed
//    because nothing recorded before them depends on them and their prerequisites were recorded earlier.
// 3. Corrections: an `EntryVoided` only ever names a leaf (so voiding it breaks nothing) recorded in the
//    chain, and comes after it; the corrected entry is written again (new eventId, same occurredAt)
//    after the void.
import type { Actor, EventType } from '../case-ledger/domain/vocabulary.js';
import { Rng } from './prng.js';
import {
  ALTERNATIVES, FORCES, LINES_OF_ENQUIRY, OUTCOME_RATIONALES, PSEUDONYM_ALPHABET, REOPEN_REASONS,
  THIRD_PARTY_LINES, VAGUE_LINES_OF_ENQUIRY, VOID_REASONS, teamName, type ForceInfo,
} from './reference-data.js';
import { DAY, HOUR, MINUTE, formatDay, formatLondon, formatUtc, londonDay, londonOffset } from './time.js';

/** One line of the interchange format, keys in the format's order (`actor` only when present). */
export interface GeneratedLine {
  eventId: string;
  caseId: string;
  type: EventType;
  occurredAt: string;
  recordedAt: string;
  actor?: Actor;
  data: Record<string, unknown>;
}

/**
 * The model's knobs. Tuned so that the figures of CALIBRATION come out of the generated events (the
 * latent probabilities here are higher than the targets where later steps thin them out: a request
 * needs time before the victim withdraws, a withdrawal needs to happen before `until`, …).
 */
export const MODEL = {
  withdraw: 0.73,               // first episode: the victim withdraws at some point
  rearrangeScenario: 0.07,      // of those: a VRI cancelled by the victim to rearrange, then recorded as a withdrawal
  reengage: 0.085,              // a withdrawal followed by re-engagement
  secondWithdrawal: 0.35,       // a re-engagement followed by a second withdrawal
  withdrawalDelay: [           // days from report to a first withdrawal: [weight, lo, hi, log-uniform?]
    [0.40, 0.08, 7, true],
    [0.19, 7, 30, false],
    [0.26, 30, 120, true],
    [0.15, 120, 700, true],
  ] as const,
  notEstablished: 0.165,        // reason not_established (the rearrange scenario adds its own)
  victimDeviceRequest: 0.39,    // a victim device request is planned (thinned by timing)
  earlyRequest: 0.14,           // of those: before the victim's account (VRI) was given
  disproportionate: 0.145,      // a request after the account being disproportionate in its content
  respond: [0.53, 0.34, 0.13] as const, // agreed, declined, never answered
  repeatAfterDecline: 0.22,
  retentionMedianDays: 72,      // log-normal body of victim device retention
  retentionSigma: 0.95,
  returnedWithin24h: 0.06,
  neverReturned: 0.015,
  relevantMaterial: 0.555,      // examined phones with relevant material (11 of 25 held none)
  inconsistency: 0.45,          // noted, given time after the account
  nonNfaWithoutInconsistency: 0.34, // closed without withdrawal: charged or another non-NFA outcome
  nonNfaWithInconsistency: 0.0115, // the same with an account inconsistency noted: odds ratio of NFA about 12
  lateRecording: 0.045,         // share of leaf events recorded more than 7 days late
  voidCase: 0.045,              // cases with an EntryVoided correction
  updateGapMedianDays: 13,      // per-case typical gap between victim updates
} as const;

interface Ev {
  t: number;
  seq: number;
  type: EventType;
  data: Record<string, unknown>;
  actor: Actor | undefined;
  /** No event depends on it: it may be recorded late, voided, corrected. */
  leaf: boolean;
  rec: number;
  late: boolean;
  /** Chance of being recorded late, when a leaf (default MODEL.lateRecording). */
  lateP?: number;
  /** Set when another event must name it (EntryVoided). */
  id?: string;
}

const NFA = new Set([14, 15, 16, 17, 18, 20, 21]);

const OFFENCE_W = [['rape', 0.72], ['attempted_rape', 0.06], ['assault_by_penetration', 0.14], ['other_sexual_offence', 0.08]] as const;
const RELATIONSHIP_W = [
  ['stranger', 0.14], ['acquaintance', 0.3], ['partner', 0.12], ['ex_partner', 0.14], ['family', 0.07],
  ['online_contact', 0.1], ['other', 0.05], ['unknown', 0.08],
] as const;
const RELATIONSHIP_NON_RECENT_W = [
  ['stranger', 0.08], ['acquaintance', 0.22], ['partner', 0.08], ['ex_partner', 0.2], ['family', 0.3],
  ['online_contact', 0.02], ['other', 0.06], ['unknown', 0.04],
] as const;
const AGE_W = [['under_18', 0.12], ['18_24', 0.33], ['25_34', 0.27], ['35_44', 0.14], ['45_54', 0.07], ['55_plus', 0.03], ['unknown', 0.04]] as const;
const REASON_W = [
  ['lost_confidence_in_police', 0.14], ['device_or_records_request', 0.05], ['process_length_or_complexity', 0.14],
  ['fear_of_court_process', 0.1], ['fear_of_suspect_or_reprisal', 0.08], ['pressure_from_others', 0.06],
  ['health_or_wellbeing', 0.13], ['wants_to_move_on', 0.14], ['did_not_want_prosecution', 0.12], ['other', 0.04],
] as const;
const HOLDER_W = [['medical', 0.35], ['counselling', 0.25], ['social_services', 0.2], ['education', 0.1], ['other', 0.1]] as const;
const CATEGORIES = ['messages', 'call_logs', 'photos', 'location', 'social_media', 'app_data'] as const;
const UPDATE_CHANNEL_W = [['phone', 0.42], ['email', 0.2], ['text', 0.22], ['in_person', 0.06], ['letter', 0.04], ['via_isva', 0.06]] as const;
const FROM_VICTIM_CHANNEL_W = [['phone', 0.45], ['email', 0.25], ['text', 0.2], ['via_isva', 0.1]] as const;
const NATURE_W = [['timeline', 0.35], ['detail', 0.3], ['omission', 0.25], ['other', 0.1]] as const;
const NFA_SUSPECT_W = [[15, 0.66], [21, 0.09], [20, 0.06], [14, 0.04], [16, 0.09], [17, 0.0]] as const;
const NFA_NO_SUSPECT_W = [[18, 0.6], [15, 0.15], [14, 0.1], [21, 0.1], [20, 0.05]] as const;
const OTHER_NON_NFA = [9, 10, 12, 13, 22] as const;
/** Types the order rules allow while a case is closed. */
const ALLOWED_CLOSED: ReadonlySet<EventType> = new Set<EventType>([
  'CaseReopened', 'ConcernRaised', 'ReviewRequested', 'ReviewDecided', 'VictimContactMade', 'DeviceReturned', 'EntryVoided',
]);

const minute = (t: number): number => Math.ceil(t / MINUTE) * MINUTE;
const quarterHour = (t: number): number => Math.ceil(t / (15 * MINUTE)) * 15 * MINUTE;

interface Span { start: number; end: number; closedAt: number }

export interface CaseContext {
  readonly seedHash: readonly [number, number, number, number];
  readonly from: number;
  readonly until: number;
}

/** Generates case number `index` (0-based) of a run. */
export function simulateCase(ctx: CaseContext, index: number): GeneratedLine[] {
  return new CaseSim(Rng.forCase(ctx.seedHash, index), index, ctx.from, ctx.until).run();
}

class CaseSim {
  private readonly evs: Ev[] = [];
  private seq = 0;
  private readonly force: ForceInfo;
  private readonly caseId: string;
  private readonly t0: number;
  private readonly fmt: (ms: number) => string;

  // case facts
  private offenceFromDay = 0;
  private offenceToDay = -1;
  private reportDay = 0;
  private nonRecentNoContact = false;
  private offence = 'rape';
  private additionalNeeds = false;
  private phoneDependent = false;
  private suspectAt = Infinity;
  private suspectKnown = false;
  private isvaService = '';
  private isvaEngagedAt = Infinity;

  // people (pseudonymous codes)
  private soit: Actor;
  private oic: Actor;
  private readonly supervisor: Actor;
  private readonly analyst: Actor;
  private readonly isva: Actor;
  private readonly cps: Actor;
  private readonly system: Actor;

  // state of the story
  private interviewN = 0;
  private requestN = 0;
  private tpmN = 0;
  private heldAt = Infinity; // first InterviewHeld
  private interviewPendingRearrange = false;
  private inconsistencyAt = Infinity;
  private arrested = false;
  private victimRequestPlanned = false;
  private victimRequestDone = false;
  private victimRequestAt = Infinity;
  private tpmPlanned = false;
  private readonly spans: Span[] = [];
  private withdrawnInEffect = false;
  private statementPlanned = false;

  constructor(private readonly rng: Rng, private readonly index: number, from: number, private readonly until: number) {
    const r = rng;
    this.force = r.weighted(FORCES.map((f) => [f, f.weight] as const));
    this.fmt = this.force.localTime ? formatLondon : formatUtc;
    this.t0 = minute(from + r.float() * (until - from - 2 * MINUTE));
    const year = new Date(this.t0 + londonOffset(this.t0)).getUTCFullYear();
    this.caseId = `${this.force.code}-${year}-${String(index + 1).padStart(6, '0')}`;
    const n4 = (): number => r.int(100000, 999999);
    this.soit = { id: `dc-${n4()}`, role: 'soit' };
    this.oic = { id: r.chance(0.6) ? `ds-${n4()}` : `dc-${n4()}`, role: 'oic' };
    this.supervisor = { id: r.chance(0.7) ? `di-${n4()}` : `ds-${n4()}`, role: 'supervisor' };
    this.analyst = { id: `dfu-${r.int(100, 999)}`, role: 'analyst' };
    this.isva = { id: `isva-${r.int(10, 99)}`, role: 'isva' };
    this.cps = { id: `cps-${r.int(100, 999)}`, role: 'cps' };
    this.system = { id: this.force.code === 'MPS' ? 'mps-connect' : `${this.force.code.toLowerCase()}-rms`, role: 'system' };
  }

  // -------------------------------------------------------------------------------------------
  // plumbing
  // -------------------------------------------------------------------------------------------

  /** Adds an event at t (minute-aligned by callers); null when t is at or after `until` (the chain stops). */
  private add(type: EventType, t: number, data: Record<string, unknown>, actor: Actor | undefined, leaf: boolean): Ev | null {
    if (t >= this.until) return null;
    const e: Ev = { t, seq: this.seq++, type, data, actor, leaf, rec: 0, late: false };
    this.evs.push(e);
    return e;
  }

  /** Most events name who recorded them; a few come from imports without an actor. */
  private who(a: Actor): Actor | undefined {
    return this.rng.chance(0.97) ? a : undefined;
  }

  /** A minute-aligned instant after t during working hours (08:00–19:00 Europe/London). */
  private workAfter(t: number): number {
    const off = londonOffset(t);
    const local = t + off;
    const dayStart = Math.floor(local / DAY) * DAY;
    const h = (local - dayStart) / HOUR;
    if (h >= 8 && h < 18.5) return minute(t + this.rng.range(1, 40) * MINUTE);
    const next = (h < 8 ? dayStart : dayStart + DAY) + 8 * HOUR + this.rng.range(0, 180) * MINUTE;
    return minute(next - off);
  }

  private days(lo: number, hi: number): number {
    return this.rng.range(lo, hi) * DAY;
  }

  private logDays(lo: number, hi: number): number {
    return this.rng.logRange(lo, hi) * DAY;
  }

  private contact(t: number, direction: 'to_victim' | 'from_victim', channel: string, purpose: string, actor?: Actor): Ev | null {
    const a = actor ?? (channel === 'via_isva' ? this.isva : this.rng.chance(0.55) ? this.oic : this.soit);
    return this.add('VictimContactMade', t, { direction, channel, purpose }, this.who(a), true);
  }

  private closedAt(t: number): boolean {
    for (const s of this.spans) if (t >= s.closedAt && t < s.end) return true;
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // the story
  // -------------------------------------------------------------------------------------------

  run(): GeneratedLine[] {
    this.report();
    const reopen = this.episode(this.t0, 'first');
    if (reopen !== null) this.episode(reopen.at, reopen.kind);
    this.contactsAndConcerns();
    this.record();
    this.corrections();
    return this.lines();
  }

  private report(): void {
    const r = this.rng;
    const f = this.force;
    const area = r.pick(f.areas);
    const team = teamName(area, f.teamKind, r.int(1, f.teams));
    const t0 = this.t0;
    this.reportDay = londonDay(t0);
    const nonRecent = r.chance(0.15);
    let delta: number; // days between offence and report
    if (nonRecent) delta = r.logRange(400, 12000);
    else delta = r.chance(0.6) ? r.range(0.02, 2) : r.logRange(2, 300);
    this.offenceFromDay = Math.min(this.reportDay, londonDay(t0 - delta * DAY));
    if (nonRecent ? r.chance(0.5) : r.chance(0.08)) {
      this.offenceToDay = Math.min(this.reportDay, this.offenceFromDay + Math.round(r.logRange(1, nonRecent ? 3000 : 60)));
    }
    this.offence = r.weighted(OFFENCE_W);
    const relationship = r.weighted(nonRecent ? RELATIONSHIP_NON_RECENT_W : RELATIONSHIP_W);
    let contact: boolean | null;
    if (r.chance(0.08)) contact = null;
    else if (relationship === 'stranger' || relationship === 'unknown') contact = r.chance(0.08);
    else if (relationship === 'partner') contact = r.chance(0.85);
    else if (nonRecent) contact = r.chance(0.3);
    else contact = r.chance(0.5);
    this.nonRecentNoContact = nonRecent && contact === false;
    let ageBand: string = r.weighted(AGE_W);
    if (nonRecent && ageBand === 'under_18' && delta > 5000) ageBand = '25_34';
    this.additionalNeeds = r.chance(0.17);
    this.phoneDependent = r.chance(0.05);
    const yy = String(new Date(t0).getUTCFullYear()).slice(2);
    const crimeReference = f.crimeRef === 'cris'
      ? `CR-${r.int(1000, 399999)}/${yy}`
      : `${f.code}/${yy}/${String(r.int(1, 99999)).padStart(6, '0')}`;
    const suspectP = relationship === 'stranger' ? 0.4 : relationship === 'unknown' ? 0.5 : relationship === 'online_contact' ? 0.75 : 0.95;
    if (r.chance(suspectP)) this.suspectAt = minute(t0 + r.logRange(0.02, 25) * DAY);
    this.isvaService = r.pick(f.isvaServices);
    this.add('CaseReported', t0, {
      crimeReference, force: f.name, borough: area, team, offence: this.offence,
      offenceFrom: formatDay(this.offenceFromDay), offenceTo: this.offenceToDay >= 0 ? formatDay(this.offenceToDay) : null,
      relationship, contactSinceOffence: contact,
      victim: { pseudonym: `V-${r.code(PSEUDONYM_ALPHABET, 4)}`, ageBand, additionalNeeds: this.additionalNeeds, phoneDependentLivelihood: this.phoneDependent },
    }, this.who(r.chance(0.3) ? this.system : this.soit), false);
  }

  /** Officers allocated at the start; the ISVA referral (engagement comes later, often after 30 days). */
  private firstSteps(closeBy: number): void {
    const r = this.rng;
    const t0 = this.t0;
    const assign = (t: number, officer: Actor, informed: number, by: Actor): void => {
      if (t < closeBy) this.add('OfficerAssigned', t, { officerId: officer.id, role: officer.role, victimInformed: r.chance(informed) }, this.who(by), true);
    };
    assign(minute(t0 + r.range(10, 180) * MINUTE), this.soit, 0.93, this.supervisor);
    assign(minute(t0 + r.logRange(1, 72) * HOUR), this.oic, 0.85, this.supervisor);
    if (r.chance(0.3)) assign(minute(t0 + r.logRange(2, 240) * HOUR), this.supervisor, 0.4, this.system);
    // welfare calls by the SOIT in the first days
    let t = t0;
    for (let i = r.int(2, 4); i > 0; i--) {
      t = this.workAfter(t + this.days(0.3, 4));
      this.contact(t, 'to_victim', r.chance(0.8) ? 'phone' : 'in_person', 'welfare', this.soit);
    }
  }

  /** Days from report to a first withdrawal. */
  private withdrawalDelayDays(): number {
    const r = this.rng;
    const seg = r.weighted(MODEL.withdrawalDelay.map((s) => [s, s[0]] as const));
    return seg[3] ? r.logRange(seg[1], seg[2]) : r.range(seg[1], seg[2]);
  }

  private closeDelay(): number {
    return Math.min(180, Math.max(0.1, this.rng.logNormal(9, 1.0))) * DAY;
  }

  private investigationLength(): number {
    return Math.min(1000, Math.max(25, this.rng.logNormal(230, 0.55))) * DAY;
  }

  /**
   * One episode: from the report (or a reopening) to a closure (or `until`). Returns the reopening that
   * follows its closure, if any.
   */
  private episode(start: number, kind: 'first' | 'review' | 'reengaged' | 'evidence'): { at: number; kind: 'review' | 'reengaged' | 'evidence' } | null {
    const r = this.rng;
    const span: Span = { start, end: Infinity, closedAt: Infinity };
    this.spans.push(span);
    if (kind !== 'first') {
      const reopen = this.add('CaseReopened', start, { reason: r.pick(REOPEN_REASONS[kind]) }, this.who(this.supervisor), false);
      if (reopen === null) return null;
      if (kind === 'reengaged') {
        this.add('VictimReengaged', minute(start + r.range(5, 120) * MINUTE), {}, this.who(this.oic), false);
        this.withdrawnInEffect = false;
      }
      if (r.chance(0.5)) {
        this.oic = { id: `ds-${r.int(100000, 999999)}`, role: 'oic' };
        this.add('OfficerAssigned', minute(start + r.logRange(1, 96) * HOUR), { officerId: this.oic.id, role: 'oic', victimInformed: r.chance(0.7) }, this.who(this.supervisor), true);
      }
      this.statementPlanned = kind === 'reengaged' || r.chance(0.3);
      this.interviewPendingRearrange = false;
    } else {
      this.victimRequestPlanned = r.chance(MODEL.victimDeviceRequest);
      this.tpmPlanned = r.chance(0.22);
      this.statementPlanned = r.chance(0.12);
    }
    const withdraws = kind === 'first' ? r.chance(MODEL.withdraw) : r.chance(kind === 'reengaged' ? MODEL.secondWithdrawal : 0.12);
    let tw = Infinity;
    let scenario: 'normal' | 'rearrange' = 'normal';
    if (kind === 'first' && withdraws && r.chance(MODEL.rearrangeScenario)) {
      const cancelled = this.rearrangeInterview(start);
      if (cancelled < Infinity) {
        scenario = 'rearrange';
        tw = minute(cancelled + this.days(4, 25));
      }
    }
    if (withdraws && scenario === 'normal') {
      tw = minute(start + (kind === 'first' ? this.withdrawalDelayDays() : r.logRange(3, 200)) * DAY);
    }
    let tc: number;
    let tre = Infinity;
    let tw2 = Infinity;
    let reopenReengaged = Infinity;
    if (withdraws) {
      tc = this.workAfter(tw + this.closeDelay());
      if (r.chance(MODEL.reengage)) {
        tre = minute(tw + this.logDays(3, 300));
        if (tre < tc) {
          if (r.chance(MODEL.secondWithdrawal)) {
            tw2 = minute(tre + this.logDays(5, 150));
            tc = this.workAfter(tw2 + this.closeDelay());
          } else {
            tc = this.workAfter(tre + this.investigationLength() * 0.7);
          }
        } else {
          reopenReengaged = tre;
          tre = Infinity;
        }
      }
    } else {
      tc = this.workAfter(start + this.investigationLength());
    }
    if (kind === 'first') this.firstSteps(Math.min(tc, this.until));

    // first active window: to the withdrawal (or the closure)
    const end1 = Math.min(tw, tc);
    this.activity(start, end1, tc, kind === 'first');
    let lastWithdrawal: Ev | null = null;
    if (withdraws) {
      lastWithdrawal = this.withdrawal(tw, scenario === 'rearrange', tc);
      if (tre < tc && lastWithdrawal !== null) {
        lastWithdrawal.leaf = false;
        const re = this.add('VictimReengaged', tre, {}, this.who(this.oic), false);
        if (re !== null) {
          this.withdrawnInEffect = false;
          this.contact(minute(tre + r.range(10, 600) * MINUTE), 'to_victim', 'phone', 'update');
          this.statementPlanned = true;
          this.activity(minute(tre + HOUR), Math.min(tw2, tc), tc, false);
          if (tw2 < tc) lastWithdrawal = this.withdrawal(tw2, false, tc);
        }
      }
    }

    // closure
    if (tc >= this.until) return null;
    span.closedAt = tc;
    const closure = this.closure(tc, start);
    if (closure === null) return null;
    // after the closure: decision letter, review, re-engagement or new evidence
    if (r.chance(0.75)) this.contact(this.workAfter(tc + this.logDays(0.02, 10)), 'to_victim', r.pick(['letter', 'phone', 'email', 'phone']), 'decision');
    const outcome = closure.data['outcomeCode'] as number;
    let reopen: { at: number; kind: 'review' | 'reengaged' | 'evidence' } | null = null;
    if (kind === 'first') {
      if (reopenReengaged < this.until && this.withdrawnInEffect) {
        reopen = { at: reopenReengaged, kind: 'reengaged' };
      } else if (NFA.has(outcome) && r.chance(this.withdrawnInEffect ? 0.02 : 0.12)) {
        const req = this.add('ReviewRequested', this.workAfter(tc + this.logDays(3, 90)), { requestedBy: r.chance(0.7) ? 'victim' : 'isva' }, this.who(this.system), false);
        if (req !== null) {
          const upheld = r.chance(0.25);
          const dec = this.add('ReviewDecided', this.workAfter(req.t + this.logDays(14, 150)), { upheld }, this.who(r.chance(0.8) ? this.supervisor : this.cps), false);
          if (dec !== null && upheld) reopen = { at: this.workAfter(dec.t + this.logDays(1, 20)), kind: 'review' };
        }
      } else if (r.chance(0.006)) {
        reopen = { at: this.workAfter(tc + this.logDays(30, 500)), kind: 'evidence' };
      }
    }
    if (reopen !== null && reopen.at < this.until) {
      closure.leaf = false; // the reopening depends on it
      if (lastWithdrawal !== null && reopen.kind === 'reengaged') lastWithdrawal.leaf = false;
      span.end = reopen.at;
      return reopen;
    }
    return null;
  }

  /** A VRI booked, then cancelled by the victim who wants to rearrange; nobody rearranges it. Returns the cancellation instant. */
  private rearrangeInterview(start: number): number {
    const r = this.rng;
    const tb = this.workAfter(start + this.logDays(0.05, 3));
    const sf = quarterHour(this.workAfter(tb + this.days(2, 14)));
    const id = `vri-${++this.interviewN}`;
    const s = this.add('InterviewScheduled', tb, { interviewId: id, kind: 'vri', scheduledFor: this.fmt(sf) }, this.who(this.soit), false);
    if (s === null) return Infinity;
    const tcancel = minute(tb + (sf - tb) * r.range(0.2, 0.95));
    const c = this.add('InterviewCancelled', tcancel, { interviewId: id, cancelledBy: 'victim', victimWishesToRearrange: true }, this.who(this.soit), false);
    if (c === null) return Infinity;
    this.interviewPendingRearrange = true;
    return tcancel;
  }

  private withdrawal(t: number, rearrange: boolean, tc: number): Ev | null {
    const r = this.rng;
    if (t >= tc) return null;
    let reason: string;
    if (rearrange ? r.chance(0.6) : r.chance(MODEL.notEstablished)) reason = 'not_established';
    else if (this.victimRequestAt < t && r.chance(0.3)) reason = 'device_or_records_request';
    else reason = r.weighted(REASON_W);
    const confirmed = reason === 'not_established' ? r.chance(0.12) : r.chance(0.85);
    const e = this.add('VictimWithdrew', t, {
      reason, confirmedWithVictim: confirmed, statementTaken: confirmed && r.chance(0.45),
      isvaInformed: this.isvaEngagedAt < t ? r.chance(0.7) : r.chance(0.12),
    }, this.who(r.chance(0.6) ? this.oic : this.soit), true);
    if (e !== null) {
      this.withdrawnInEffect = true;
      // withdrawals are often written up late, above all those nobody confirmed with the victim (the example case)
      e.lateP = rearrange ? 0.45 : reason === 'not_established' ? 0.25 : 0.1;
    }
    return e;
  }

  /** The closing event with its outcome, and the CPS steps before a charge or a CPS no-charge decision. */
  private closure(tc: number, start: number): Ev | null {
    const r = this.rng;
    const suspect = this.suspectKnown && this.suspectAt < tc;
    let outcome: number;
    let viaCps = false;
    if (this.withdrawnInEffect) {
      outcome = suspect ? r.weighted([[16, 0.9], [15, 0.04], [21, 0.03], [20, 0.03]]) : r.weighted([[14, 0.75], [18, 0.25]]);
    } else if (!suspect) {
      outcome = r.weighted(NFA_NO_SUSPECT_W);
    } else {
      const inc = this.inconsistencyAt < tc;
      if (r.chance(inc ? MODEL.nonNfaWithInconsistency : MODEL.nonNfaWithoutInconsistency)) {
        outcome = r.chance(0.85) ? 1 : r.pick(OTHER_NON_NFA);
        viaCps = outcome === 1 || outcome === 9;
      } else {
        outcome = r.weighted(this.offence === 'other_sexual_offence' ? [...NFA_SUSPECT_W, [17, 0.03] as const] : NFA_SUSPECT_W);
        viaCps = outcome === 15 && r.chance(0.4);
      }
    }
    if (viaCps) {
      const tDecision = minute(tc - this.days(0.05, 2));
      let tRef = minute(tDecision - this.logDays(14, 150));
      if (tRef <= start + 3 * DAY) tRef = minute(start + 3 * DAY + (tDecision - start - 3 * DAY) * 0.3);
      if (tRef < tDecision - DAY) {
        if (r.chance(0.25) && tDecision - tRef > 40 * DAY) {
          // CPS first asked for further enquiries, then the file came back
          const tFe = minute(tRef + (tDecision - tRef) * r.range(0.2, 0.4));
          const tRef2 = minute(tFe + (tDecision - tFe) * r.range(0.4, 0.8));
          this.add('CaseReferredToCps', tRef, {}, this.who(this.oic), true);
          this.add('ChargingDecisionMade', tFe, { decision: 'further_enquiries' }, this.who(this.cps), true);
          this.add('CaseReferredToCps', tRef2, {}, this.who(this.oic), true);
        } else {
          this.add('CaseReferredToCps', tRef, {}, this.who(this.oic), true);
        }
        this.add('ChargingDecisionMade', tDecision, { decision: outcome === 1 ? 'charge' : 'no_charge' }, this.who(this.cps), true);
        if (r.chance(0.8)) this.contact(minute(tDecision + r.logRange(0.5, 30) * HOUR), 'to_victim', r.chance(0.8) ? 'phone' : 'in_person', 'decision');
      } else if (outcome === 1) {
        outcome = 15;
      }
    }
    const rationales = OUTCOME_RATIONALES[outcome] ?? [''];
    return this.add('CaseClosed', tc, {
      outcomeCode: outcome,
      rationale: r.chance(0.05) ? '' : r.pick(rationales),
      victimInformed: r.chance(this.withdrawnInEffect ? 0.7 : 0.9),
    }, this.who(r.chance(0.6) ? this.supervisor : this.oic), true);
  }

  // -------------------------------------------------------------------------------------------
  // the investigation in an active window [from, to); device and third-party work may go on to closeAt
  // -------------------------------------------------------------------------------------------

  private activity(from: number, to: number, closeAt: number, first: boolean): void {
    const r = this.rng;
    const closeBy = Math.min(closeAt, this.until);
    if (first) this.isvaReferral(closeBy);
    // officers change
    for (let t = from + r.exponential(170) * DAY; t < to; t += r.exponential(170) * DAY) {
      const role = r.chance(0.6) ? 'oic' : 'soit';
      const officer: Actor = role === 'oic' ? { id: `ds-${r.int(100000, 999999)}`, role: 'oic' } : { id: `dc-${r.int(100000, 999999)}`, role: 'soit' };
      if (this.add('OfficerAssigned', minute(t), { officerId: officer.id, role, victimInformed: r.chance(0.55) }, this.who(this.supervisor), true) === null) break;
      if (role === 'oic') this.oic = officer;
      else this.soit = officer;
    }
    if (!this.suspectKnown && this.suspectAt < closeBy) {
      // identified now, or (after a closed span) when the investigation resumes
      const t = Math.max(this.suspectAt, from + MINUTE);
      if (t < closeBy && this.add('SuspectIdentified', t, { suspectPseudonym: `S-${r.code(PSEUDONYM_ALPHABET, 4)}` }, this.who(this.oic), true) !== null) {
        this.suspectKnown = true;
        this.suspectAt = t;
      }
    }
    if (!this.interviewPendingRearrange) this.interviews(from, to);
    if (this.inconsistencyAt === Infinity && r.chance(MODEL.inconsistency)) {
      const base = this.heldAt < to ? this.heldAt : from + this.logDays(1, 20);
      const t = minute(base + this.logDays(1, 120));
      if (t < to - HOUR && t > from) {
        this.add('AccountInconsistencyNoted', t, { nature: r.weighted(NATURE_W), traumaImpactConsidered: r.chance(0.35) }, this.who(r.chance(0.85) ? this.oic : this.cps), true);
        this.inconsistencyAt = t;
      }
    }
    if (this.suspectKnown && this.suspectAt < to) this.keyDecisions(Math.max(from, this.suspectAt), to, closeBy);
    if (first && this.victimRequestPlanned && !this.victimRequestDone) this.planVictimRequest(from, to, closeBy);
    if (this.tpmPlanned) {
      this.tpmPlanned = false;
      for (let i = r.chance(0.25) ? 2 : 1; i > 0; i--) this.thirdParty(minute(from + this.logDays(5, 150)), to, closeBy);
    }
    if (first && r.chance(0.03)) this.witnessDevice(minute(from + this.logDays(2, 60)), to, closeBy);
  }

  private isvaReferral(closeBy: number): void {
    const r = this.rng;
    if (!r.chance(this.additionalNeeds ? 0.93 : 0.87)) return;
    const t0 = this.t0;
    const tRef = r.chance(0.8) ? minute(t0 + r.logRange(1, 30) * HOUR) : minute(t0 + this.logDays(2, 30));
    if (tRef >= closeBy) return;
    this.add('IsvaReferred', tRef, { service: this.isvaService }, this.who(r.chance(0.7) ? this.soit : this.oic), true);
    if (!r.chance(0.7)) return;
    const tEng = this.workAfter(Math.max(tRef + DAY, t0 + Math.min(400, r.logNormal(34, 0.75)) * DAY));
    if (tEng >= closeBy) return;
    if (this.add('IsvaEngaged', tEng, { service: this.isvaService }, this.who(this.isva), true) !== null) this.isvaEngagedAt = tEng;
  }

  /** A VRI (and perhaps a later statement): booked, held, or cancelled and rebooked. */
  private interviews(from: number, to: number): void {
    const r = this.rng;
    let kind: 'vri' | 'statement';
    let tb: number;
    if (this.heldAt === Infinity) {
      kind = 'vri';
      tb = this.workAfter(from + this.logDays(0.05, 3));
    } else if (this.statementPlanned) {
      this.statementPlanned = false;
      kind = 'statement';
      tb = this.workAfter(Math.max(from, this.heldAt) + this.logDays(5, 90));
    } else {
      return;
    }
    for (let attempt = 0; attempt < 4; attempt++) {
      if (tb >= to) return;
      const id = `${kind}-${++this.interviewN}`;
      const sf = quarterHour(this.workAfter(tb + this.days(1, 14)));
      if (this.add('InterviewScheduled', tb, { interviewId: id, kind, scheduledFor: this.fmt(sf) }, this.who(this.soit), false) === null) return;
      if (r.chance(0.7)) this.contact(minute(tb + r.range(5, 90) * MINUTE), 'to_victim', r.chance(0.7) ? 'phone' : 'text', 'interview_arrangement', this.soit);
      if (r.chance(0.8)) {
        const th = minute(sf + r.range(1.5, 3) * HOUR);
        if (th >= to) return;
        if (this.add('InterviewHeld', th, { interviewId: id }, this.who(this.soit), false) === null) return;
        if (this.heldAt === Infinity) this.heldAt = th;
        if (kind === 'vri' && this.statementPlanned) {
          this.statementPlanned = false;
          kind = 'statement';
          tb = this.workAfter(th + this.logDays(5, 90));
          continue;
        }
        return;
      }
      const tcancel = minute(tb + (sf - tb) * r.range(0.1, 0.95));
      if (tcancel >= to) return;
      const byVictim = r.chance(0.55);
      const rearrange = r.chance(byVictim ? 0.8 : 0.9);
      if (this.add('InterviewCancelled', tcancel, { interviewId: id, cancelledBy: byVictim ? 'victim' : 'police', victimWishesToRearrange: rearrange }, this.who(this.soit), false) === null) return;
      if (!rearrange && byVictim) return;
      tb = this.workAfter(tcancel + this.logDays(1, 25));
    }
  }

  private keyDecisions(from: number, to: number, closeBy: number): void {
    const r = this.rng;
    if (this.arrested) return;
    this.arrested = true;
    const decide = (t: number, decision: string): Ev | null => {
      const e = this.add('KeyDecisionMade', t, { decision }, this.who(this.oic), true);
      if (e === null) return null;
      const x = r.float();
      if (x < 0.5) this.contact(this.workAfter(t + r.range(0.2, 20) * HOUR), 'to_victim', r.chance(0.8) ? 'phone' : 'text', 'decision');
      else if (x < 0.8) this.contact(this.workAfter(t + this.days(2, 12)), 'to_victim', r.chance(0.7) ? 'phone' : 'email', 'decision');
      return e;
    };
    const x = r.float();
    if (x < 0.55) {
      const ta = minute(from + this.logDays(0.3, 60));
      if (ta >= to) return;
      if (decide(ta, 'suspect_arrested') === null) return;
      if (r.chance(0.4)) this.suspectDevice(minute(ta + r.range(10, 90) * MINUTE), to, closeBy);
      const ti = minute(ta + r.range(2, 9) * HOUR);
      if (ti >= to) return;
      if (r.chance(0.92) && decide(ti, 'suspect_interviewed_under_caution') === null) return;
      const tr = minute(ti + r.range(1, 5) * HOUR);
      if (tr >= to) return;
      const release = r.weighted([['released_under_investigation', 0.55], ['released_on_bail', 0.35], ['released_without_charge', 0.1]] as const);
      if (decide(tr, release) === null) return;
      if (release === 'released_on_bail' && r.chance(0.3)) {
        const tv = minute(tr + this.logDays(14, 120));
        if (tv < to) decide(tv, 'bail_varied');
      }
    } else if (x < 0.8) {
      const ti = minute(from + this.logDays(3, 90));
      if (ti >= to) return;
      decide(ti, 'suspect_interviewed_under_caution');
      if (r.chance(0.15)) this.suspectDevice(minute(ti + r.range(10, 120) * MINUTE), to, closeBy);
    }
  }

  // -------------------------------------------------------------------------------------------
  // devices and third-party material
  // -------------------------------------------------------------------------------------------

  private planVictimRequest(from: number, to: number, closeBy: number): void {
    const r = this.rng;
    const early = r.chance(MODEL.earlyRequest);
    let tReq: number;
    if (early) {
      tReq = this.workAfter(from + this.logDays(0.3, 8));
      if (tReq >= this.heldAt) tReq = this.heldAt < to ? this.workAfter(this.heldAt + this.logDays(1, 60)) : tReq;
    } else {
      if (this.heldAt >= to) return; // no account yet: a proportionate request waits for it
      tReq = this.workAfter(this.heldAt + this.logDays(1, 60));
    }
    if (tReq >= to) return;
    this.victimRequestDone = true;
    this.victimRequestAt = tReq;
    this.victimDevice(tReq, to, closeBy, false, 0);
  }

  /** A victim's device: request, response, seizure, extraction, examination, return. */
  private victimDevice(tReq: number, to: number, closeBy: number, afterDecline: boolean, depth: number): void {
    const r = this.rng;
    const requestId = `dev-${++this.requestN}`;
    const beforeAccount = !(this.heldAt < tReq);
    const structural = beforeAccount || afterDecline || this.nonRecentNoContact;
    const disp = structural || r.chance(MODEL.disproportionate);
    // the response, decided first: the notice flag needs an agreement
    const resp = r.float();
    const respondP = MODEL.respond;
    const agreeP = this.phoneDependent ? respondP[0] * 0.6 : respondP[0];
    let response: 'agreed' | 'declined' | 'none' = resp < agreeP ? 'agreed' : resp < agreeP + respondP[1] + (respondP[0] - agreeP) ? 'declined' : 'none';
    const tResp = this.workAfter(tReq + this.logDays(0.05, 14));
    if (tResp >= to) response = 'none';
    // the content flags
    let noLoe = false;
    let noAlt = false;
    let period = false;
    let full = false;
    let notAuth = false;
    let badNotice = false;
    if (disp) {
      noLoe = r.chance(0.22);
      noAlt = r.chance(0.45);
      period = r.chance(0.3);
      full = r.chance(0.33);
      notAuth = r.chance(0.3);
      badNotice = response === 'agreed' && r.chance(0.45);
      if (!structural && !noLoe && !noAlt && !period && !full && !notAuth && !badNotice) {
        const k = r.weighted([['alt', 0.35], ['full', 0.25], ['period', 0.2], ['auth', 0.1], ['loe', 0.1]] as const);
        if (k === 'alt') noAlt = true;
        else if (k === 'full') full = true;
        else if (k === 'period') period = true;
        else if (k === 'auth') notAuth = true;
        else noLoe = true;
      }
    }
    const blank = (): string => (r.chance(0.88) ? '' : r.pick([' ', '  ', '\n']));
    const lineOfEnquiry = noLoe ? blank() : disp && r.chance(0.5) ? r.pick(VAGUE_LINES_OF_ENQUIRY) : r.pick(LINES_OF_ENQUIRY);
    const alternatives = noAlt ? blank() : disp && r.chance(0.3) ? r.pick(['N/A', 'None', 'Not applicable', 'Considered']) : r.pick(ALTERNATIVES);
    let dataCategories: string[];
    if (full) dataCategories = r.chance(0.6) ? ['full_extraction'] : [r.pick(CATEGORIES), 'full_extraction'];
    else {
      const n = r.int(1, 3);
      const set = new Set<string>();
      while (set.size < n) set.add(r.pick(CATEGORIES));
      dataCategories = CATEGORIES.filter((c) => set.has(c));
    }
    let periodFrom: string | null;
    let periodTo: string | null;
    const reqDay = londonDay(tReq);
    if (period) {
      let k = r.weighted([['seven', 0.45], ['noFrom', 0.2], ['noTo', 0.15], ['none', 0.1], ['wide', 0.1]] as const);
      const sevenYears = reqDay - 7 * 365 - 2;
      if (k === 'seven' && sevenYears >= this.offenceFromDay - 30) k = 'noFrom'; // a non-recent offence: seven years is not beyond it
      periodFrom = k === 'seven' ? formatDay(sevenYears) : k === 'wide' ? formatDay(this.offenceFromDay - r.int(31, 900)) : k === 'noTo' ? formatDay(this.offenceFromDay - r.int(0, 14)) : null;
      periodTo = k === 'noTo' || k === 'none' ? null : formatDay(reqDay);
    } else {
      const endDay = this.offenceToDay >= 0 ? this.offenceToDay : this.offenceFromDay;
      periodFrom = formatDay(this.offenceFromDay - r.int(0, 14));
      periodTo = formatDay(Math.min(reqDay, endDay + r.int(1, 30)));
    }
    const deviceType = r.weighted([['phone', 0.92], ['tablet', 0.04], ['computer', 0.03], ['other', 0.01]] as const);
    const req = this.add('DeviceRequested', tReq, {
      requestId, owner: 'victim', deviceType, lineOfEnquiry, alternativesConsidered: alternatives, dataCategories,
      periodFrom, periodTo, supervisorAuthorised: !notAuth,
    }, this.who(this.oic), false);
    if (req === null) return;
    this.contact(minute(tReq + r.range(2, 60) * MINUTE), 'to_victim', r.chance(0.6) ? 'in_person' : 'phone', 'device_request');
    if (r.chance(0.06)) this.concern(minute(tReq + this.logDays(0.5, 20)), 'pressure_to_agree', requestId);
    if (response === 'none') return;
    if (response === 'declined') {
      if (this.add('DeviceRequestDeclined', tResp, { requestId }, this.who(this.oic), false) === null) return;
      if (depth < 2 && r.chance(MODEL.repeatAfterDecline)) {
        const t2 = this.workAfter(tResp + this.logDays(10, 90));
        if (t2 < to) this.victimDevice(t2, to, closeBy, true, depth + 1);
      }
      return;
    }
    // agreed: the notice given to the victim
    let notice: Record<string, boolean>;
    if (badNotice) {
      const blankForm = r.chance(0.4);
      notice = {
        informationSoughtStated: blankForm ? r.chance(0.2) : r.chance(0.7),
        reasonStated: blankForm ? r.chance(0.2) : r.chance(0.5),
        rightToRefuseStated: blankForm ? r.chance(0.3) : r.chance(0.6),
        refusalNotEndingCaseStated: blankForm ? r.chance(0.2) : r.chance(0.4),
        signedBeforeCompleted: blankForm,
      };
      if (!blankForm && notice['informationSoughtStated'] && notice['reasonStated'] && notice['rightToRefuseStated'] && notice['refusalNotEndingCaseStated']) {
        notice['refusalNotEndingCaseStated'] = false;
      }
      if (blankForm && r.chance(0.3)) this.concern(minute(tResp + this.logDays(1, 60)), 'blank_form', requestId);
    } else {
      notice = { informationSoughtStated: true, reasonStated: true, rightToRefuseStated: true, refusalNotEndingCaseStated: true, signedBeforeCompleted: false };
    }
    if (this.add('DeviceRequestAgreed', tResp, { requestId, notice }, this.who(this.oic), false) === null) return;
    if ((full || period) && r.chance(0.12)) this.concern(minute(tResp + this.logDays(1, 90)), 'excessive_scope', requestId);
    if (r.chance(0.03)) {
      const tw = minute(tResp + this.logDays(0.1, 5));
      if (tw < to) this.add('DeviceAgreementWithdrawn', tw, { requestId }, this.who(this.oic), false);
      return;
    }
    const tSeize = r.chance(0.6) ? minute(tResp + r.range(5, 40) * MINUTE) : this.workAfter(tResp + this.logDays(0.3, 6));
    if (tSeize >= to) return;
    this.seizedDevice(requestId, tSeize, closeBy, 'victim', to);
  }

  /** Victim device retention in days: a few back within 24 h, a log-normal body, capped at two years. */
  private retentionDays(): number {
    const r = this.rng;
    if (r.chance(MODEL.returnedWithin24h)) return r.range(0.1, 0.95);
    return Math.min(729, Math.max(1.1, r.logNormal(MODEL.retentionMedianDays, MODEL.retentionSigma)));
  }

  /** Seizure onwards (victim, witness or suspect device). */
  private seizedDevice(requestId: string, tSeize: number, closeBy: number, owner: 'victim' | 'witness' | 'suspect', to: number): void {
    const r = this.rng;
    const victimOrWitness = owner !== 'suspect';
    if (this.add('DeviceSeized', tSeize, { requestId }, this.who(this.oic), false) === null) return;
    const retention = victimOrWitness ? this.retentionDays() : r.logRange(20, 700);
    const neverReturned = victimOrWitness ? r.chance(MODEL.neverReturned) : r.chance(0.4);
    const tRet = retention < 1 ? minute(tSeize + retention * DAY) : this.workAfter(tSeize + (retention - 0.3) * DAY);
    const latest = Math.min(tRet, closeBy);
    // replacement phone: rarely within 24 h (the Government Rape Review's ambition), sometimes later
    if (victimOrWitness) {
      const x = r.float();
      const tRepl = x < (this.phoneDependent ? 0.3 : 0.1) ? minute(tSeize + r.range(0.05, 0.95) * DAY) : x < 0.16 ? minute(tSeize + this.logDays(1.5, 30)) : Infinity;
      if (tRepl < latest) this.add('ReplacementDeviceProvided', tRepl, { requestId }, this.who(this.oic), false);
    }
    // extraction (a download may fail and be repeated), then examination, all before the return
    let tx: number;
    if (retention < 1) tx = minute(tSeize + retention * r.range(0.2, 0.6) * DAY);
    else tx = minute(tSeize + Math.min(retention * 0.5, r.logNormal(9, 1.0)) * DAY);
    let complete = -1;
    let failedLast = false;
    for (let attempt = 0; attempt < 2 && tx < latest && tx > tSeize; attempt++) {
      const ok = r.chance(attempt === 0 ? 0.9 : 0.75);
      if (this.add('DeviceExtracted', tx, { requestId, outcome: ok ? 'complete' : 'failed' }, this.who(r.chance(0.7) ? this.analyst : this.system), false) === null) return;
      if (ok) {
        complete = tx;
        failedLast = false;
        break;
      }
      failedLast = true;
      tx = minute(tx + this.logDays(3, 120));
    }
    if (complete >= 0 && r.chance(0.8)) {
      const te = minute(complete + Math.min(this.rng.logNormal(25, 1.2), 600) * DAY);
      if (te < latest) this.add('DeviceExamined', te, { requestId, relevantMaterialFound: r.chance(MODEL.relevantMaterial) }, this.who(this.analyst), true);
    }
    if (neverReturned) return;
    const ret = this.add('DeviceReturned', tRet, { requestId }, this.who(this.oic), true);
    if (ret === null) return;
    if (victimOrWitness && r.chance(0.6)) this.contact(minute(tRet - Math.min(retention / 2, r.range(0.02, 2)) * DAY), 'to_victim', 'phone', 'other');
    // asked for again: the download had failed
    if (owner === 'victim' && failedLast && tRet < to && r.chance(0.5)) {
      const t2 = this.workAfter(tRet + this.logDays(10, 120));
      if (t2 < to) this.victimDevice(t2, to, closeBy, false, 2);
    }
  }

  private suspectDevice(t: number, to: number, closeBy: number): void {
    const r = this.rng;
    if (t >= to) return;
    const requestId = `dev-${++this.requestN}`;
    const e = this.add('DeviceRequested', t, {
      requestId, owner: 'suspect', deviceType: r.weighted([['phone', 0.85], ['computer', 0.1], ['tablet', 0.05]] as const),
      lineOfEnquiry: r.pick(['Messages between the suspect and the victim around the offence', 'Images or recordings of the offence', 'Searches and messages about the victim after the report', 'Location data on the night of the offence']),
      alternativesConsidered: r.chance(0.7) ? 'Not applicable: suspect device seized on arrest' : '',
      dataCategories: r.chance(0.5) ? ['full_extraction'] : ['messages', 'photos', 'location'],
      periodFrom: formatDay(this.offenceFromDay - r.int(0, 60)), periodTo: r.chance(0.8) ? formatDay(londonDay(t)) : null,
      supervisorAuthorised: r.chance(0.9),
    }, this.who(this.oic), false);
    if (e === null) return;
    this.seizedDevice(requestId, minute(t + r.range(1, 30) * MINUTE), closeBy, 'suspect', to);
  }

  private witnessDevice(t: number, to: number, closeBy: number): void {
    const r = this.rng;
    if (t >= to) return;
    const requestId = `dev-${++this.requestN}`;
    if (this.add('DeviceRequested', t, {
      requestId, owner: 'witness', deviceType: 'phone',
      lineOfEnquiry: "Messages the victim sent to the witness shortly after the offence (first complaint)",
      alternativesConsidered: 'Victim no longer has the messages; screenshots not available', dataCategories: ['messages'],
      periodFrom: formatDay(this.offenceFromDay), periodTo: formatDay(this.offenceFromDay + r.int(1, 7)), supervisorAuthorised: r.chance(0.9),
    }, this.who(this.oic), false) === null) return;
    const tResp = this.workAfter(t + this.logDays(0.1, 10));
    if (tResp >= to) return;
    if (!r.chance(0.7)) {
      this.add('DeviceRequestDeclined', tResp, { requestId }, this.who(this.oic), false);
      return;
    }
    const fullNotice = r.chance(0.8);
    if (this.add('DeviceRequestAgreed', tResp, {
      requestId,
      notice: { informationSoughtStated: true, reasonStated: true, rightToRefuseStated: fullNotice, refusalNotEndingCaseStated: fullNotice, signedBeforeCompleted: false },
    }, this.who(this.oic), false) === null) return;
    const tSeize = minute(tResp + r.range(5, 60) * MINUTE);
    if (tSeize < to) this.seizedDevice(requestId, tSeize, closeBy, 'witness', to);
  }

  private thirdParty(t: number, to: number, closeBy: number): void {
    const r = this.rng;
    if (t >= to) return;
    const holder = r.weighted(HOLDER_W);
    const requestId = `tpm-${++this.tpmN}`;
    const k = r.float();
    const from = k < 0.65 ? formatDay(this.offenceFromDay - r.int(0, 365)) : k < 0.85 ? null : formatDay(this.offenceFromDay - r.int(365, 3650));
    const seniorApproval = r.chance(holder === 'counselling' ? 0.6 : 0.8);
    const e = this.add('ThirdPartyMaterialRequested', t, {
      requestId, holder, lineOfEnquiry: r.chance(0.82) ? r.pick(THIRD_PARTY_LINES) : '',
      periodFrom: from, periodTo: k < 0.75 ? formatDay(londonDay(t)) : null,
      seniorApproval, victimInformed: r.chance(0.75),
    }, this.who(this.oic), false);
    if (e === null) return;
    if (holder === 'counselling' && !seniorApproval && r.chance(0.25)) this.concern(minute(t + this.logDays(2, 60)), 'excessive_scope', requestId);
    if (!r.chance(0.82)) return;
    const tr = minute(t + this.logDays(10, 200));
    if (tr < closeBy) this.add('ThirdPartyMaterialReceived', tr, { requestId, relevantMaterialFound: r.chance(0.3) }, this.who(this.oic), true);
  }

  private concern(t: number, kind: string, requestId: string | null): void {
    const r = this.rng;
    const raisedBy = this.isvaEngagedAt < t ? (r.chance(0.75) ? 'isva' : 'victim') : r.chance(0.2) ? 'supervisor' : 'victim';
    const actor = raisedBy === 'isva' ? this.isva : raisedBy === 'supervisor' ? this.supervisor : this.soit;
    this.add('ConcernRaised', t, { raisedBy, kind, requestId }, this.who(actor), true);
  }

  // -------------------------------------------------------------------------------------------
  // contacts with the victim over the case's open spans, and after closures
  // -------------------------------------------------------------------------------------------

  private contactsAndConcerns(): void {
    const r = this.rng;
    const gapMedian = MODEL.updateGapMedianDays * r.logNormal(1, 0.45);
    for (const s of this.spans) {
      const end = Math.min(s.closedAt, this.until);
      // police updates: a renewal process with long gaps now and then
      let t = this.workAfter(s.start + this.logDays(1, 12));
      while (t < end) {
        const channel = r.weighted(UPDATE_CHANNEL_W);
        this.contact(t, 'to_victim', channel === 'via_isva' && !(this.isvaEngagedAt < t) ? 'phone' : channel, 'update');
        const gap = gapMedian * r.logNormal(1, 0.65) * DAY;
        if (gap > 40 * DAY && r.chance(0.12)) this.concern(minute(t + gap * r.range(0.7, 0.95)), 'no_updates', null);
        t = this.workAfter(t + gap);
      }
      // the victim chasing, welfare through the ISVA, other contacts
      for (let u = s.start + r.exponential(11) * DAY; u < end; u += r.exponential(11) * DAY) {
        const ch = r.weighted(FROM_VICTIM_CHANNEL_W);
        this.contact(this.workAfter(u), 'from_victim', ch === 'via_isva' && !(this.isvaEngagedAt < u) ? 'phone' : ch,
          r.weighted([['update', 0.5], ['welfare', 0.15], ['interview_arrangement', 0.1], ['other', 0.25]] as const), ch === 'via_isva' ? this.isva : this.soit);
      }
      if (this.isvaEngagedAt < end) {
        for (let u = Math.max(s.start, this.isvaEngagedAt) + r.exponential(16) * DAY; u < end; u += r.exponential(16) * DAY) {
          this.contact(this.workAfter(u), 'to_victim', 'via_isva', r.chance(0.7) ? 'welfare' : 'update', this.isva);
        }
      }
      for (let u = s.start + r.exponential(28) * DAY; u < end; u += r.exponential(28) * DAY) {
        this.contact(this.workAfter(u), 'to_victim', r.pick(['phone', 'email', 'text']), r.chance(0.5) ? 'other' : 'welfare');
      }
      if (r.chance(0.03)) {
        const tc = minute(s.start + this.logDays(2, 100));
        if (tc < end) this.concern(tc, 'disbelief_or_blame', null);
      }
      // after a closure: a few contacts (phone returns, ISVA, the victim asking)
      if (s.closedAt < this.until) {
        const after = Math.min(s.end, this.until);
        for (let k = r.int(1, 5); k > 0; k--) {
          const u = this.workAfter(s.closedAt + this.logDays(1, 120));
          if (u < after) this.contact(u, r.chance(0.5) ? 'from_victim' : 'to_victim', r.pick(['phone', 'email', 'via_isva']), r.pick(['other', 'welfare', 'update']));
        }
        if (r.chance(0.004)) {
          const u = minute(s.closedAt + this.logDays(30, 400));
          if (u < after) this.add('ConcernRaised', u, { raisedBy: 'inspector', kind: r.pick(['no_updates', 'other']), requestId: null }, { id: `hmicfrs-${r.int(10, 99)}`, role: 'inspector' }, true);
        }
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // recording, corrections, output
  // -------------------------------------------------------------------------------------------

  /** recordedAt of every event (see the file header). */
  private record(): void {
    const r = this.rng;
    const evs = this.evs;
    evs.sort((a, b) => a.t - b.t || a.seq - b.seq);
    const until = this.until;
    let chain = 0;
    for (const e of evs) {
      const lateP = e.leaf ? (e.lateP ?? (e.type === 'CaseClosed' ? 0.03 : MODEL.lateRecording)) : 0;
      if (lateP > 0 && r.chance(lateP)) {
        e.rec = Math.min(until, Math.floor(e.t + (r.chance(0.7) ? r.range(7.05, 21) : r.range(21, 45)) * DAY));
        e.late = true;
        continue;
      }
      const x = r.float();
      const delay = x < 0.7 ? r.range(0.5, 60) * MINUTE : x < 0.95 ? r.logRange(1, 24) * HOUR : r.range(1, 3) * DAY;
      e.rec = Math.min(until, Math.max(chain, Math.floor(e.t + delay)));
      chain = e.rec;
    }
    // a guard, not a filter: nothing but the allowed types inside a closed span
    for (const e of evs) {
      if (e.type !== 'CaseClosed' && !ALLOWED_CLOSED.has(e.type) && this.closedAt(e.t)) {
        throw new Error(`generator bug: ${e.type} at ${formatUtc(e.t)} in a closed span of ${this.caseId}`);
      }
    }
  }

  /** EntryVoided corrections: a wrong entry voided, the right one written again. */
  private corrections(): void {
    const r = this.rng;
    if (!r.chance(MODEL.voidCase)) return;
    const candidates = this.evs.filter((e) => e.leaf && !e.late && (
      e.type === 'VictimContactMade' || e.type === 'OfficerAssigned' || e.type === 'KeyDecisionMade' ||
      e.type === 'IsvaReferred' || e.type === 'AccountInconsistencyNoted' || e.type === 'CaseClosed' || e.type === 'VictimWithdrew'));
    if (candidates.length === 0) return;
    const x = candidates[Math.floor(r.float() * candidates.length)]!;
    const tVoid = minute(x.rec + this.logDays(0.01, 30));
    if (tVoid + HOUR >= this.until) return;
    const corrected = x.data;
    let wrong: Record<string, unknown> | null = { ...corrected };
    let reasons: readonly string[] = VOID_REASONS.correction;
    switch (x.type) {
      case 'VictimContactMade':
        if (r.chance(0.4)) wrong = null; // a duplicate entry: voided, nothing to write again
        else wrong['purpose'] = corrected['purpose'] === 'update' ? 'other' : 'update';
        break;
      case 'OfficerAssigned':
        wrong['officerId'] = `dc-${r.int(100000, 999999)}`;
        break;
      case 'KeyDecisionMade':
        wrong['decision'] = corrected['decision'] === 'released_on_bail' ? 'released_under_investigation' : 'released_on_bail';
        break;
      case 'IsvaReferred':
        wrong['service'] = r.pick(this.force.isvaServices.filter((s) => s !== corrected['service']).concat(['Rape Crisis England and Wales']));
        break;
      case 'AccountInconsistencyNoted':
        wrong['nature'] = corrected['nature'] === 'other' ? 'detail' : 'other';
        break;
      case 'CaseClosed':
        wrong['outcomeCode'] = corrected['outcomeCode'] === 16 ? 15 : corrected['outcomeCode'] === 15 ? 16 : 21;
        reasons = VOID_REASONS.outcome;
        break;
      case 'VictimWithdrew':
        wrong['reason'] = corrected['reason'] === 'not_established' ? 'wants_to_move_on' : 'not_established';
        reasons = VOID_REASONS.withdrawal;
        break;
      default:
        return;
    }
    if (wrong === null) {
      // the duplicate: the same entry written twice a few seconds apart, the second voided
      const dup: Ev = { ...x, seq: this.seq++, data: { ...corrected }, rec: x.rec + r.int(1000, 60_000), id: r.uuid() };
      const tv = Math.max(tVoid, minute(dup.rec + MINUTE));
      if (tv + HOUR >= this.until) return;
      this.evs.push(dup);
      this.pushVoid(tv, dup.id!, r.pick(VOID_REASONS.duplicate));
      return;
    }
    x.id = r.uuid();
    x.data = wrong;
    const v = this.pushVoid(tVoid, x.id, r.pick(reasons));
    const again: Ev = { ...x, seq: this.seq++, data: corrected, rec: Math.min(this.until, v.rec + r.int(60_000, 30 * 60_000)), late: true };
    delete again.id;
    this.evs.push(again);
  }

  private pushVoid(t: number, eventId: string, reason: string): Ev {
    const e: Ev = {
      t, seq: this.seq++, type: 'EntryVoided', data: { eventId, reason }, actor: this.who(this.rng.chance(0.5) ? this.supervisor : this.analyst),
      leaf: false, rec: Math.min(this.until, t + this.rng.int(0, 20 * 60_000)), late: false,
    };
    this.evs.push(e);
    return e;
  }

  private lines(): GeneratedLine[] {
    const r = this.rng;
    const evs = this.evs;
    evs.sort((a, b) => a.rec - b.rec || a.t - b.t || a.seq - b.seq);
    const out: GeneratedLine[] = new Array(evs.length);
    const fmt = this.fmt;
    const caseId = this.caseId;
    for (let i = 0; i < evs.length; i++) {
      const e = evs[i]!;
      const eventId = e.id ?? r.uuid();
      const occurredAt = fmt(e.t);
      const recordedAt = fmt(e.rec);
      out[i] = e.actor === undefined
        ? { eventId, caseId, type: e.type, occurredAt, recordedAt, data: e.data }
        : { eventId, caseId, type: e.type, occurredAt, recordedAt, actor: e.actor, data: e.data };
    }
    return out;
  }
}
