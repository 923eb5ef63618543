// Applies the policy table. Out-of-scope cases are answered 404 exactly like unknown ones, so case
// ids of other forces do not leak.
import { Injectable } from '@nestjs/common';
import { isCaseId } from '../../../../libs/case-ledger/domain/interchange.js';
import { notFound, ProblemError } from '../problem.js';
import { CaseForces } from './case-forces.js';
import { POLICY, type Action, type Reach } from './policy.js';
import type { Principal } from './roles.js';

export const forbidden = (detail: string) => new ProblemError(403, 'auth.forbidden', 'Forbidden', detail);

@Injectable()
export class AccessPolicy {
  constructor(private readonly forces: CaseForces) {}

  /** The principal's reach for the action, or 403. */
  reach(principal: Principal, action: Action): Reach {
    const reach = POLICY[action].roles[principal.role];
    if (reach === undefined) throw forbidden(`the ${principal.role} role may not do this`);
    return reach;
  }

  /** Reading a case: 404 unless it exists and (for own-force reach) is of the principal's force. */
  async authorizeCaseRead(principal: Principal, reach: Reach, caseId: string): Promise<void> {
    if (!isCaseId(caseId)) throw notFound();
    const force = await this.forces.forceOf(caseId);
    if (force === null) throw notFound();
    if (reach === 'own-force' && force !== principal.force) throw notFound();
  }

  /**
   * Appending `line` to `caseId`: the case must be of the principal's force; a case not reported yet
   * may only be reported (CaseReported) for the principal's force. 404 for a case out of scope or
   * unknown (unless the line reports it), 403 for a CaseReported naming another force.
   */
  async authorizeAppend(principal: Principal, caseId: string, line: unknown): Promise<void> {
    const reach = this.reach(principal, 'case.append');
    if (!isCaseId(caseId)) return; // the domain parser names the bad caseId
    const force = await this.forces.forceOf(caseId);
    if (force !== null) {
      if (reach === 'own-force' && force !== principal.force) throw notFound();
      return;
    }
    const l = line as { type?: unknown; data?: { force?: unknown } } | null;
    if (typeof l !== 'object' || l === null || l.type !== 'CaseReported') throw notFound();
    if (reach === 'own-force' && l.data?.force !== principal.force) {
      throw new ProblemError(403, 'auth.force_mismatch', 'Forbidden', 'a case can only be reported for the force of the token', { field: 'data.force' });
    }
  }

  /** A successful CaseReported makes its force known. */
  reported(caseId: string, force: string): void {
    this.forces.remember(caseId, force);
  }
}
