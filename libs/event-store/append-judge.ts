// How every adapter judges an append request, inside its write transaction (after it has the lock):
// idempotency by eventId first (so a retry of stored events is a 'duplicate' whatever version it
// expected), then the expected version. Pure: the adapter supplies the look-ups.
import type { CaseEvent, StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import { EventIdConflictError, VersionConflictError } from '../case-ledger/domain/errors.js';
import { contentDifferences, sameContent } from '../case-ledger/domain/interchange.js';
import type { AppendRequest, ExpectedVersion } from './port.js';
import { encodeEvent, type EncodedEvent } from './codec.js';

export interface PreparedEvent extends EncodedEvent {
  event: CaseEvent;
}

export interface PreparedRequest {
  caseId: string;
  expectedVersion: ExpectedVersion;
  events: PreparedEvent[];
}

/** Checks a request's shape and encodes its events (no store access). Throws on a malformed request. */
export function prepareRequest(request: AppendRequest): PreparedRequest {
  const { caseId, expectedVersion, events } = request;
  if (typeof caseId !== 'string' || caseId.length === 0 || caseId.includes('\n')) {
    throw new Error('an append request needs a caseId: a non-empty string with no line break');
  }
  if (expectedVersion !== 'any' && !(Number.isSafeInteger(expectedVersion) && expectedVersion >= 0)) {
    throw new Error(`expectedVersion must be 'any' or an integer >= 0 (got ${String(expectedVersion)})`);
  }
  if (!Array.isArray(events)) throw new Error('an append request needs an array of events');
  const seen = new Set<string>();
  const prepared = events.map((event) => {
    if (event.metadata.caseId !== caseId) {
      throw new Error(`event ${event.metadata.eventId} is of case ${event.metadata.caseId}, not of the request's case ${caseId}`);
    }
    const encoded = encodeEvent(event);
    if (seen.has(encoded.keyHex)) throw new EventIdConflictError(event.metadata.eventId, [
      'event (the same eventId is given twice in one append request)',
    ]);
    seen.add(encoded.keyHex);
    return { ...encoded, event };
  });
  return { caseId, expectedVersion, events: prepared };
}

export interface LedgerLookup {
  /** The stored event with this key (including ones appended earlier in the same transaction). */
  storedEvent(event: PreparedEvent): StoredCaseEvent | undefined;
  /** The case's current stream version (including appends earlier in the same transaction). */
  currentVersion(caseId: string): number;
  /** An earlier request of this case in the same batch was refused. */
  refusedEarlier(caseId: string): boolean;
}

export type Judgement =
  | { kind: 'append'; currentVersion: number }
  | { kind: 'duplicate'; events: StoredCaseEvent[] };

/**
 * 'duplicate' when every event is already stored with the same content; EventIdConflictError when one
 * is stored with different content, or when only some are stored (a retry must be the same request);
 * VersionConflictError when the expected version is not the current one, or when an earlier request of
 * the case in the same batch was refused; otherwise 'append'.
 */
export function judgeRequest(request: PreparedRequest, lookup: LedgerLookup): Judgement {
  const found = request.events.map((e) => lookup.storedEvent(e));
  const stored = found.filter((f): f is StoredCaseEvent => f !== undefined);
  if (stored.length > 0) {
    for (let i = 0; i < found.length; i++) {
      const prior = found[i];
      if (prior && !sameContent(prior, request.events[i]!.event)) {
        const event = request.events[i]!.event;
        throw new EventIdConflictError(event.metadata.eventId, contentDifferences(prior, event));
      }
    }
    if (stored.length === found.length) return { kind: 'duplicate', events: stored };
    const first = request.events[found.findIndex((f) => f !== undefined)]!;
    throw new EventIdConflictError(first.event.metadata.eventId, [
      `set of events (only ${stored.length} of this request's ${found.length} events are stored; a retry must repeat exactly the stored events)`,
    ]);
  }
  const current = lookup.currentVersion(request.caseId);
  // A request of a case after a refused one in the same batch was built on it (the batch's requests
  // of a case follow each other): refused too, even if the version matches (it may match by chance,
  // another writer having appended as many events as were refused).
  if (request.expectedVersion !== 'any' && (request.expectedVersion !== current || lookup.refusedEarlier(request.caseId))) {
    throw new VersionConflictError(request.caseId, request.expectedVersion, current);
  }
  return { kind: 'append', currentVersion: current };
}

