// A case's force is the `force` of its CaseReported (which cannot be voided or repeated), so it is
// cached once known.
import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/port.js';

const MAX_CACHED = 200_000;

@Injectable()
export class CaseForces {
  private readonly known = new Map<string, string>();
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The case's force, or null when the case has no CaseReported (does not exist). */
  async forceOf(caseId: string): Promise<string | null> {
    const cached = this.known.get(caseId);
    if (cached !== undefined) return cached;
    const [first] = await this.store.readStream(caseId);
    if (!first || first.type !== 'CaseReported') return null;
    this.remember(caseId, first.data.force);
    return first.data.force;
  }

  remember(caseId: string, force: string): void {
    if (this.known.size >= MAX_CACHED) this.known.clear();
    this.known.set(caseId, force);
  }
}
