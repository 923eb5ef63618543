// One line of the interchange format v1 (shared/spec/events.md): parsing + validation, and the reverse.
//
// Speed: the importer targets 40,000 events/s end to end, so this file avoids regular expressions,
// exceptions and per-field string building on the happy path. The shape of each type is a small table
// (TYPE_SCHEMAS, keys in the spec's order) read by one tight loop; error messages are only built when
// something is wrong.
//
// Decisions where the spec is silent (validation):
// - Length limits: identifiers and names (caseId aside, which has its own 64) at most 128 characters;
//   free text (lineOfEnquiry, alternativesConsidered, rationale, CaseReopened.reason, EntryVoided.reason)
//   at most 4000. Lengths are String.prototype.length (UTF-16 code units), so an emoji counts 2.
//   Breaking a limit is `validation.range`.
// - `null` is refused for every field the spec does not mark "or null", optional ones included
//   (`eventId`, `recordedAt`, `actor`): omit an optional field instead (`validation.type`).
// - A nullable data field (`offenceTo`, `periodFrom`, `periodTo`, `contactSinceOffence`, ConcernRaised
//   `requestId`) must still be present: `null` says "none", absence is `validation.required`.
// - A blank `caseId`/`eventId` is `validation.empty`; any other bad one is `validation.format`.
// - Instants: `T` and `Z` in upper case only; leap second `:60` refused (JavaScript has no such instant);
//   offset `-00:00` accepted (same instant as `Z`); offsets up to ±18:00 inclusive.
// - `dataCategories` may repeat a value (kept as given); date ranges (offenceFrom > offenceTo,
//   periodFrom > periodTo) and offence dates after the report are accepted: recorded, not refused,
//   like other questionable entries.
// - An `occurredAt` later than the ledger's time of append is `rule.recorded_in_future` (field
//   `occurredAt`), the same rule as a `recordedAt` in the future.
// - `outcomeCode` must be a JSON number that is an integer (16.0 is 16); a non-integer or a string is
//   `validation.type`, an integer outside 1–23 is `validation.range`.
import { RuleViolationError, ValidationError, type ValidationRule } from './errors.js';
import {
  ACTOR_ROLES, AGE_BANDS, CANCELLED_BY, CHARGING_DECISIONS, CONCERN_KINDS, CONCERN_RAISERS, CONTACT_CHANNELS,
  CONTACT_DIRECTIONS, CONTACT_PURPOSES, DATA_CATEGORIES, DEVICE_OWNERS, DEVICE_TYPES, EVENT_TYPES, EXTRACTION_OUTCOMES,
  INCONSISTENCY_NATURES, INTERVIEW_KINDS, KEY_DECISIONS, OFFENCES, OFFICER_ROLES, RELATIONSHIPS, REVIEW_REQUESTERS,
  THIRD_PARTY_HOLDERS, WITHDRAWAL_REASONS,
  type Actor, type CaseEvent, type CaseEventMetadata, type EventDataMap, type EventType,
} from './vocabulary.js';

/** Longest identifier or name (crimeReference, force, borough, team, pseudonyms, officerId, service, interviewId, requestId, actor.id). */
export const MAX_ID_LENGTH = 128;
/** Longest free text (lineOfEnquiry, alternativesConsidered, rationale, reasons). */
export const MAX_TEXT_LENGTH = 4000;
/** Longest caseId (events.md). */
export const MAX_CASE_ID_LENGTH = 64;

// ---------------------------------------------------------------------------------------------
// Instants and dates
// ---------------------------------------------------------------------------------------------

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (exact for every 4-digit year; no Date involved). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Two ASCII digits at i as a number, or -1. */
function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `YYYY-MM-DD` at the start of s as days since the epoch, or NaN. Checks separators and the calendar. */
function datePart(s: string): number {
  const y1 = d2(s, 0);
  const y2 = d2(s, 2);
  const m = d2(s, 5);
  const d = d2(s, 8);
  if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const y = y1 * 100 + y2;
  if (d > daysInMonth(y, m)) return NaN;
  return daysFromCivil(y, m, d);
}

/**
 * Milliseconds since the epoch of an ISO 8601 instant of the interchange format:
 * `YYYY-MM-DDTHH:MM:SS(.s{1,3})?(Z|±HH:MM)`, a real calendar date and time of day, offset at most ±18:00.
 * Exact (integer arithmetic, no Date parsing). NaN for anything else: callers that hold validated
 * instants never see NaN.
 */
