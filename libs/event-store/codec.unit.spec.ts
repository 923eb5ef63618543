// The importer's one-pass encoding (preEncodeParsed) must write exactly the text the stores write for
// any event (encodeEvent: toInterchangeLine, then JSON.stringify): the hash chain commits to it.
import { EVENT_TYPES, type EventType } from '../case-ledger/domain/vocabulary.js';
import { parseEventLine, serializeEvent } from '../case-ledger/domain/interchange.js';
import { copy, lineOf } from '../case-ledger/domain/testing-fixtures.js';
import { generateNdjson } from '../generator/generator.js';
import { encodeEvent, preEncodeParsed } from './codec.js';

const ctx = { appendedAt: Date.parse('2026-06-01T00:00:00Z'), newEventId: () => '0f0e0d0c-0b0a-4908-8706-050403020100' };

function parsed(value: unknown) {
  const r = parseEventLine(value, ctx);
  if (!r.ok) throw r.error;
  return r.event;
}

/** The same object with its keys in reverse order, at every level (arrays kept in order). */
function reversed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversed);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).reverse()) out[k] = reversed((v as Record<string, unknown>)[k]);
  return out;
}

test.each(EVENT_TYPES as readonly EventType[])('%s: the pre-encoded body is the stores\' encoding, keys given in any order, with or without actor and recordedAt', (type) => {
  const variants: Record<string, unknown>[] = [
    lineOf(type),
    lineOf(type, { actor: { role: 'oic', id: 'dc-1' } }),
    (() => { const l = lineOf(type); delete l['recordedAt']; delete l['eventId']; return l; })(),
  ];
  for (const line of variants) {
    const event = parsed(reversed(copy(line)));
    const expected = serializeEvent(event);
    preEncodeParsed(event);
    const encoded = encodeEvent(event);
    expect(encoded.body).toBe(expected);
    expect(encoded.keyHex).toBe(event.metadata.eventId.replace(/-/g, '').toLowerCase());
    expect(JSON.parse(encoded.body)).toEqual(JSON.parse(serializeEvent(parsed(copy(line)))));
  }
});

test('over a generated cohort, the pre-encoded body is the line as generated and as the stores encode it', () => {
  let n = 0;
  for (const text of generateNdjson({ cases: 150, seed: 'codec' })) {
    const event = parsed(JSON.parse(text));
    const expected = serializeEvent(event);
    preEncodeParsed(event);
    const body = encodeEvent(event).body;
    if (body !== expected || body !== text) throw new Error(`line ${n + 1}: ${body}\n  !== ${expected}`);
    n++;
  }
  expect(n).toBeGreaterThan(1000);
});
