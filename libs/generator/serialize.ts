// JSON text of a generated line, byte-identical to JSON.stringify(line) (the determinism test checks it on
// every line it sees) but about twice as fast: the generator's lines are plain objects whose keys are
// identifiers and whose strings almost never need escaping, so the common path is plain concatenation.
import type { GeneratedLine } from './case-simulator.js';

/** A string needs JSON.stringify's escaping (quotes, backslash, control characters, surrogates). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function value(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return str(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let s = '[';
        for (let i = 0; i < v.length; i++) s += (i === 0 ? '' : ',') + value(v[i]);
        return s + ']';
      }
      let s = '{';
      let first = true;
      const o = v as Record<string, unknown>;
      for (const k in o) {
        const x = o[k];
        if (x === undefined) continue;
        s += (first ? '' : ',') + str(k) + ':' + value(x);
        first = false;
      }
      return s + '}';
    }
    default:
      return 'null';
  }
}

/**
 * `JSON.stringify(line)`, faster. The envelope's strings are the generator's own (a UUID, a caseId of
 * A-Za-z0-9-, a type name, instants, actor codes and roles: none ever needs escaping), so only `data` is
 * checked string by string.
 */
export function lineToJson(line: GeneratedLine): string {
  const a = line.actor;
  return '{"eventId":"' + line.eventId + '","caseId":"' + line.caseId + '","type":"' + line.type +
    '","occurredAt":"' + line.occurredAt + '","recordedAt":"' + line.recordedAt +
    (a === undefined ? '"' : '","actor":{"id":"' + a.id + '","role":"' + a.role + '"}') +
    ',"data":' + value(line.data) + '}';
}