export function instantMs(s: string): number {
  if (typeof s !== 'string') return NaN; // robust for unvalidated callers
  const n = s.length;
  if (n < 20 || n > 29) return NaN;
  const days = datePart(s);
  if (days !== days) return NaN;
  if (s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  const h = d2(s, 11);
  const mi = d2(s, 14);
  const se = d2(s, 17);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return NaN;
  let i = 19;
  let c = s.charCodeAt(i);
  let ms = 0;
  if (c === 46 /* . */) {
    let k = 0;
    i++;
    c = s.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      if (k === 3) return NaN; // more than millisecond precision
      ms = ms * 10 + (c - 48);
      k++;
      c = s.charCodeAt(++i);
    }
    if (k === 0) return NaN;
    if (k === 1) ms *= 100;
    else if (k === 2) ms *= 10;
  }
  let offsetMin = 0;
  if (c === 90 /* Z */) {
    if (i + 1 !== n) return NaN;
  } else if (c === 43 /* + */ || c === 45 /* - */) {
    if (i + 6 !== n || s.charCodeAt(i + 3) !== 58) return NaN;
    const oh = d2(s, i + 1);
    const om = d2(s, i + 4);
    if (oh < 0 || om < 0 || om > 59 || oh > 18 || (oh === 18 && om > 0)) return NaN;
    offsetMin = c === 43 ? oh * 60 + om : -(oh * 60 + om);
  } else {
    return NaN;
  }
  return days * MS_PER_DAY + h * 3_600_000 + mi * 60_000 + se * 1000 + ms - offsetMin * 60_000;
}

/** Days since the epoch of a `YYYY-MM-DD` calendar date, or NaN when it is not one. */
export function dateDays(s: string): number {
  return s.length === 10 ? datePart(s) : NaN;
}

/** Why a string is not an instant of the format (error path only, so a regular expression is fine here: it cannot backtrack badly). */
function instantProblem(s: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d*))?)?(Z|[+-]\d{2}:\d{2})?$/.exec(s);
  if (m === null) return 'not an ISO 8601 instant like 2021-03-04T10:15:00Z or 2021-03-04T10:15:00.250+01:00';
  if (m[6] === undefined) return 'seconds are required';
  if (m[7] !== undefined && m[7].length === 0) return 'a decimal point needs digits after it';
  if (m[7] !== undefined && m[7].length > 3) return 'at most millisecond precision (3 decimals)';
  if (m[8] === undefined) return 'an offset is required (Z or ±HH:MM)';
  if (Number.isNaN(datePart(s))) return 'not a real calendar date';
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return 'not a real time of day';
  if (m[8] !== 'Z' && Number(m[8].slice(4)) > 59) return 'offset minutes beyond 59';
  return 'offset beyond ±18:00';
}

function dateProblem(s: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return 'not a calendar date YYYY-MM-DD';
  return 'not a real calendar date';
}

// ---------------------------------------------------------------------------------------------
// Identifier formats
// ---------------------------------------------------------------------------------------------

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Hyphenated 8-4-4-4-12 hexadecimal, any version, any case. */
export function isUuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!isHex(c)) {
      return false;
    }
  }
  return true;
}

/** `^[A-Za-z0-9\-_/.]{1,64}$` */
export function isCaseId(s: string): boolean {
  const n = s.length;
  if (n < 1 || n > MAX_CASE_ID_LENGTH) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 45 && c <= 57) /* - . / 0-9 */ || c === 95 /* _ */)) return false;
  }
  return true;
}

/** UUIDs compare case-insensitively: the form used to look them up (the stored form stays as given). */
export function normalizeEventId(id: string): string {
  return id.toLowerCase();
}

/** Empty or white space only, as String.prototype.trim() defines white space. */
export function isBlank(s: string): boolean {
  if (s.length === 0) return true;
  const c = s.charCodeAt(0);
  if (c > 32 && c < 127) return false; // a visible ASCII character first: the common case, no allocation
  return s.trim().length === 0;
}

// ---------------------------------------------------------------------------------------------
// The schema table
// ---------------------------------------------------------------------------------------------

