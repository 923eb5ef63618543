import { RuleViolationError, ValidationError } from './errors.js';
import {
  canonicalJson, contentDifferences, instantMs, isUuid, normalizeEventId, parseEventLine, sameContent,
  serializeEvent, toInterchangeLine, type ParseContext,
} from './interchange.js';
import { EVENT_TYPES, type CaseEvent, type EventType } from './vocabulary.js';
import { CASE_ID, VALID_DATA, copy, ev, lineOf } from './testing-fixtures.js';

const NOW = Date.parse('2021-07-01T12:00:00.000Z');
const ctx: ParseContext = { appendedAt: NOW, newEventId: () => 'ffffffff-ffff-4fff-8fff-ffffffffffff' };

function parsed(value: unknown, c: ParseContext = ctx): CaseEvent {
  const r = parseEventLine(value, c);
  if (!r.ok) throw new Error(`expected the line to parse, got ${r.error.code}: ${r.error.message}`);
  return r.event;
}

function refusal(value: unknown, c: ParseContext = ctx): ValidationError | RuleViolationError {
  const r = parseEventLine(value, c);
  if (r.ok) throw new Error(`expected the line to be refused: ${JSON.stringify(value)}`);
  return r.error;
}

type Case = [label: string, line: Record<string, unknown> | unknown, field: string, messagePart?: string];
/** Every row with 4 cells (Jest would pass `done` into a missing 4th). */
const rows = (cases: Case[]): [string, unknown, string, string][] => cases.map(([a, b, c, d]) => [a, b, c, d ?? '']);

