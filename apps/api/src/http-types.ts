// The request and reply the API's handlers, guards and filter see: Fastify's (through
// @nestjs/platform-fastify), with the fields the access guard adds. Middlewares (body.ts) run before
// routing on Node's own IncomingMessage and hand what they read to Fastify through `RawRequest`.
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from './auth/roles.js';
import type { Action, Reach } from './auth/policy.js';

export interface ApiRequest extends FastifyRequest {
  params: Record<string, string>;
  query: Record<string, unknown>;
  /** The parsed JSON of an append, or the NDJSON text of a batch (read by body.ts). */
  body: unknown;
  principal?: Principal;
  reach?: Reach;
  purpose?: string;
  action?: Action;
}

export type HttpResponse = FastifyReply;

/** Node's request as a body middleware leaves it: `ledgerBody` becomes the Fastify request's `body`. */
export interface RawRequest extends IncomingMessage {
  ledgerBody?: unknown;
}