const K_ID = 0;          // non-empty string, <= MAX_ID_LENGTH
const K_TEXT = 1;        // non-empty string, <= MAX_TEXT_LENGTH
const K_TEXT_OR_EMPTY = 2; // string that may be empty, <= MAX_TEXT_LENGTH
const K_ENUM = 3;
const K_BOOL = 4;
const K_BOOL_OR_NULL = 5;
const K_DATE = 6;
const K_DATE_OR_NULL = 7;
const K_INSTANT = 8;
const K_OUTCOME = 9;     // integer 1–23
const K_CATEGORIES = 10; // non-empty array of DATA_CATEGORIES
const K_ID_OR_NULL = 11;
const K_UUID = 12;
const K_OBJECT = 13;

interface FieldDef<N extends string = string> {
  readonly name: N;
  readonly kind: number;
  readonly values?: readonly string[];
  readonly fields?: readonly FieldDef[];
}

interface Field {
  readonly name: string;
  readonly path: string; // e.g. data.victim.ageBand
  readonly kind: number;
  readonly values: ReadonlyMap<string, string> | null; // value -> the table's own (shared) string
  readonly valuesText: string;
  readonly object: ObjectSchema | null;
}

interface ObjectSchema {
  readonly path: string;  // data, data.victim
  readonly owner: string; // CaseReported, CaseReported.victim: for messages
  readonly fields: readonly Field[];
  readonly names: ReadonlySet<string>;
}

const id = <N extends string>(name: N): FieldDef<N> => ({ name, kind: K_ID });
const text = <N extends string>(name: N): FieldDef<N> => ({ name, kind: K_TEXT });
const textOrEmpty = <N extends string>(name: N): FieldDef<N> => ({ name, kind: K_TEXT_OR_EMPTY });
const oneOf = <N extends string>(name: N, values: readonly string[]): FieldDef<N> => ({ name, kind: K_ENUM, values });
const bool = <N extends string>(name: N): FieldDef<N> => ({ name, kind: K_BOOL });
const boolOrNull = <N extends string>(name: N): FieldDef<N> => ({ name, kind: K_BOOL_OR_NULL });
const date = <N extends string>(name: N): FieldDef<N> => ({ name, kind: K_DATE });
const dateOrNull = <N extends string>(name: N): FieldDef<N> => ({ name, kind: K_DATE_OR_NULL });
const instant = <N extends string>(name: N): FieldDef<N> => ({ name, kind: K_INSTANT });
const object = <N extends string>(name: N, fields: readonly FieldDef[]): FieldDef<N> => ({ name, kind: K_OBJECT, fields });
const requestId = id('requestId');