describe('parseEventLine', () => {
  describe('given a valid line of each type', () => {
    it.each(EVENT_TYPES.map((t) => [t]))('%s: parses to the same data, keys in the spec order', (type: EventType) => {
      const line = lineOf(type);
      const event = parsed(line);
      expect(event.type).toBe(type);
      expect(event.data).toEqual(VALID_DATA[type]);
      expect(Object.keys(event.data)).toEqual(Object.keys(VALID_DATA[type]));
      expect(event.metadata).toEqual({
        eventId: line.eventId, caseId: CASE_ID, occurredAt: '2021-03-04T10:15:00Z', recordedAt: '2021-03-04T11:00:00Z',
      });
    });
  });

  describe('validation.required', () => {
    const cases: Case[] = [
      ['caseId', (() => { const l = lineOf('IsvaReferred'); delete l.caseId; return l; })(), 'caseId'],
      ['type', (() => { const l = lineOf('IsvaReferred'); delete l.type; return l; })(), 'type'],
      ['occurredAt', (() => { const l = lineOf('IsvaReferred'); delete l.occurredAt; return l; })(), 'occurredAt'],
      ['data', (() => { const l = lineOf('IsvaReferred'); delete l.data; return l; })(), 'data'],
      ['a data field', (() => { const l = lineOf('CaseReported'); delete (l.data as Record<string, unknown>).offence; return l; })(), 'data.offence'],
      ['a nullable data field (null, not absence, says none)', (() => { const l = lineOf('CaseReported'); delete (l.data as Record<string, unknown>).offenceTo; return l; })(), 'data.offenceTo', 'null when there is none'],
      ['a nested field', (() => { const l = lineOf('CaseReported'); delete (l.data as { victim: Record<string, unknown> }).victim.ageBand; return l; })(), 'data.victim.ageBand'],
      ['actor.role', lineOf('IsvaReferred', { actor: { id: 'pc-1' } }), 'actor.role'],
      ['ConcernRaised.requestId', lineOf('ConcernRaised', {}, { requestId: undefined }), 'data.requestId'],
    ];
    it.each(rows(cases))('refuses a line without %s', (_label, line, field, part) => {
      const e = refusal(line);
      expect(e).toBeInstanceOf(ValidationError);
      expect(e.code).toBe('validation.required');
      expect((e as ValidationError).field).toBe(field);
      expect(e.message).toContain(field);
      if (part) expect(e.message).toContain(part);
    });
  });

  describe('validation.unknown_field', () => {
    const cases: Case[] = [
      ['at the top level', lineOf('IsvaReferred', { position: 3 }), 'position'],
      ['in actor', lineOf('IsvaReferred', { actor: { id: 'pc-1', role: 'oic', name: 'Smith' } }), 'actor.name'],
      ['in data', lineOf('IsvaReferred', {}, { services: 'x' }), 'data.services'],
      ['in data that has no fields', lineOf('VictimReengaged', {}, { note: 'x' }), 'data.note'],
      ['in data.victim', (() => { const l = lineOf('CaseReported'); (l.data as { victim: Record<string, unknown> }).victim.name = 'x'; return l; })(), 'data.victim.name'],
      ['in data.notice', (() => { const l = lineOf('DeviceRequestAgreed'); (l.data as { notice: Record<string, unknown> }).notice.x = true; return l; })(), 'data.notice.x'],
      ['before another problem of the same object (a misspelt field)', (() => { const l = lineOf('IsvaReferred'); l.data = { Service: 'x' }; return l; })(), 'data.Service'],
    ];
    it.each(rows(cases))('refuses an unknown field %s', (_label, line, field) => {
      const e = refusal(line) as ValidationError;
      expect(e.code).toBe('validation.unknown_field');
      expect(e.field).toBe(field);
      expect(e.message).toContain(`${field} is not a field of`);
    });
  });

  describe('validation.type', () => {
    const cases: Case[] = [
      ['a line that is an array', [], 'line'],
      ['a line that is null', null, 'line'],
      ['a line that is a string', 'CaseReported', 'line'],
      ['data that is an array', lineOf('IsvaReferred', { data: [] }), 'data'],
      ['a boolean given as a string', lineOf('OfficerAssigned', {}, { victimInformed: 'true' }), 'data.victimInformed', 'must be a boolean'],
      ['a boolean given as 1', lineOf('ReviewDecided', {}, { upheld: 1 }), 'data.upheld'],
      ['boolean-or-null given as a string', lineOf('CaseReported', {}, { contactSinceOffence: 'yes' }), 'data.contactSinceOffence'],
      ['outcomeCode as a string', lineOf('CaseClosed', {}, { outcomeCode: '16' }), 'data.outcomeCode'],
      ['outcomeCode not an integer', lineOf('CaseClosed', {}, { outcomeCode: 16.5 }), 'data.outcomeCode'],
      ['dataCategories not an array', lineOf('DeviceRequested', {}, { dataCategories: 'messages' }), 'data.dataCategories'],
      ['a string given as a number', lineOf('IsvaReferred', {}, { service: 7 }), 'data.service'],
      ['ConcernRaised.requestId as a number', lineOf('ConcernRaised', {}, { requestId: 1 }), 'data.requestId'],
      ['a date given as a number', lineOf('CaseReported', {}, { offenceFrom: 20210227 }), 'data.offenceFrom'],
      ['a non-nullable date given as null', lineOf('CaseReported', {}, { offenceFrom: null }), 'data.offenceFrom'],
      ['eventId null (omit it instead)', lineOf('IsvaReferred', { eventId: null }), 'eventId'],
      ['recordedAt null', lineOf('IsvaReferred', { recordedAt: null }), 'recordedAt'],
      ['actor null', lineOf('IsvaReferred', { actor: null }), 'actor'],
      ['caseId as a number', lineOf('IsvaReferred', { caseId: 42 }), 'caseId'],
      ['victim that is a string', lineOf('CaseReported', {}, { victim: 'V-1' }), 'data.victim'],
    ];
    it.each(rows(cases))('refuses %s', (_label, line, field, part) => {
      const e = refusal(line) as ValidationError;
      expect(e.code).toBe('validation.type');
      expect(e.field).toBe(field);
      if (part) expect(e.message).toContain(part);
    });
  });

  describe('validation.enum', () => {
    it('names the field and the allowed values', () => {
      const e = refusal(lineOf('CaseReported', {}, { offence: 'burglary' }));
      expect(e.code).toBe('validation.enum');
      expect(e.message).toBe('data.offence must be one of rape, attempted_rape, assault_by_penetration, other_sexual_offence (got "burglary")');
    });
    const cases: Case[] = [
      ['an unknown type', lineOf('IsvaReferred', { type: 'CaseDeleted' }), 'type'],
      ['a type in the wrong case', lineOf('IsvaReferred', { type: 'isvaReferred' }), 'type'],
      ['an actor role', lineOf('IsvaReferred', { actor: { id: 'pc-1', role: 'constable' } }), 'actor.role', 'oic, soit, supervisor, isva, cps, inspector, analyst, system'],
      ['a nested enumeration', (() => { const l = lineOf('CaseReported'); (l.data as { victim: Record<string, unknown> }).victim.ageBand = '30'; return l; })(), 'data.victim.ageBand'],
      ['one element of dataCategories', lineOf('DeviceRequested', {}, { dataCategories: ['messages', 'everything'] }), 'data.dataCategories[1]'],
      ['an enumeration value given as null', lineOf('VictimWithdrew', {}, { reason: null }), 'data.reason'],
      ['an enumeration value with different case', lineOf('ChargingDecisionMade', {}, { decision: 'Charge' }), 'data.decision'],
    ];
    it.each(rows(cases))('refuses %s', (_label, line, field, part) => {
      const e = refusal(line) as ValidationError;
      expect(e.code).toBe('validation.enum');
      expect(e.field).toBe(field);
      expect(e.message).toContain(`${field} must be one of`);
      if (part) expect(e.message).toContain(part);
    });
  });

  describe('validation.format', () => {
    const cases: Case[] = [
      ['an eventId that is not a UUID', lineOf('IsvaReferred', { eventId: 'evt-1' }), 'eventId', '8-4-4-4-12'],
      ['a UUID without hyphens', lineOf('IsvaReferred', { eventId: '0b6f2a528d4e4c1a9a571f0c3e2d4a01' }), 'eventId'],
      ['a UUID with braces', lineOf('IsvaReferred', { eventId: '{0b6f2a52-8d4e-4c1a-9a57-1f0c3e2d4a01}' }), 'eventId'],
      ['a UUID with a non-hex digit', lineOf('IsvaReferred', { eventId: '0b6f2a52-8d4e-4c1a-9a57-1f0c3e2d4a0g' }), 'eventId'],
      ['a caseId with a space', lineOf('IsvaReferred', { caseId: 'MPS 2021' }), 'caseId'],
      ['a caseId of 65 characters', lineOf('IsvaReferred', { caseId: 'A'.repeat(65) }), 'caseId'],
      ['a caseId with a colon', lineOf('IsvaReferred', { caseId: 'MPS:1' }), 'caseId'],
      ['an instant without seconds', lineOf('IsvaReferred', { occurredAt: '2021-03-04T10:15Z' }), 'occurredAt', 'seconds are required'],
      ['an instant without offset', lineOf('IsvaReferred', { occurredAt: '2021-03-04T10:15:00' }), 'occurredAt', 'offset is required'],
      ['an instant with microseconds', lineOf('IsvaReferred', { occurredAt: '2021-03-04T10:15:00.1234Z' }), 'occurredAt', 'millisecond'],
      ['an instant with a bare decimal point', lineOf('IsvaReferred', { occurredAt: '2021-03-04T10:15:00.Z' }), 'occurredAt'],
      ['an instant on 30 February', lineOf('IsvaReferred', { occurredAt: '2021-02-30T10:15:00Z' }), 'occurredAt', 'calendar date'],
      ['an instant on 29 February of a common year', lineOf('IsvaReferred', { occurredAt: '2021-02-29T10:15:00Z' }), 'occurredAt'],
      ['an instant at hour 24', lineOf('IsvaReferred', { occurredAt: '2021-03-04T24:00:00Z' }), 'occurredAt', 'time of day'],
      ['an instant at second 60', lineOf('IsvaReferred', { occurredAt: '2021-03-04T23:59:60Z' }), 'occurredAt'],
      ['an offset beyond +18:00', lineOf('IsvaReferred', { occurredAt: '2021-03-04T10:15:00+18:30' }), 'occurredAt', '18:00'],
      ['an offset of -19:00', lineOf('IsvaReferred', { occurredAt: '2021-03-04T10:15:00-19:00' }), 'occurredAt'],
      ['an offset without colon', lineOf('IsvaReferred', { occurredAt: '2021-03-04T10:15:00+0100' }), 'occurredAt'],
      ['a lower-case z', lineOf('IsvaReferred', { occurredAt: '2021-03-04T10:15:00z' }), 'occurredAt'],
      ['a space instead of T', lineOf('IsvaReferred', { occurredAt: '2021-03-04 10:15:00Z' }), 'occurredAt'],
      ['a date only', lineOf('IsvaReferred', { occurredAt: '2021-03-04' }), 'occurredAt'],
      ['a bad recordedAt', lineOf('IsvaReferred', { recordedAt: '2021-03-04T11:00:00.0001Z' }), 'recordedAt'],
      ['a bad scheduledFor', lineOf('InterviewScheduled', {}, { scheduledFor: '2021-03-11 10:00' }), 'data.scheduledFor'],
      ['a date that is not a real day', lineOf('CaseReported', {}, { offenceFrom: '2021-02-29' }), 'data.offenceFrom', 'real calendar date'],
      ['a date without leading zeros', lineOf('CaseReported', {}, { offenceFrom: '2021-2-3' }), 'data.offenceFrom'],
      ['a date with a time', lineOf('DeviceRequested', {}, { periodFrom: '2021-02-01T00:00:00Z' }), 'data.periodFrom'],
      ['month 13', lineOf('DeviceRequested', {}, { periodTo: '2021-13-01' }), 'data.periodTo'],
      ['an EntryVoided.eventId that is not a UUID', lineOf('EntryVoided', {}, { eventId: 'the third one' }), 'data.eventId'],
    ];
    it.each(rows(cases))('refuses %s', (_label, line, field, part) => {
      const e = refusal(line) as ValidationError;
      expect(e.code).toBe('validation.format');
      expect(e.field).toBe(field);
      expect(e.message).toContain(field);
      if (part) expect(e.message).toContain(part);
    });
  });

  describe('validation.empty', () => {
    const cases: Case[] = [
      ['an empty string', lineOf('CaseReported', {}, { crimeReference: '' }), 'data.crimeReference'],
      ['spaces and a tab', lineOf('CaseReported', {}, { force: ' \t ' }), 'data.force'],
      ['a no-break space (trim() removes it)', lineOf('CaseReopened', {}, { reason: '\u00a0' }), 'data.reason'],
      ['an ideographic space and a line separator', lineOf('IsvaEngaged', {}, { service: '\u3000\u2028' }), 'data.service'],
      ['a blank actor.id', lineOf('IsvaReferred', { actor: { id: ' ', role: 'oic' } }), 'actor.id'],
      ['a blank EntryVoided.reason', lineOf('EntryVoided', {}, { reason: '' }), 'data.reason'],
      ['a blank requestId', lineOf('DeviceSeized', {}, { requestId: '  ' }), 'data.requestId'],
      ['a blank ConcernRaised.requestId (null says none)', lineOf('ConcernRaised', {}, { requestId: '' }), 'data.requestId'],
      ['a blank nested pseudonym', (() => { const l = lineOf('CaseReported'); (l.data as { victim: Record<string, unknown> }).victim.pseudonym = '\n'; return l; })(), 'data.victim.pseudonym'],
      ['an empty dataCategories', lineOf('DeviceRequested', {}, { dataCategories: [] }), 'data.dataCategories'],
      ['an empty caseId', lineOf('IsvaReferred', { caseId: '' }), 'caseId'],
    ];
    it.each(rows(cases))('refuses %s', (_label, line, field) => {
      const e = refusal(line) as ValidationError;
      expect(e.code).toBe('validation.empty');
      expect(e.field).toBe(field);
      expect(e.message).toContain(field);
    });

    it.each([
      ['DeviceRequested', { lineOfEnquiry: '', alternativesConsidered: '   ' }],
      ['ThirdPartyMaterialRequested', { lineOfEnquiry: '' }],
      ['CaseClosed', { rationale: '' }],
    ] as const)('accepts the empty text the spec allows in %s', (type, data) => {
      expect(parsed(lineOf(type, {}, data)).data).toMatchObject(data);
    });
  });

  describe('validation.range', () => {
    it('refuses outcome 0, saying it means "no outcome yet"', () => {
      const e = refusal(lineOf('CaseClosed', {}, { outcomeCode: 0 })) as ValidationError;
      expect(e.code).toBe('validation.range');
      expect(e.field).toBe('data.outcomeCode');
      expect(e.message).toContain('0 means "no outcome yet" and never closes a case');
    });
    const cases: Case[] = [
      ['outcome 24', lineOf('CaseClosed', {}, { outcomeCode: 24 }), 'data.outcomeCode'],
      ['outcome -1', lineOf('CaseClosed', {}, { outcomeCode: -1 }), 'data.outcomeCode'],
      ['an identifier of 129 characters', lineOf('OfficerAssigned', {}, { officerId: 'x'.repeat(129) }), 'data.officerId', 'at most 128'],
      ['an actor.id of 129 characters', lineOf('IsvaReferred', { actor: { id: 'x'.repeat(129), role: 'oic' } }), 'actor.id'],
      ['free text of 4001 characters', lineOf('DeviceRequested', {}, { lineOfEnquiry: 'x'.repeat(4001) }), 'data.lineOfEnquiry', 'at most 4000'],
      ['a void reason of 4001 characters', lineOf('EntryVoided', {}, { reason: 'x'.repeat(4001) }), 'data.reason'],
    ];
    it.each(rows(cases))('refuses %s', (_label, line, field, part) => {
      const e = refusal(line) as ValidationError;
      expect(e.code).toBe('validation.range');
      expect(e.field).toBe(field);
      if (part) expect(e.message).toContain(part);
    });
    it('accepts outcomes 1 and 23, and lengths at the limits', () => {
      expect(parsed(lineOf('CaseClosed', {}, { outcomeCode: 1 })).data).toMatchObject({ outcomeCode: 1 });
      expect(parsed(lineOf('CaseClosed', {}, { outcomeCode: 23, rationale: 'r'.repeat(4000) })).data).toMatchObject({ outcomeCode: 23 });
      expect(parsed(lineOf('OfficerAssigned', {}, { officerId: 'x'.repeat(128) })).data).toMatchObject({ officerId: 'x'.repeat(128) });
    });
  });

  describe('eventId', () => {
    it('keeps a given upper-case UUID exactly as given, and says it was given', () => {
      const id = '0B6F2A52-8D4E-4C1A-9A57-1F0C3E2D4A01';
      const r = parseEventLine(lineOf('IsvaReferred', { eventId: id }), ctx);
      expect(r).toMatchObject({ ok: true, eventIdGiven: true });
      expect(r.ok && r.event.metadata.eventId).toBe(id);
      expect(normalizeEventId(id)).toBe('0b6f2a52-8d4e-4c1a-9a57-1f0c3e2d4a01');
    });
    it('accepts any version and mixed case', () => {
      expect(isUuid('00000000-0000-0000-0000-000000000000')).toBe(true);
      expect(isUuid('aBcDeF01-2345-6789-abcd-EF0123456789')).toBe(true);
      expect(isUuid('aBcDeF01-2345-6789-abcd-EF012345678')).toBe(false);
    });
    it('makes one when absent, and says it was not given', () => {
      const l = lineOf('IsvaReferred');
      delete l.eventId;
      const r = parseEventLine(l, ctx);
      expect(r).toMatchObject({ ok: true, eventIdGiven: false, event: { metadata: { eventId: 'ffffffff-ffff-4fff-8fff-ffffffffffff' } } });
    });
  });

  describe('instants', () => {
    it.each([
      ['2021-03-04T10:15:00Z', '2021-03-04T10:15:00.000Z'],
      ['2021-03-29T09:00:00+01:00', '2021-03-29T08:00:00.000Z'],
      ['2021-03-04T10:15:00-05:30', '2021-03-04T15:45:00.000Z'],
      ['2021-03-04T10:15:00+18:00', '2021-03-03T16:15:00.000Z'],
      ['2021-03-04T10:15:00-18:00', '2021-03-05T04:15:00.000Z'],
      ['2021-03-04T10:15:00-00:00', '2021-03-04T10:15:00.000Z'],
      ['2021-03-04T10:15:00.5Z', '2021-03-04T10:15:00.500Z'],
      ['2021-03-04T10:15:00.25Z', '2021-03-04T10:15:00.250Z'],
      ['2021-03-04T10:15:00.007+00:00', '2021-03-04T10:15:00.007Z'],
      ['2020-02-29T23:59:59.999Z', '2020-02-29T23:59:59.999Z'],
      ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
      ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
      ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ])('%s is the instant %s, exactly, and is kept as given', (given, utc) => {
      expect(instantMs(given)).toBe(Date.parse(utc));
      const e = parsed(lineOf('IsvaReferred', { occurredAt: given, recordedAt: given }), { ...ctx, appendedAt: Date.parse('9999-12-31T23:59:59.999Z') });
      expect(e.metadata.occurredAt).toBe(given);
    });
    it('is NaN for what is not an instant of the format', () => {
      for (const s of ['1900-02-29T00:00:00Z', '2021-03-04T10:15:00.1234Z', '2021-03-04T10:15:00', '', '2021-03-04T10:15:00+18:01']) {
        expect(instantMs(s)).toBeNaN();
      }
    });
  });

  describe('recordedAt and the ledger clock', () => {
    it('defaults recordedAt to the time of append, as YYYY-MM-DDTHH:MM:SS.sssZ', () => {
      const l = lineOf('IsvaReferred');
      delete l.recordedAt;
      expect(parsed(l, { ...ctx, appendedAt: Date.parse('2021-07-01T12:00:00.5Z') }).metadata.recordedAt).toBe('2021-07-01T12:00:00.500Z');
    });
    it('compares recordedAt and occurredAt as instants (offsets count)', () => {
      // 08:30Z is after 09:00+01:00 (= 08:00Z)
      expect(parsed(lineOf('IsvaReferred', { occurredAt: '2021-03-29T09:00:00+01:00', recordedAt: '2021-03-29T08:30:00Z' })).metadata.recordedAt)
        .toBe('2021-03-29T08:30:00Z');
      // equal instants are fine
      parsed(lineOf('IsvaReferred', { occurredAt: '2021-03-29T09:00:00+01:00', recordedAt: '2021-03-29T08:00:00Z' }));
      const e = refusal(lineOf('IsvaReferred', { occurredAt: '2021-03-29T09:00:00+01:00', recordedAt: '2021-03-29T07:59:59.999Z' }));
      expect(e).toBeInstanceOf(RuleViolationError);
      expect(e).toMatchObject({ code: 'rule.recorded_before_occurred', field: 'recordedAt' });
    });
    it('refuses a recordedAt later than the time of append', () => {
      const e = refusal(lineOf('IsvaReferred', { occurredAt: '2021-07-01T11:00:00Z', recordedAt: '2021-07-01T12:00:00.001Z' }));
      expect(e).toMatchObject({ code: 'rule.recorded_in_future', field: 'recordedAt' });
      parsed(lineOf('IsvaReferred', { occurredAt: '2021-07-01T11:00:00Z', recordedAt: '2021-07-01T12:00:00.000Z' }));
    });
    it('refuses an occurredAt later than the time of append, with or without recordedAt', () => {
      expect(refusal(lineOf('IsvaReferred', { occurredAt: '2021-07-01T13:00:00+00:00', recordedAt: '2021-07-01T13:00:00Z' })))
        .toMatchObject({ code: 'rule.recorded_in_future', field: 'occurredAt' });
      const l = lineOf('IsvaReferred', { occurredAt: '2021-07-01T12:00:01Z' });
      delete l.recordedAt;
      expect(refusal(l)).toMatchObject({ code: 'rule.recorded_in_future', field: 'occurredAt' });
      // 13:00+01:00 is 12:00Z: not in the future
      parsed(lineOf('IsvaReferred', { occurredAt: '2021-07-01T13:00:00+01:00', recordedAt: '2021-07-01T12:00:00Z' }));
    });
  });

  describe('the output', () => {
    it('has the same keys in the same order whatever the input order, and no unknown ones', () => {
      const a = lineOf('CaseReported');
      const d = a.data as Record<string, unknown>;
      const reversed = Object.fromEntries(Object.entries(d).reverse());
      (reversed as { victim: Record<string, unknown> }).victim = Object.fromEntries(Object.entries(d.victim as object).reverse());
      const b = Object.fromEntries(Object.entries({ ...a, data: reversed }).reverse());
      expect(JSON.stringify(parsed(b))).toBe(JSON.stringify(parsed(a)));
      expect(Object.keys(parsed(b).data)).toEqual(Object.keys(VALID_DATA.CaseReported));
    });
    it('shares no object or array with the input', () => {
      const l = lineOf('DeviceRequested');
      const e = parsed(l) as CaseEvent<'DeviceRequested'>;
      (l.data as { dataCategories: string[] }).dataCategories.push('photos');
      expect(e.data.dataCategories).toEqual(['messages']);
      expect(e.data).not.toBe(l.data);
    });
    it('keeps actor in metadata, keys id then role', () => {
      const e = parsed(lineOf('IsvaReferred', { actor: { role: 'isva', id: 'isva-77' } }));
      expect(JSON.stringify(e.metadata.actor)).toBe('{"id":"isva-77","role":"isva"}');
    });
  });
});

