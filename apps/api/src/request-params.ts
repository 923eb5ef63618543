// Explicit validation of query strings and headers: unknown parameters refused, one value each.
import { instantMs } from '../../../libs/case-ledger/domain/interchange.js';
import type { ApiRequest } from './http-types.js';
import { badParam, ProblemError } from './problem.js';

/** The query as single strings; 400 naming the parameter for an unknown or repeated one. */
export function queryOf(req: ApiRequest, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.query ?? {})) {
    if (!allowed.includes(k)) {
      throw badParam(k, `unknown query parameter "${k}"; allowed: ${allowed.length ? allowed.join(', ') : 'none'}`);
    }
    if (typeof v !== 'string') throw badParam(k, `give the query parameter "${k}" once, as a plain value`);
    out[k] = v;
  }
  return out;
}

export function asOfParam(q: Record<string, string>): number | undefined {
  if (q.asOf === undefined) return undefined;
  const ms = instantMs(q.asOf.trim());
  if (Number.isNaN(ms)) throw badParam('asOf', `asOf must be an ISO 8601 instant with an offset, e.g. 2021-07-01T00:00:00Z; got "${q.asOf}"`);
  return ms;
}

export function intParam(q: Record<string, string>, name: string, fallback: number, min: number, max: number): number {
  const raw = q[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) throw badParam(name, `${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** If-Match as an expected stream version: `"3"` (an ETag this API sent), `3`, or `*` (any). */
export function expectedVersionOf(req: ApiRequest): number | 'any' {
  const raw = req.headers['if-match'];
  if (raw === undefined) return 'any';
  const bad = () => new ProblemError(400, 'request.invalid_header', 'Bad Request', 'If-Match must be one ETag "N" (the case version) or *', { header: 'If-Match' });
  if (Array.isArray(raw)) throw bad();
  const v = raw.trim();
  if (v === '*') return 'any';
  const m = /^(?:W\/)?"?([0-9]{1,15})"?$/.exec(v);
  if (!m) throw bad();
  return Number(m[1]);
}

/** Content negotiation between the given types by the Accept header (first match in the client's order, q ignored unless 0). */
export function negotiate(req: ApiRequest, offered: readonly string[]): string {
  const accept = String(req.headers.accept ?? '*/*');
  const ranges = accept.split(',').map((r) => {
    const [type, ...params] = r.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return { type: type!.trim(), q: q ? Number(q.slice(2)) : 1 };
  }).filter((r) => r.q > 0).sort((a, b) => b.q - a.q);
  for (const r of ranges) {
    if (r.type === '*/*') return offered[0]!;
    const hit = offered.find((o) => o === r.type || (r.type.endsWith('/*') && o.startsWith(r.type.slice(0, -1))));
    if (hit) return hit;
  }
  throw new ProblemError(406, 'request.not_acceptable', 'Not Acceptable', `this resource is available as ${offered.join(' or ')}`, { header: 'Accept' });
}
