// The access log's records and their hashes: the ledger's leaf/chain construction (hash-chain.ts)
// over the access log's own records. The leaf's "caseId" field is the constant ACCESS_LOG_STREAM, its
// stream version the position, its body the entry as canonical JSON.
import { GENESIS_CHAIN_HEX, chainHashHex, leafHashHex } from '../event-store/integrity/hash-chain.js';
import type { AccessEntry, AccessLogVerifyReport, AccessRecord, AccessRow } from './port.js';

export const ACCESS_LOG_STREAM = 'access-log';

/** The stored body: the entry's fields in a fixed order, as JSON (no time or hash: those are columns). */
export function entryBody(e: AccessEntry): string {
  return JSON.stringify({
    sub: e.sub, role: e.role, force: e.force, action: e.action, caseId: e.caseId,
    filter: e.filter === null ? null : Object.fromEntries(Object.keys(e.filter).sort().map((k) => [k, e.filter![k]])),
    purpose: e.purpose,
  });
}

export function rowHashes(position: number, appendedAt: number, body: string, previousChainHex: string): { leafHash: string; chainHash: string } {
  const leafHash = leafHashHex({ position, caseId: ACCESS_LOG_STREAM, streamVersion: position, appendedAt, body });
  return { leafHash, chainHash: chainHashHex(previousChainHex, leafHash) };
}

export function toRecord(row: AccessRow): AccessRecord {
  const e = JSON.parse(row.body) as AccessEntry;
  return {
    position: row.position, at: new Date(row.appendedAt).toISOString(),
    sub: e.sub, role: e.role, force: e.force, action: e.action, caseId: e.caseId, filter: e.filter, purpose: e.purpose,
    leafHash: row.leafHash, chainHash: row.chainHash,
  };
}

/** Verifies rows read in pages (`page(from, limit)`), position order, starting at 1. */
export async function verifyRows(page: (from: number, limit: number) => Promise<AccessRow[]>, pageSize = 5000): Promise<AccessLogVerifyReport> {
  let previous = GENESIS_CHAIN_HEX;
  let expected = 1;
  const broken = (position: number, reason: string): AccessLogVerifyReport =>
    ({ ok: false, entries: expected - 1, head: { position: expected - 1, hash: previous }, firstBroken: { position, reason } });
  for (;;) {
    const rows = await page(expected, pageSize);
    for (const r of rows) {
      if (r.position !== expected) return broken(expected, `entry ${expected} is missing (found ${r.position})`);
      let h;
      try {
        h = rowHashes(r.position, r.appendedAt, r.body, previous);
      } catch (e) {
        return broken(r.position, (e as Error).message);
      }
      if (h.leafHash !== r.leafHash) return broken(r.position, 'leaf hash does not match the entry');
      if (h.chainHash !== r.chainHash) return broken(r.position, 'chain hash does not match');
      previous = r.chainHash;
      expected++;
    }
    if (rows.length < pageSize) break;
  }
  return { ok: true, entries: expected - 1, head: { position: expected - 1, hash: previous } };
}
