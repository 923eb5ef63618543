import type { StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import { evolveDigest, type CaseDigest } from '../views/case-digest/case-digest.js';
import { caseFacts } from '../views/case-digest/case-facts.js';
import { instantMs } from '../views/domain/instant.js';
import type { KeyedProjection } from './projection-runner.js';

/** The inspectors' read model: one digest per case; its facts "as of the end of time" for queries about now. */
export const caseDigestProjection: KeyedProjection<CaseDigest> = {
  name: 'case-digest-v1',
  keyOf: (e: StoredCaseEvent) => e.metadata.caseId,
  evolve: evolveDigest,
  facts: (d: CaseDigest) => caseFacts(d, Number.POSITIVE_INFINITY),
  recordedAtMs: (e: StoredCaseEvent) => instantMs(e.metadata.recordedAt),
};
