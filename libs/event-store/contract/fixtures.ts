// Small literal case events for the contract suite, after ../shared/spec/example-case.ndjson.
import { randomUUID } from 'node:crypto';
import type { CaseEvent, EventDataMap, EventType } from '../../case-ledger/domain/vocabulary.js';

let clock = Date.parse('2021-03-04T10:15:00Z');
function nextInstant(): string {
  clock += 60_000;
  return new Date(clock).toISOString();
}

export function makeEvent<T extends EventType>(
  caseId: string,
  type: T,
  data: EventDataMap[T],
  overrides: { eventId?: string; occurredAt?: string; recordedAt?: string; actor?: CaseEvent['metadata']['actor'] } = {},
): CaseEvent<T> {
  const occurredAt = overrides.occurredAt ?? nextInstant();
  const metadata: CaseEvent['metadata'] = {
    eventId: overrides.eventId ?? randomUUID(),
    caseId,
    occurredAt,
    recordedAt: overrides.recordedAt ?? occurredAt,
  };
  if (overrides.actor) metadata.actor = overrides.actor;
  return { type, data, metadata } as CaseEvent<T>;
}

export function caseReported(caseId: string, eventId?: string): CaseEvent<'CaseReported'> {
  return makeEvent(caseId, 'CaseReported', {
    crimeReference: 'CR-4217/21', force: 'MPS', borough: 'Lambeth', team: 'Lambeth-SOIT-2', offence: 'rape',
    offenceFrom: '2021-02-27', offenceTo: null, relationship: 'acquaintance', contactSinceOffence: true,
    victim: { pseudonym: 'V-8K2Q', ageBand: '25_34', additionalNeeds: false, phoneDependentLivelihood: false },
  }, { ...(eventId ? { eventId } : {}), actor: { id: 'pc-4412', role: 'oic' } });
}

export function officerAssigned(caseId: string, officerId = 'ds-2087', eventId?: string): CaseEvent<'OfficerAssigned'> {
  return makeEvent(caseId, 'OfficerAssigned', { officerId, role: 'oic', victimInformed: true }, eventId ? { eventId } : {});
}

export function isvaReferred(caseId: string, service = 'Havens', eventId?: string): CaseEvent<'IsvaReferred'> {
  return makeEvent(caseId, 'IsvaReferred', { service }, eventId ? { eventId } : {});
}

export function victimContact(caseId: string, eventId?: string): CaseEvent<'VictimContactMade'> {
  return makeEvent(caseId, 'VictimContactMade', { direction: 'to_victim', channel: 'phone', purpose: 'update' }, eventId ? { eventId } : {});
}

export function deviceRequested(caseId: string, requestId = 'dev-1'): CaseEvent<'DeviceRequested'> {
  return makeEvent(caseId, 'DeviceRequested', {
    requestId, owner: 'victim', deviceType: 'phone', lineOfEnquiry: '', alternativesConsidered: '',
    dataCategories: ['full_extraction'], periodFrom: '2014-03-01', periodTo: '2021-03-08', supervisorAuthorised: false,
  }, { actor: { id: 'ds-2087', role: 'oic' } });
}

export function victimWithdrew(caseId: string): CaseEvent<'VictimWithdrew'> {
  return makeEvent(caseId, 'VictimWithdrew', {
    reason: 'not_established', confirmedWithVictim: false, statementTaken: false, isvaInformed: false,
  }, { occurredAt: '2021-03-29T09:00:00+01:00', recordedAt: '2021-04-12T10:00:00+01:00' });
}

/** A case's first `count` events: CaseReported, then a mix of later actions. */
export function caseHistory(caseId: string, count: number): CaseEvent[] {
  const makers = [
    () => officerAssigned(caseId), () => isvaReferred(caseId), () => deviceRequested(caseId, `dev-${clock}`),
    () => victimContact(caseId), () => victimWithdrew(caseId),
  ];
  const out: CaseEvent[] = [caseReported(caseId)];
  for (let i = 1; i < count; i++) out.push(makers[(i - 1) % makers.length]!());
  return out;
}
