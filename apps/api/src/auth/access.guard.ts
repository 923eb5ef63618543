// The one guard: authenticates the bearer token, looks the route's action up in the policy table,
// requires X-Purpose for logged reads, and checks the case's scope. A route with no action is refused.
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiRequest } from '../http-types.js';
import { ProblemError } from '../problem.js';
import { AccessPolicy } from './access-policy.js';
import { ACCESS_KEY, POLICY, type Action } from './policy.js';
import type { Principal } from './roles.js';
import { TokenVerifier } from './token-verifier.js';
import { API_CONFIG } from '../tokens.js';
import type { ApiConfig } from '../config.js';

export type AuthedRequest = ApiRequest;

const MAX_PURPOSE = 500;

export function readPurpose(req: ApiRequest): string {
  const raw = req.headers['x-purpose'];
  const problem = (detail: string) => new ProblemError(400, 'request.missing_purpose', 'Bad Request', detail, { header: 'X-Purpose' });
  if (raw === undefined) throw problem('reading case-level data requires an X-Purpose header stating why (it is recorded in the access log)');
  if (Array.isArray(raw)) throw problem('give exactly one X-Purpose header');
  const purpose = raw.trim();
  if (purpose === '') throw problem('the X-Purpose header must not be empty');
  if (purpose.length > MAX_PURPOSE) throw problem(`the X-Purpose header must be at most ${MAX_PURPOSE} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(purpose)) throw problem('the X-Purpose header must not contain control characters');
  return purpose;
}

export const BENCH_PRINCIPAL: Principal = { sub: 'bench', role: 'inspector', force: null };

@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly policy: AccessPolicy,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const action = this.reflector.getAllAndOverride<Action | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    if (action === undefined) throw new ProblemError(403, 'auth.forbidden', 'Forbidden', 'this route has no access rule');
    if (action === 'public') return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    req.action = action;
    if (this.config.benchNoAuth) {
      req.principal = BENCH_PRINCIPAL;
      req.reach = 'all';
      return true;
    }
    const principal = await this.verifier.verify(req.headers.authorization);
    req.principal = principal;
    const rule = POLICY[action];
    const reach = this.policy.reach(principal, action);
    req.reach = reach;
    if (rule.logged) req.purpose = readPurpose(req);
    if (rule.caseScoped) {
      const caseId = String(req.params.caseId ?? '');
      if (action === 'case.append') await this.policy.authorizeAppend(principal, caseId, req.body);
      else await this.policy.authorizeCaseRead(principal, reach, caseId);
    }
    return true;
  }
}
