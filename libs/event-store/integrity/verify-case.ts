// The integrity check of one case (the dashboard's case page): each of the case's stored records is
// re-hashed and re-linked to the record before it in the global chain, with the same hash functions
// `verifyLedger` uses (hash-chain.ts), and its stream versions must run 1, 2, 3… It reads two
// records per event instead of the whole ledger, so it cannot see changes elsewhere in the chain:
// `verify` (the whole ledger) remains the proof; this says whether this case's entries are intact
// and still linked where they were appended.
import type { EventStore } from '../port.js';
import { GENESIS_CHAIN_HEX, chainHashHex, leafHashHex } from './hash-chain.js';

export interface CaseIntegrityReport {
  ok: boolean;
  caseId: string;
  /** The case's events checked and found intact (up to the first broken one). */
  events: number;
  positions: number[];
  firstBroken?: { position: number; problem: string };
}

export async function verifyCase(store: Pick<EventStore, 'readStream' | 'readRecords'>, caseId: string): Promise<CaseIntegrityReport> {
  const positions = (await store.readStream(caseId)).map((e) => e.position);
  const report = (events: number, firstBroken?: { position: number; problem: string }): CaseIntegrityReport =>
    ({ ok: firstBroken === undefined, caseId, events, positions, ...(firstBroken ? { firstBroken } : {}) });
  for (let k = 0; k < positions.length; k++) {
    const p = positions[k]!;
    const from = Math.max(1, p - 1);
    const records = await store.readRecords({ fromPosition: from, limit: p - from + 1 });
    const r = records.find((x) => x.position === p);
    const prev = p === 1 ? null : records.find((x) => x.position === p - 1);
    if (r === undefined) return report(k, { position: p, problem: `the event at position ${p} is missing from the ledger` });
    if (p > 1 && prev === undefined) return report(k, { position: p - 1, problem: `the event before it (position ${p - 1}) is missing: the chain is cut` });
    if (r.caseId !== caseId) return report(k, { position: p, problem: `the record at position ${p} is of case "${r.caseId}", not "${caseId}"` });
    if (r.streamVersion !== k + 1) {
      return report(k, { position: p, problem: `the event at position ${p} has stream version ${r.streamVersion}; the case's event number ${k + 1} should have ${k + 1}` });
    }
    const leaf = leafHashHex(r);
    if (leaf !== r.leafHash.toString('hex')) {
      return report(k, { position: p, problem: `the event at position ${p} was altered: its stored text or fields no longer match its leaf hash` });
    }
    const previousChain = prev ? prev.chainHash.toString('hex') : GENESIS_CHAIN_HEX;
    if (chainHashHex(previousChain, leaf) !== r.chainHash.toString('hex')) {
      return report(k, { position: p, problem: `the event at position ${p} does not link to the event before it in the chain` });
    }
  }
  return report(positions.length);
}
