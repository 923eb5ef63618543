// THE exception filter: every error leaves as Problem Details (application/problem+json) with a stable code.
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import {
  DomainError, EventIdConflictError, RuleViolationError, ValidationError, VersionConflictError,
} from '../../../libs/case-ledger/domain/errors.js';
import { ViewParamError } from '../../../libs/views/query.js';
import { ServerResponse, type IncomingHttpHeaders } from 'node:http';
import type { HttpResponse } from './http-types.js';
import { PROBLEM_TYPE_BASE, ProblemError, type Problem } from './problem.js';
import { SECURITY_HEADERS } from './security-headers.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 412: 'Precondition Failed', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** The problem for an error (exported for the batch route's per-line results). */
export function problemOf(e: unknown, hadIfMatch = false): Problem {
  const make = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem =>
    ({ type: PROBLEM_TYPE_BASE + code, title: TITLES[status] ?? 'Error', status, detail, code, ...extra });
  if (e instanceof ProblemError) return { ...make(e.status, e.code, e.message, e.extra), title: e.title };
  if (e instanceof VersionConflictError) {
    return make(hadIfMatch ? 412 : 409, e.code, e.message, { expected: e.expected, actual: e.actual });
  }
  if (e instanceof EventIdConflictError) return make(409, e.code, e.message, { field: 'eventId' });
  if (e instanceof RuleViolationError) {
    return make(422, e.code, e.message, { ...(e.field !== undefined ? { field: e.field } : {}), ...(e.atEventId !== undefined ? { atEventId: e.atEventId } : {}) });
  }
  if (e instanceof ValidationError) return make(422, e.code, e.message, { field: e.field });
  if (e instanceof DomainError) return make(422, e.code, e.message);
  if (e instanceof ViewParamError) return make(400, 'request.invalid_parameter', e.message, { param: e.param });
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const code = status === 404 ? 'http.not_found' : status === 405 ? 'http.method_not_allowed' : `http.${status}`;
    return make(status, code, status === 404 ? 'no such route' : (TITLES[status] ?? 'error'));
  }
  return make(500, 'internal', 'an internal error occurred');
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('api');

  catch(e: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    // A Fastify reply from a guard or handler; Node's response from a middleware (before routing).
    const reply = ctx.getResponse<HttpResponse | ServerResponse>();
    const req = ctx.getRequest<{ headers: IncomingHttpHeaders }>();
    const problem = problemOf(e, req.headers['if-match'] !== undefined);
    // Never the message of an unexpected error: it could carry case data. Only its class.
    if (problem.status >= 500) this.logger.error(`unexpected ${(e as Error)?.name ?? typeof e}`);
    const raw = reply instanceof ServerResponse ? reply : reply.raw;
    if (raw.headersSent) {
      raw.destroy();
      return;
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' };
    if (problem.status === 401) headers['WWW-Authenticate'] = 'Bearer';
    const body = JSON.stringify(problem);
    if (reply instanceof ServerResponse) {
      // Before routing (a body middleware's refusal): Node's response, which the reply's headers never reached.
      reply.writeHead(problem.status, { ...SECURITY_HEADERS, ...headers, 'Content-Length': Buffer.byteLength(body) }).end(body);
    } else {
      void reply.code(problem.status).headers(headers).send(body);
    }
  }
}
