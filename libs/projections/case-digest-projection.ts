import type { StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import { evolveDigest, type CaseDigest } from '../views/case-digest/case-digest.js';
import { caseFacts, type CaseFacts } from '../views/case-digest/case-facts.js';
import { decodeDigest, encodeDigest, encodeFacts } from '../views/case-digest/digest-codec.js';
import { instantMs } from '../views/domain/instant.js';
import type { KeyedProjection } from './projection-runner.js';

/**
 * The inspectors' read model: one digest per case; its facts "as of the end of time" for queries about now.
 * v2: rows in the compact text of digest-codec.ts (v1 stored the in-memory objects as JSON); v1 rows are
 * dropped and the read model rebuilt from the log when v2 starts from scratch.
 */
export const caseDigestProjection: KeyedProjection<CaseDigest, CaseFacts | null> = {
  name: 'case-digest-v2',
  supersedes: ['case-digest-v1'],
  keyOf: (e: StoredCaseEvent) => e.metadata.caseId,
  startsKey: (e: StoredCaseEvent) => e.streamVersion === 1,
  evolve: evolveDigest,
  facts: (d: CaseDigest) => caseFacts(d, Number.POSITIVE_INFINITY),
  encodeState: encodeDigest,
  decodeState: decodeDigest,
  encodeFacts,
  recordedAtMs: (e: StoredCaseEvent) => instantMs(e.metadata.recordedAt),
  // Keyed by caseId alone: fold workers import it from here.
  module: { url: import.meta.url, name: 'caseDigestProjection' },
};