describe('toInterchangeLine', () => {
  it('orders keys eventId, caseId, type, occurredAt, recordedAt, actor, data', () => {
    const e = parsed(lineOf('IsvaReferred', { actor: { id: 'pc-1', role: 'oic' } }));
    expect(Object.keys(toInterchangeLine(e))).toEqual(['eventId', 'caseId', 'type', 'occurredAt', 'recordedAt', 'actor', 'data']);
  });
  it('leaves actor out when there is none, and orders data keys as the spec does', () => {
    const e = ev('DeviceRequested', '2021-03-08T16:20:00Z');
    const shuffled = { ...e, data: Object.fromEntries(Object.entries(e.data).reverse()) } as CaseEvent;
    const line = toInterchangeLine(shuffled);
    expect(Object.keys(line)).toEqual(['eventId', 'caseId', 'type', 'occurredAt', 'recordedAt', 'data']);
    expect(Object.keys(line.data)).toEqual(Object.keys(VALID_DATA.DeviceRequested));
  });
  it('round-trips through parseEventLine for every type', () => {
    for (const type of EVENT_TYPES) {
      const e = parsed(lineOf(type, { actor: { id: 'a-1', role: 'analyst' } }));
      const text = serializeEvent(e);
      expect(parsed(JSON.parse(text))).toEqual(e);
      expect(serializeEvent(parsed(JSON.parse(text)))).toBe(text);
    }
  });
});

