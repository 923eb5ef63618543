// Test support: a small builder of ledgers and case histories (StoredCaseEvent[]), for the views'
// specs. Not production code (only *.spec.ts files import it).
import type { CaseEvent, EventDataMap, EventType, StoredCaseEvent } from '../../case-ledger/domain/vocabulary.js';
import { VALID_DATA } from '../../case-ledger/domain/testing-fixtures.js';
import { digestsOf } from '../case-digest/case-digest.js';
import { caseFacts, type CaseFacts } from '../case-digest/case-facts.js';
import { instantMs } from '../domain/instant.js';
import { computeView, parseViewParams, type ViewName, type ViewsByName } from '../query.js';

export interface EventOptions { recordedAt?: string; eventId?: string }

type ReportOverrides = Partial<Omit<EventDataMap['CaseReported'], 'victim'>> & Partial<EventDataMap['CaseReported']['victim']>;

/**
 * The domain fixtures' valid data for every type, changed where the views' specs want a well-kept
 * case by default (a stated line of enquiry and period, a withdrawal confirmed with the victim, a
 * rationale given): a figure's spec then changes only the field under test.
 */
const DEFAULT_DATA: { [K in EventType]: EventDataMap[K] } = {
  ...VALID_DATA,
  CaseReported: { ...VALID_DATA.CaseReported, crimeReference: 'CR-1', team: 'Lambeth-SOIT-1' },
  DeviceRequested: {
    ...VALID_DATA.DeviceRequested, lineOfEnquiry: 'messages with the suspect that night',
    alternativesConsidered: 'suspect phone; screenshots', periodFrom: '2021-02-27', periodTo: '2021-02-28',
  },
  DeviceExamined: { requestId: 'dev-1', relevantMaterialFound: true },
  ThirdPartyMaterialRequested: {
    requestId: 'tp-1', holder: 'medical', lineOfEnquiry: 'injuries recorded', periodFrom: '2021-02-27',
    periodTo: '2021-03-04', seniorApproval: true, victimInformed: true,
  },
  VictimWithdrew: { reason: 'other', confirmedWithVictim: true, statementTaken: true, isvaInformed: true },
  ConcernRaised: { raisedBy: 'isva', kind: 'other', requestId: null },
  ChargingDecisionMade: { decision: 'further_enquiries' },
  CaseClosed: { outcomeCode: 16, rationale: 'r', victimInformed: true },
  CaseReopened: { reason: 'r' },
  EntryVoided: { eventId: '', reason: 'entered in error' },
};

/** A ledger: positions are global across its cases, in the order events are added. */
export class LedgerBuilder {
  private position = 0;
  readonly events: StoredCaseEvent[] = [];

  /** Starts a case with its CaseReported at `reportedAt`. */
  case(caseId: string, reportedAt: string, report: ReportOverrides = {}, opts: EventOptions = {}): CaseHistory {
    const h = new CaseHistory(this, caseId);
    const { pseudonym, ageBand, additionalNeeds, phoneDependentLivelihood, ...rest } = report;
    const base = DEFAULT_DATA.CaseReported;
    const victim = { ...base.victim };
    if (pseudonym !== undefined) victim.pseudonym = pseudonym;
    if (ageBand !== undefined) victim.ageBand = ageBand;
    if (additionalNeeds !== undefined) victim.additionalNeeds = additionalNeeds;
    if (phoneDependentLivelihood !== undefined) victim.phoneDependentLivelihood = phoneDependentLivelihood;
    h.add('CaseReported', reportedAt, { ...base, ...rest, victim }, opts);
    return h;
  }

  /** @internal */
  append(event: CaseEvent): StoredCaseEvent {
    this.position++;
    const versions = this.events.filter((e) => e.metadata.caseId === event.metadata.caseId).length;
    const stored = { ...event, position: this.position, streamVersion: versions + 1 } as StoredCaseEvent;
    this.events.push(stored);
    return stored;
  }

  nextEventId(): string {
    return `00000000-0000-4000-8000-${(this.position + 1).toString(16).padStart(12, '0')}`;
  }
}

/** One case's history; `add` appends to the ledger (so the ledger order is the order of calls). */
export class CaseHistory {
  constructor(readonly ledger: LedgerBuilder, readonly caseId: string) {}