/** Each type's data fields, in the spec's order (the order the output objects get). */
const TYPE_FIELDS: { readonly [K in EventType]: readonly FieldDef<keyof EventDataMap[K] & string>[] } = {
  CaseReported: [
    id('crimeReference'), id('force'), id('borough'), id('team'), oneOf('offence', OFFENCES), date('offenceFrom'),
    dateOrNull('offenceTo'), oneOf('relationship', RELATIONSHIPS), boolOrNull('contactSinceOffence'),
    object('victim', [id('pseudonym'), oneOf('ageBand', AGE_BANDS), bool('additionalNeeds'), bool('phoneDependentLivelihood')]),
  ],
  OfficerAssigned: [id('officerId'), oneOf('role', OFFICER_ROLES), bool('victimInformed')],
  VictimContactMade: [oneOf('direction', CONTACT_DIRECTIONS), oneOf('channel', CONTACT_CHANNELS), oneOf('purpose', CONTACT_PURPOSES)],
  IsvaReferred: [id('service')],
  IsvaEngaged: [id('service')],
  InterviewScheduled: [id('interviewId'), oneOf('kind', INTERVIEW_KINDS), instant('scheduledFor')],
  InterviewHeld: [id('interviewId')],
  InterviewCancelled: [id('interviewId'), oneOf('cancelledBy', CANCELLED_BY), bool('victimWishesToRearrange')],
  AccountInconsistencyNoted: [oneOf('nature', INCONSISTENCY_NATURES), bool('traumaImpactConsidered')],
  SuspectIdentified: [id('suspectPseudonym')],
  KeyDecisionMade: [oneOf('decision', KEY_DECISIONS)],
  DeviceRequested: [
    requestId, oneOf('owner', DEVICE_OWNERS), oneOf('deviceType', DEVICE_TYPES), textOrEmpty('lineOfEnquiry'),
    textOrEmpty('alternativesConsidered'), { name: 'dataCategories', kind: K_CATEGORIES, values: DATA_CATEGORIES },
    dateOrNull('periodFrom'), dateOrNull('periodTo'), bool('supervisorAuthorised'),
  ],
  DeviceRequestAgreed: [
    requestId,
    object('notice', [
      bool('informationSoughtStated'), bool('reasonStated'), bool('rightToRefuseStated'),
      bool('refusalNotEndingCaseStated'), bool('signedBeforeCompleted'),
    ]),
  ],
  DeviceRequestDeclined: [requestId],
  DeviceAgreementWithdrawn: [requestId],
  DeviceSeized: [requestId],
  ReplacementDeviceProvided: [requestId],
  DeviceExtracted: [requestId, oneOf('outcome', EXTRACTION_OUTCOMES)],
  DeviceExamined: [requestId, bool('relevantMaterialFound')],
  DeviceReturned: [requestId],
  ThirdPartyMaterialRequested: [
    requestId, oneOf('holder', THIRD_PARTY_HOLDERS), textOrEmpty('lineOfEnquiry'), dateOrNull('periodFrom'),
    dateOrNull('periodTo'), bool('seniorApproval'), bool('victimInformed'),
  ],
  ThirdPartyMaterialReceived: [requestId, bool('relevantMaterialFound')],
  VictimWithdrew: [oneOf('reason', WITHDRAWAL_REASONS), bool('confirmedWithVictim'), bool('statementTaken'), bool('isvaInformed')],
  VictimReengaged: [],
  ConcernRaised: [oneOf('raisedBy', CONCERN_RAISERS), oneOf('kind', CONCERN_KINDS), { name: 'requestId', kind: K_ID_OR_NULL }],
  CaseReferredToCps: [],
  ChargingDecisionMade: [oneOf('decision', CHARGING_DECISIONS)],
  CaseClosed: [{ name: 'outcomeCode', kind: K_OUTCOME }, textOrEmpty('rationale'), bool('victimInformed')],
  CaseReopened: [text('reason')],
  ReviewRequested: [oneOf('requestedBy', REVIEW_REQUESTERS)],
  ReviewDecided: [bool('upheld')],
  EntryVoided: [{ name: 'eventId', kind: K_UUID }, text('reason')],
};

function compile(defs: readonly FieldDef[], path: string, owner: string): ObjectSchema {
  const fields = defs.map((d): Field => {
    const p = `${path}.${d.name}`;
    return {
      name: d.name,
      path: p,
      kind: d.kind,
      values: d.values ? new Map(d.values.map((v) => [v, v])) : null,
      valuesText: d.values ? d.values.join(', ') : '',
      object: d.fields ? compile(d.fields, p, `${owner}.${d.name}`) : null,
    };
  });
  return { path, owner, fields, names: new Set(fields.map((f) => f.name)) };
}

const SCHEMAS: ReadonlyMap<string, { readonly type: EventType; readonly data: ObjectSchema }> = new Map(
  EVENT_TYPES.map((t) => [t, { type: t, data: compile(TYPE_FIELDS[t], 'data', t) }]),
);
const ACTOR_SCHEMA = compile([id('id'), oneOf('role', ACTOR_ROLES)], 'actor', 'actor');
const TOP_LEVEL_FIELDS = ['eventId', 'caseId', 'type', 'occurredAt', 'recordedAt', 'actor', 'data'] as const;
const TOP_LEVEL_NAMES: ReadonlySet<string> = new Set(TOP_LEVEL_FIELDS);
const EVENT_TYPES_TEXT = EVENT_TYPES.join(', ');

// ---------------------------------------------------------------------------------------------
// Messages (error path only)
// ---------------------------------------------------------------------------------------------

function shown(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string': {
      const s = JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
      return s;
    }
    case 'number': case 'boolean': return String(v);
    case 'object': return 'an object';
    default: return typeof v;
  }
}