describe('sameContent (the idempotency rule)', () => {
  const base = ev('VictimWithdrew', '2021-03-29T09:00:00+01:00', {}, { recordedAt: '2021-04-12T10:00:00+01:00' });
  it('compares occurredAt as instants and ignores eventId, recordedAt, actor and key order', () => {
    const other: CaseEvent = {
      type: 'VictimWithdrew',
      data: Object.fromEntries(Object.entries(copy(base.data)).reverse()) as CaseEvent<'VictimWithdrew'>['data'],
      metadata: { eventId: 'AAAAAAAA-0000-4000-8000-000000000000', caseId: CASE_ID, occurredAt: '2021-03-29T08:00:00Z', recordedAt: '2021-05-01T00:00:00Z', actor: { id: 'x', role: 'oic' } },
    };
    expect(sameContent(base, other)).toBe(true);
    expect(contentDifferences(base, other)).toEqual([]);
  });
  it.each([
    ['caseId', { ...base, metadata: { ...base.metadata, caseId: 'OTHER' } }],
    ['type', { ...base, type: 'VictimReengaged', data: {} }],
    ['occurredAt', { ...base, metadata: { ...base.metadata, occurredAt: '2021-03-29T09:00:00.001+01:00' } }],
    ['data', { ...base, data: { ...base.data, confirmedWithVictim: true } }],
  ] as [string, CaseEvent][])('differs when %s differs', (what, other) => {
    expect(sameContent(base, other)).toBe(false);
    expect(contentDifferences(base, other)).toEqual(what === 'type' ? ['type', 'data'] : [what]);
  });
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });
});
