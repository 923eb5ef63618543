// Helmet's security headers on every response, including errors answered before routing. Helmet's
// defaults depend on nothing in the request, so they are taken from helmet once, at start-up, and
// added to each reply's headers in an `onRequest` hook. Kept out of Node's own header store (no
// `setHeader` per header), so Node writes a reply's headers in one pass from Fastify's object: helmet's
// chain of thirteen middlewares and the per-header bookkeeping cost about 5% of the request thread's
// CPU and a sixth of its allocations under load (BENCHMARKS.md, API section).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/** The headers helmet sets with its defaults, names in lower case. */
export function helmetHeaders(): Record<string, string> {
  const set = new Map<string, string>();
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) { set.set(name.toLowerCase(), String(value)); return res; },
    removeHeader(name: string) { set.delete(name.toLowerCase()); },
    getHeader(name: string) { return set.get(name.toLowerCase()); },
  };
  let called = false;
  helmet()({} as IncomingMessage, res as unknown as ServerResponse, (e?: unknown) => {
    if (e) throw e;
    called = true;
  });
  if (!called) throw new Error('helmet did not finish synchronously: its headers cannot be precomputed');
  return Object.freeze(Object.fromEntries(set)) as Record<string, string>;
}

/** Helmet's headers, computed once. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = helmetHeaders();

/** Adds helmet's headers to every reply as its request arrives (a handler may replace one, e.g. the CSP). */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (_req, reply, done) => {
    void reply.headers(SECURITY_HEADERS);
    done();
  });
}