function fail(rule: ValidationRule, field: string, message: string): ValidationError {
  return new ValidationError(rule, field, message);
}
const required = (path: string, nullable = false): ValidationError =>
  fail('required', path, `${path} is required${nullable ? ' (null when there is none)' : ''}`);
const wrongType = (path: string, what: string, v: unknown): ValidationError =>
  v === undefined ? required(path) : fail('type', path, `${path} must be ${what} (got ${shown(v)})`);
const notOneOf = (path: string, valuesText: string, v: unknown): ValidationError =>
  fail('enum', path, `${path} must be one of ${valuesText} (got ${shown(v)})`);
const blank = (path: string): ValidationError =>
  fail('empty', path, `${path} must not be empty or white space only`);
const tooLong = (path: string, max: number, n: number): ValidationError =>
  fail('range', path, `${path} must be at most ${max} characters (got ${n})`);

/** The first field of `src` the schema does not define, as an error; null when there is none. */
function unknownField(src: Record<string, unknown>, names: ReadonlySet<string>, prefix: string, owner: string): ValidationError | null {
  for (const k in src) {
    if (!names.has(k)) {
      const p = prefix === '' ? k : `${prefix}.${k}`;
      return fail('unknown_field', p, `${p} is not a field of ${owner} (allowed: ${[...names].join(', ') || 'none'})`);
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------------------------

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readString(v: unknown, path: string, max: number, mayBeEmpty: boolean): string | ValidationError {
  if (typeof v !== 'string') return wrongType(path, 'a string', v);
  if (v.length > max) return tooLong(path, max, v.length);
  if (!mayBeEmpty && isBlank(v)) return blank(path);
  return v;
}

function readField(f: Field, v: unknown): unknown {
  switch (f.kind) {
    case K_ID: return readString(v, f.path, MAX_ID_LENGTH, false);
    case K_TEXT: return readString(v, f.path, MAX_TEXT_LENGTH, false);
    case K_TEXT_OR_EMPTY: return readString(v, f.path, MAX_TEXT_LENGTH, true);
    case K_ENUM: {
      if (typeof v !== 'string') return v === undefined ? required(f.path) : notOneOf(f.path, f.valuesText, v);
      const c = f.values!.get(v);
      return c === undefined ? notOneOf(f.path, f.valuesText, v) : c;
    }
    case K_BOOL:
      return typeof v === 'boolean' ? v : wrongType(f.path, 'a boolean (true or false)', v);
    case K_BOOL_OR_NULL:
      if (typeof v === 'boolean' || v === null) return v;
      return v === undefined ? required(f.path, true) : wrongType(f.path, 'a boolean or null', v);
    case K_DATE:
    case K_DATE_OR_NULL: {
      if (typeof v !== 'string') {
        if (v === null && f.kind === K_DATE_OR_NULL) return null;
        if (v === undefined) return required(f.path, f.kind === K_DATE_OR_NULL);
        return wrongType(f.path, f.kind === K_DATE ? 'a date YYYY-MM-DD' : 'a date YYYY-MM-DD or null', v);
      }
      const days = dateDays(v);
      if (days === days) return v;
      return fail('format', f.path, `${f.path} must be a calendar date YYYY-MM-DD (got ${shown(v)}: ${dateProblem(v)})`);
    }
    case K_INSTANT: {
      if (typeof v !== 'string') return wrongType(f.path, 'an ISO 8601 instant', v);
      const ms = instantMs(v);
      if (ms === ms) return v;
      return fail('format', f.path, `${f.path} must be an ISO 8601 instant with offset, at most millisecond precision (got ${shown(v)}: ${instantProblem(v)})`);
    }
    case K_OUTCOME: {
      if (typeof v !== 'number' || !Number.isInteger(v)) return wrongType(f.path, 'an integer from 1 to 23', v);
      if (v >= 1 && v <= 23) return v;
      if (v === 0) return fail('range', f.path, `${f.path} must be an integer from 1 to 23 (got 0: 0 means "no outcome yet" and never closes a case)`);
      return fail('range', f.path, `${f.path} must be an integer from 1 to 23 (got ${v})`);
    }
    case K_CATEGORIES: {
      if (!Array.isArray(v)) return wrongType(f.path, `a non-empty array of ${f.valuesText}`, v);
      const n = v.length;
      if (n === 0) return fail('empty', f.path, `${f.path} must list at least one of ${f.valuesText}`);
      const out = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const e: unknown = v[i];
        const c = typeof e === 'string' ? f.values!.get(e) : undefined;
        if (c === undefined) return notOneOf(`${f.path}[${i}]`, f.valuesText, e);
        out[i] = c;
      }
      return out;
    }
    case K_ID_OR_NULL:
      if (v === null) return null;
      if (v === undefined) return required(f.path, true);
      if (typeof v !== 'string') return wrongType(f.path, 'a string or null', v);
      return readString(v, f.path, MAX_ID_LENGTH, false);
    case K_UUID: {
      if (typeof v !== 'string') return wrongType(f.path, 'a UUID', v);
      if (isUuid(v)) return v;
      if (isBlank(v)) return blank(f.path);
      return fail('format', f.path, `${f.path} must be a UUID in the hyphenated 8-4-4-4-12 hexadecimal form (got ${shown(v)})`);
    }
    case K_OBJECT:
      return readObject(v, f.object!);
    default:
      throw new Error(`interchange schema: unknown field kind ${f.kind}`); // unreachable: the table is fixed
  }
}

/** Validates `v` against a schema and builds a fresh object with the schema's keys in its order. */
function readObject(v: unknown, schema: ObjectSchema): Record<string, unknown> | ValidationError {
  if (!isObject(v)) return wrongType(schema.path, 'an object', v);
  const out: Record<string, unknown> = {};
  const fields = schema.fields;
  const n = fields.length;
  for (let i = 0; i < n; i++) {
    const f = fields[i]!;
    const r = readField(f, v[f.name]);
    if (r instanceof ValidationError) return unknownField(v, schema.names, schema.path, schema.owner) ?? r;
    out[f.name] = r;
  }
  let keys = 0;
  for (const _k in v) keys++;
  if (keys !== n) return unknownField(v, schema.names, schema.path, schema.owner) ?? out;
  return out;
}

// ---------------------------------------------------------------------------------------------
// parseEventLine
// ---------------------------------------------------------------------------------------------

export interface ParseContext {
  /** ms since the epoch: the ledger's "now", the time it appends the event. */
  appendedAt: number;
  /** Makes an eventId for a line that has none. */
  newEventId: () => string;
}

export type ParseResult =
  | { ok: true; event: CaseEvent; eventIdGiven: boolean }
  | { ok: false; error: ValidationError | RuleViolationError };

let lastAppendedAt = NaN;
let lastAppendedAtIso = '';
/** `YYYY-MM-DDTHH:MM:SS.sssZ` of a ms instant (cached: an import appends many lines at the same ms). */
function isoOf(ms: number): string {
  if (ms !== lastAppendedAt) {
    lastAppendedAtIso = new Date(ms).toISOString();
    lastAppendedAt = ms;
  }
  return lastAppendedAtIso;
}

const bad = (error: ValidationError | RuleViolationError): ParseResult => ({ ok: false, error });

/**
 * Parses and validates one interchange line (the JSON value of one NDJSON line, already JSON.parse'd).
 * Never throws for bad input: the first problem found comes back as `{ ok: false, error }`.
 * Fields are checked in the order eventId, caseId, type, occurredAt, recordedAt, actor, data (an unknown
 * field at a level is reported before the other problems of that level); the instant rules
 * (recordedAt >= occurredAt, nothing later than ctx.appendedAt) after the shape.
 */
export function parseEventLine(value: unknown, ctx: ParseContext): ParseResult {
  if (!isObject(value)) {
    return bad(fail('type', 'line', `an interchange line must be a JSON object (got ${shown(value)})`));
  }
  const eventIdIn = value.eventId;
  const caseIdIn = value.caseId;
  const typeIn = value.type;
  const occurredAtIn = value.occurredAt;
  const recordedAtIn = value.recordedAt;
  const actorIn = value.actor;
  const dataIn = value.data;

  let present = 0;
  if (eventIdIn !== undefined) present++;
  if (caseIdIn !== undefined) present++;
  if (typeIn !== undefined) present++;
  if (occurredAtIn !== undefined) present++;
  if (recordedAtIn !== undefined) present++;
  if (actorIn !== undefined) present++;
  if (dataIn !== undefined) present++;
  let keys = 0;
  for (const _k in value) keys++;
  if (keys !== present) {
    const u = unknownField(value, TOP_LEVEL_NAMES, '', 'an interchange line');
    if (u !== null) return bad(u);
  }

  // eventId (optional): kept exactly as given
  let eventId: string;
  const eventIdGiven = eventIdIn !== undefined;
  if (eventIdGiven) {
    if (typeof eventIdIn !== 'string') return bad(wrongType('eventId', 'a UUID (omit the field to let the ledger make one)', eventIdIn));
    if (!isUuid(eventIdIn)) {
      if (isBlank(eventIdIn)) return bad(blank('eventId'));
      return bad(fail('format', 'eventId', `eventId must be a UUID in the hyphenated 8-4-4-4-12 hexadecimal form (got ${shown(eventIdIn)})`));
    }
    eventId = eventIdIn;
  } else {
    eventId = '';
  }

  // caseId
  if (typeof caseIdIn !== 'string') return bad(wrongType('caseId', 'a string', caseIdIn));
  if (!isCaseId(caseIdIn)) {
    if (isBlank(caseIdIn)) return bad(blank('caseId'));
    return bad(fail('format', 'caseId', `caseId must be 1–64 characters of A-Z a-z 0-9 - _ / . (got ${shown(caseIdIn)})`));
  }

  // type
  if (typeIn === undefined) return bad(required('type'));
  const schema = typeof typeIn === 'string' ? SCHEMAS.get(typeIn) : undefined;
  if (schema === undefined) return bad(notOneOf('type', EVENT_TYPES_TEXT, typeIn));

  // occurredAt, recordedAt
  if (typeof occurredAtIn !== 'string') return bad(wrongType('occurredAt', 'an ISO 8601 instant', occurredAtIn));
  const occurredMs = instantMs(occurredAtIn);
  if (occurredMs !== occurredMs) {
    return bad(fail('format', 'occurredAt', `occurredAt must be an ISO 8601 instant with offset, at most millisecond precision (got ${shown(occurredAtIn)}: ${instantProblem(occurredAtIn)})`));
  }
  let recordedMs = NaN;
  if (recordedAtIn !== undefined) {
    if (typeof recordedAtIn !== 'string') return bad(wrongType('recordedAt', 'an ISO 8601 instant (omit the field to default it to the time of append)', recordedAtIn));
    recordedMs = instantMs(recordedAtIn);
    if (recordedMs !== recordedMs) {
      return bad(fail('format', 'recordedAt', `recordedAt must be an ISO 8601 instant with offset, at most millisecond precision (got ${shown(recordedAtIn)}: ${instantProblem(recordedAtIn)})`));
    }
  }

  // actor (optional)
  let actor: Actor | undefined;
  if (actorIn !== undefined) {
    const a = readObject(actorIn, ACTOR_SCHEMA);
    if (a instanceof ValidationError) return bad(a);
    actor = a as unknown as Actor;
  }

  // data
  if (dataIn === undefined) return bad(required('data', false));
  const data = readObject(dataIn, schema.data);
  if (data instanceof ValidationError) return bad(data);

  // the instant rules
  const appendedAt = ctx.appendedAt;
  if (occurredMs > appendedAt) {
    return bad(new RuleViolationError(
      'rule.recorded_in_future',
      `occurredAt ${occurredAtIn} is later than the time the ledger received the event (${isoOf(appendedAt)}): an event cannot have happened after it was recorded`,
      { field: 'occurredAt' },
    ));
  }
  let recordedAt: string;
  if (recordedAtIn === undefined) {
    recordedAt = isoOf(appendedAt);
  } else {
    if (recordedMs < occurredMs) {
      return bad(new RuleViolationError(
        'rule.recorded_before_occurred',
        `recordedAt ${recordedAtIn} is before occurredAt ${occurredAtIn}: an event cannot be recorded before it happened`,
        { field: 'recordedAt' },
      ));
    }
    if (recordedMs > appendedAt) {
      return bad(new RuleViolationError(
        'rule.recorded_in_future',
        `recordedAt ${recordedAtIn} is later than the time the ledger received the event (${isoOf(appendedAt)}): a source cannot have recorded it after the ledger received it`,
        { field: 'recordedAt' },
      ));
    }
    recordedAt = recordedAtIn as string;
  }

  if (!eventIdGiven) eventId = ctx.newEventId();
  const metadata: CaseEventMetadata = actor === undefined
    ? { eventId, caseId: caseIdIn, occurredAt: occurredAtIn, recordedAt }
    : { eventId, caseId: caseIdIn, occurredAt: occurredAtIn, recordedAt, actor };
  return { ok: true, event: { type: schema.type, data, metadata } as CaseEvent, eventIdGiven };
}

// ---------------------------------------------------------------------------------------------
// The reverse, and content comparison
// ---------------------------------------------------------------------------------------------

/** Rebuilds an object with the schema's keys first, in its order (then any others, as found). */
function ordered(src: Record<string, unknown>, schema: ObjectSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of schema.fields) {
    const v = src[f.name];
    if (v === undefined) continue;
    out[f.name] = f.object !== null && isObject(v) ? ordered(v, f.object) : Array.isArray(v) ? v.slice() : v;
  }
  for (const k in src) if (!schema.names.has(k)) out[k] = src[k];
  return out;
}

/** An event's data with its keys in the spec's order (a copy). */
export function orderedData<T extends EventType>(type: T, data: EventDataMap[T]): EventDataMap[T] {
  const schema = SCHEMAS.get(type);
  if (schema === undefined || !isObject(data)) return data;
  return ordered(data, schema.data) as EventDataMap[T];
}

/** The interchange line of an event: eventId, caseId, type, occurredAt, recordedAt, actor (when present), data. */
export type InterchangeLine = {
  eventId: string;
  caseId: string;
  type: EventType;
  occurredAt: string;
  recordedAt: string;
  actor?: Actor;
  data: EventDataMap[EventType];
};

/**
 * The interchange line of an event, keys in the order eventId, caseId, type, occurredAt, recordedAt,
 * actor (only when present), data (keys in the spec's order). `JSON.stringify` of it is what the store
 * keeps and what export prints.
 */
export function toInterchangeLine(event: CaseEvent): InterchangeLine {
  const m = event.metadata;
  const data = orderedData(event.type, event.data);
  return m.actor === undefined
    ? { eventId: m.eventId, caseId: m.caseId, type: event.type, occurredAt: m.occurredAt, recordedAt: m.recordedAt, data }
    : {
        eventId: m.eventId, caseId: m.caseId, type: event.type, occurredAt: m.occurredAt, recordedAt: m.recordedAt,
        actor: { id: m.actor.id, role: m.actor.role }, data,
      };
}

/** `JSON.stringify(toInterchangeLine(event))`: the stored and exported text of an event. */
export function serializeEvent(event: CaseEvent): string {
  return JSON.stringify(toInterchangeLine(event));
}

/** JSON with object keys sorted (by code unit) at every level: equal content gives equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((e) => (e === undefined ? 'null' : canonicalJson(e))).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function sameInstant(a: string, b: string): boolean {
  if (a === b) return true;
  const x = instantMs(a);
  return x === x && x === instantMs(b);
}

/**
 * What differs between two events by the idempotency rule of events.md: `caseId`, `type`, `occurredAt`
 * (compared as instants: 2021-03-29T09:00:00+01:00 is 2021-03-29T08:00:00Z) and `data` (canonical JSON).
 * Empty when they have the same content. eventId, recordedAt and actor are not compared.
 */
export function contentDifferences(a: CaseEvent, b: CaseEvent): ('caseId' | 'type' | 'occurredAt' | 'data')[] {
  const out: ('caseId' | 'type' | 'occurredAt' | 'data')[] = [];
  if (a.metadata.caseId !== b.metadata.caseId) out.push('caseId');
  if (a.type !== b.type) out.push('type');
  if (!sameInstant(a.metadata.occurredAt, b.metadata.occurredAt)) out.push('occurredAt');
  if (canonicalJson(a.data) !== canonicalJson(b.data)) out.push('data');
  return out;
}

/** The idempotency rule: same caseId, type, occurredAt (as instants) and data (canonical JSON). */
export function sameContent(a: CaseEvent, b: CaseEvent): boolean {
  return a.metadata.caseId === b.metadata.caseId
    && a.type === b.type
    && sameInstant(a.metadata.occurredAt, b.metadata.occurredAt)
    && canonicalJson(a.data) === canonicalJson(b.data);
}
