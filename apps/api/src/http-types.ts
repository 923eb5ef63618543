// The few request/response fields the API uses (express has no type declarations installed here).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from './auth/roles.js';
import type { Action, Reach } from './auth/policy.js';

export interface ApiRequest extends IncomingMessage {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body?: unknown;
  /** Raw NDJSON text of a batch. */
  rawText?: string;
  route?: { path: string };
  ip?: string;
  principal?: Principal;
  reach?: Reach;
  purpose?: string;
  action?: Action;
}

export interface HttpResponse extends ServerResponse {
  status(code: number): HttpResponse;
  setHeader(name: string, value: string | number | readonly string[]): this;
}