  add<K extends EventType>(type: K, at: string, data: Partial<EventDataMap[K]> = {}, opts: EventOptions = {}): StoredCaseEvent<K> {
    const event = {
      type,
      data: { ...DEFAULT_DATA[type], ...data },
      metadata: {
        eventId: opts.eventId ?? this.ledger.nextEventId(), caseId: this.caseId, occurredAt: at,
        recordedAt: opts.recordedAt ?? at,
      },
    } as CaseEvent;
    return this.ledger.append(event) as StoredCaseEvent<K>;
  }

  contact(at: string, purpose: EventDataMap['VictimContactMade']['purpose'] = 'update', direction: EventDataMap['VictimContactMade']['direction'] = 'to_victim', opts?: EventOptions) {
    return this.add('VictimContactMade', at, { purpose, direction }, opts);
  }
  withdrew(at: string, data: Partial<EventDataMap['VictimWithdrew']> = {}, opts?: EventOptions) { return this.add('VictimWithdrew', at, data, opts); }
  reengaged(at: string, opts?: EventOptions) { return this.add('VictimReengaged', at, {}, opts); }
  closed(at: string, outcomeCode = 16, opts?: EventOptions) { return this.add('CaseClosed', at, { outcomeCode }, opts); }
  reopened(at: string, opts?: EventOptions) { return this.add('CaseReopened', at, {}, opts); }
  requestDevice(at: string, requestId = 'dev-1', data: Partial<EventDataMap['DeviceRequested']> = {}, opts?: EventOptions) {
    return this.add('DeviceRequested', at, { requestId, ...data }, opts);
  }
  agree(at: string, requestId = 'dev-1', notice: Partial<EventDataMap['DeviceRequestAgreed']['notice']> = {}, opts?: EventOptions) {
    return this.add('DeviceRequestAgreed', at, { requestId, notice: { ...DEFAULT_DATA.DeviceRequestAgreed.notice, ...notice } }, opts);
  }
  decline(at: string, requestId = 'dev-1', opts?: EventOptions) { return this.add('DeviceRequestDeclined', at, { requestId }, opts); }
  seize(at: string, requestId = 'dev-1', opts?: EventOptions) { return this.add('DeviceSeized', at, { requestId }, opts); }
  replace(at: string, requestId = 'dev-1', opts?: EventOptions) { return this.add('ReplacementDeviceProvided', at, { requestId }, opts); }
  extract(at: string, requestId = 'dev-1', outcome: 'complete' | 'failed' = 'complete', opts?: EventOptions) {
    return this.add('DeviceExtracted', at, { requestId, outcome }, opts);
  }
  examine(at: string, requestId = 'dev-1', relevantMaterialFound = true, opts?: EventOptions) {
    return this.add('DeviceExamined', at, { requestId, relevantMaterialFound }, opts);
  }
  returned(at: string, requestId = 'dev-1', opts?: EventOptions) { return this.add('DeviceReturned', at, { requestId }, opts); }
  /** A victim device request, agreed and seized at the same instant. */
  victimDeviceSeized(at: string, requestId = 'dev-1') {
    this.requestDevice(at, requestId);
    this.agree(at, requestId);
    return this.seize(at, requestId);
  }
  voids(at: string, target: StoredCaseEvent, opts?: EventOptions) {
    return this.add('EntryVoided', at, { eventId: target.metadata.eventId, reason: 'entered in error' }, opts);
  }

  events(): StoredCaseEvent[] { return this.ledger.events.filter((e) => e.metadata.caseId === this.caseId); }
}

/** A new ledger with one case reported at `reportedAt`. */
export function aCase(reportedAt = '2021-03-04T10:15:00Z', report: ReportOverrides = {}, opts: EventOptions = {}): CaseHistory {
  return new LedgerBuilder().case('C-1', reportedAt, report, opts);
}

/** The case's facts at asOf (an ISO instant). */
export function factsAt(h: CaseHistory, asOf: string): CaseFacts | null {
  return caseFacts(digestsOf(h.events()).get(h.caseId)!, instantMs(asOf));
}

/** A view over every case of the ledger at asOf, with optional other parameters. */
export function viewAt<N extends ViewName>(
  name: N, from: LedgerBuilder | CaseHistory, asOf: string, params: Record<string, string> = {},
): ViewsByName[N] {
  const ledger = from instanceof CaseHistory ? from.ledger : from;
  return computeView(name, digestsOf(ledger.events).values(), parseViewParams({ asOf, ...params })) as ViewsByName[N];
}
