import type { StoredCaseEvent } from '../case-ledger/domain/vocabulary.js';
import { evolveDigest, type CaseDigest } from '../views/case-digest/case-digest.js';
import { caseFacts, type CaseFacts } from '../views/case-digest/case-facts.js';
import { decodeDigestParts, encodeDigestParts, encodeFacts } from '../views/case-digest/digest-codec.js';
import { instantMs } from '../views/domain/instant.js';
import type { KeyedProjection } from './projection-runner.js';

/**
 * The inspectors' read model: one digest per case; its facts "as of the end of time" for queries about now.
 * v3: each digest stored in parts (blocks of 64 entries, then chunks of 8: digest-codec.ts), so that an
 * append rewrites the case's row (request ids, the last few entries, the facts) and, once per chunk or
 * block it fills, that part, whatever the case's length. v2 stored the whole digest in its row, v1 as plain
 * JSON: their rows are dropped and the read model rebuilt from the log when v3 starts from scratch.
 */
export const caseDigestProjection: KeyedProjection<CaseDigest, CaseFacts | null> = {
  name: 'case-digest-v3',
  supersedes: ['case-digest-v1', 'case-digest-v2'],
  keyOf: (e: StoredCaseEvent) => e.metadata.caseId,
  startsKey: (e: StoredCaseEvent) => e.streamVersion === 1,
  evolve: evolveDigest,
  facts: (d: CaseDigest) => caseFacts(d, Number.POSITIVE_INFINITY),
  encodeState: (d: CaseDigest, previous: CaseDigest | null) => encodeDigestParts(d, previous),
  decodeState: (s) => decodeDigestParts(s.state, s.parts),
  encodeFacts,
  recordedAtMs: (e: StoredCaseEvent) => instantMs(e.metadata.recordedAt),
  // Keyed by caseId alone: fold workers import it from here.
  module: { url: import.meta.url, name: 'caseDigestProjection' },
};
