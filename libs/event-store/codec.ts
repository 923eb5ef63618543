// Stored body <-> CaseEvent. The stored body is the interchange line (events.md) as JSON text, kept
// byte for byte: the hash chain commits to it and `export` writes it out verbatim.
import type { Actor, CaseEvent, CaseEventMetadata, StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import { normalizeEventId, toInterchangeLine } from '../case-ledger/domain/interchange.js';

/** The fields of an interchange line, in the order they are written. */
export interface InterchangeFields {
  eventId: string;
  caseId: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor?: Actor;
  data: unknown;
}

/** An event ready to store: its interchange line, the line's JSON text and its eventId key (32 hex digits of the 16 bytes). */
export interface EncodedEvent {
  line: InterchangeFields;
  body: string;
  keyHex: string;
}

/** Encodings made ahead of time by `preEncodeParsed`, taken up by `encodeEvent`. */
const preEncoded = new WeakMap<CaseEvent, EncodedEvent>();

export function encodeEvent(event: CaseEvent): EncodedEvent {
  const ready = preEncoded.get(event);
  if (ready !== undefined) return ready;
  const line = toInterchangeLine(event) as unknown as InterchangeFields;
  const keyHex = eventKeyHex(event.metadata.eventId);
  if (keyHex === undefined) {
    throw new Error(`eventId "${event.metadata.eventId}" is not a UUID in the hyphenated 8-4-4-4-12 form`);
  }
  return { line, body: JSON.stringify(line), keyHex };
}

/**
 * Encodes, ahead of its append, an event just made by `parseEventLine`, whose objects are fresh and
 * already in the interchange order (the parser builds them field by field in the spec's order): its
 * line is then written in one pass, without `toInterchangeLine`'s re-ordering copy, and the store's
 * `encodeEvent` takes this encoding up. The importer does it while the previous chunk is written, so
 * it is off the append's critical path. The event must not be changed afterwards. The body is the
 * same text `encodeEvent` would write (codec.unit.spec.ts checks it over a generated cohort).
 */
export function preEncodeParsed(event: CaseEvent): void {
  const m = event.metadata;
  const line: InterchangeFields = m.actor === undefined
    ? { eventId: m.eventId, caseId: m.caseId, type: event.type, occurredAt: m.occurredAt, recordedAt: m.recordedAt, data: event.data }
    : { eventId: m.eventId, caseId: m.caseId, type: event.type, occurredAt: m.occurredAt, recordedAt: m.recordedAt, actor: m.actor, data: event.data };
  const keyHex = eventKeyHex(m.eventId);
  if (keyHex === undefined) return; // not storable: encodeEvent reports it
  preEncoded.set(event, { line, body: JSON.stringify(line), keyHex });
}

/** A stored event from its interchange line (already parsed) and its place in the ledger. */
export function storedFromLine(line: InterchangeFields, position: number, streamVersion: number): StoredCaseEvent {
  const metadata: CaseEventMetadata = {
    eventId: line.eventId,
    caseId: line.caseId,
    occurredAt: line.occurredAt,
    recordedAt: line.recordedAt,
  };
  if (line.actor !== undefined && line.actor !== null) metadata.actor = line.actor;
  return { type: line.type, data: line.data, metadata, position, streamVersion } as StoredCaseEvent;
}

/** Decodes a stored body (JSON text of an interchange line) into a StoredCaseEvent. */
export function decodeBody(body: string, position: number, streamVersion: number): StoredCaseEvent {
  return storedFromLine(JSON.parse(body) as InterchangeFields, position, streamVersion);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The 32 hex digits of a UUID eventId, lower case (the store's `event_key`), or undefined if it is not a UUID. */
export function eventKeyHex(eventId: string): string | undefined {
  if (typeof eventId !== 'string') return undefined;
  const id = normalizeEventId(eventId);
  if (!UUID.test(id)) return undefined;
  return id.slice(0, 8) + id.slice(9, 13) + id.slice(14, 18) + id.slice(19, 23) + id.slice(24);
}

/** The distinct keys of these eventIds (ids that are not UUIDs cannot be stored: left out). */
export function eventKeysHex(eventIds: string[]): Set<string> {
  const keys = new Set<string>();
  for (const id of eventIds) {
    const hex = eventKeyHex(id);
    if (hex !== undefined) keys.add(hex);
  }
  return keys;
}

const PREFIX = '{"eventId":"';
/**
 * The eventId written in a stored body. Bodies the stores write begin with it, so this is a slice;
 * anything else is parsed. Undefined when the body is not an object with a string eventId.
 */
export function eventIdInBody(body: string): string | undefined {
  if (body.startsWith(PREFIX) && body.charCodeAt(PREFIX.length + 36) === 34 /* " */) {
    const id = body.slice(PREFIX.length, PREFIX.length + 36);
    if (!id.includes('\\')) return id;
  }
  try {
    const value = JSON.parse(body) as { eventId?: unknown } | null;
    return value && typeof value.eventId === 'string' ? value.eventId : undefined;
  } catch {
    return undefined;
  }
}
