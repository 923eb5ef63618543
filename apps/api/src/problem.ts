// Problem Details (RFC 9457) for every error, with a stable `code`.
import { HttpException } from '@nestjs/common';

export const PROBLEM_TYPE_BASE = 'urn:case-ledger:problem:';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  /** The event field at fault (validation, rules). */
  field?: string;
  /** The query parameter at fault. */
  param?: string;
  /** The header at fault. */
  header?: string;
  [extra: string]: unknown;
}

/** An error the API raises itself, already shaped as a problem. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

export const badParam = (param: string, detail: string) => new ProblemError(400, 'request.invalid_parameter', 'Bad Request', detail, { param });
export const notFound = (detail = 'no such case') => new ProblemError(404, 'case.not_found', 'Not Found', detail);

export function isHttpException(e: unknown): e is HttpException {
  return e instanceof HttpException;
}
