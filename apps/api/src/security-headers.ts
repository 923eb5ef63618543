// Helmet's security headers on every response, including errors answered before routing. Helmet's
// defaults depend on nothing in the request, so they are taken from helmet once, at start-up, and set
// from that list: helmet's chain of thirteen middlewares per request cost about 2% of the request
// thread's CPU under load (BENCHMARKS.md, API section).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/** The headers helmet sets with its defaults (names as helmet writes them). */
export function helmetHeaders(): [string, string][] {
  const set = new Map<string, string>();
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) { set.set(name, String(value)); return res; },
    removeHeader(name: string) { set.delete(name); },
    getHeader(name: string) { return set.get(name); },
  };
  let called = false;
  helmet()({} as IncomingMessage, res as unknown as ServerResponse, (e?: unknown) => {
    if (e) throw e;
    called = true;
  });
  if (!called) throw new Error('helmet did not finish synchronously: its headers cannot be precomputed');
  return [...set];
}

/** Sets helmet's headers on Node's response as each request arrives. */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  const headers = helmetHeaders();
  fastify.addHook('onRequest', (_req, reply, done) => {
    const raw = reply.raw;
    for (const [name, value] of headers) raw.setHeader(name, value);
    done();
  });
}
