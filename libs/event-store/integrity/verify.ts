// Re-checks a whole ledger from its stored records: positions, leaf hashes, the chain, the eventId key
// column, stream versions, and optionally a head exported earlier and the store's own head record.
// See docs/integrity.md for the format and for what can and cannot be detected.
import type { EventStore, LedgerHead, ReadAllOptions, StoredRecord } from '../port.js';
import { eventIdInBody } from '../codec.js';
import { GENESIS_CHAIN_HEX, chainHashHexUnchecked, leafHashHex } from './hash-chain.js';
import { PackedRecord } from '../packed-records.js';

export type ReadRecords = (options: ReadAllOptions) => Promise<StoredRecord[]>;

export interface VerifyOptions {
  /** A head exported earlier and kept outside the ledger: exposes a cut-off tail or a rewritten history. */
  expectedHead?: LedgerHead;
  /**
   * The store's own head record (`store.head()`), read before and after the scan: exposes a tail deleted
   * without also rewriting the head record, and records inserted beyond the head outside the ledger.
   */
  readHead?: () => Promise<LedgerHead>;
  /** Called after each page with the number of events checked so far. */
  onProgress?: (checked: number) => void;
  /** Records per read (default 2000). */
  pageSize?: number;
}

export interface BrokenEvent {
  /** Position of the first event that is wrong or missing. */
  position: number;
  eventId?: string;
  caseId?: string;
  /** What is wrong, in plain words. */
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Events checked and found intact (up to the first broken one). */
  events: number;
  /** Head of the intact part: when `ok`, the ledger's head, to export and check against later. */
  head: LedgerHead;
  firstBroken?: BrokenEvent;
}

class Broken extends Error {
  constructor(readonly broken: BrokenEvent) {
    super(broken.problem);
  }
}

/** "the event at position 7 is missing" / "the events at positions 7–9 are missing" */
function missing(from: number, to: number): string {
  return from === to ? `the event at position ${from} is missing` : `the events at positions ${from}–${to} are missing`;
}

/** Verifies the records `readRecords` returns, page by page in position order (see VerifyOptions). */
export async function verifyLedger(readRecords: ReadRecords, options: VerifyOptions = {}): Promise<VerifyReport> {
  // 2000: big enough that the per-page query cost vanishes, small enough that a page dies young
  // (5000-record pages get promoted to the old generation and verify runs ~25% slower).
  const pageSize = options.pageSize ?? 2000;
  const heads: { head: LedgerHead; kind: 'exported' | 'recorded' }[] = [];
  if (options.expectedHead) heads.push({ head: options.expectedHead, kind: 'exported' });
  if (options.readHead) heads.push({ head: await options.readHead(), kind: 'recorded' });
  // Chain values the heads will be compared with, caught as the scan passes their positions.
  const chainAt = new Map<number, string>();
  for (const { head } of heads) if (head.position === 0) chainAt.set(0, GENESIS_CHAIN_HEX);
  const wanted = new Set(heads.map((h) => h.head.position));

  let position = 0; // last intact position
  let chain = GENESIS_CHAIN_HEX;
  const versions = new Map<string, number>();
  const report = (broken?: BrokenEvent): VerifyReport => ({
    ok: broken === undefined,
    events: position,
    head: { position, hash: chain },
    ...(broken ? { firstBroken: broken } : {}),
  });

  try {
    for (;;) {
      const page = await readRecords({ fromPosition: position + 1, limit: pageSize });
      for (const r of page) {
        const expected = position + 1;
        if (r.position !== expected) {
          if (r.position > expected) {
            throw new Broken({
              position: expected,
              problem:
                `${missing(expected, r.position - 1)}: deleted from the ledger ` +
                `(the next stored event is at position ${r.position})`,
            });
          }
          throw new Broken({
            position: r.position,
            caseId: r.caseId,
            problem: `a record at position ${r.position} came after position ${position}: positions are duplicated or out of order`,
          });
        }
        // Stored hashes as hex, read in place when the store packed the page's hash columns.
        const page = PackedRecord.pageOf(r);
        const at = page ? PackedRecord.indexOf(r) : 0;
        const leaf = leafHashHex(r);
        const storedLeaf = page ? page.leaves.toString('hex', 32 * at, 32 * at + 32) : r.leafHash.toString('hex');
        if (leaf !== storedLeaf) throw new Broken(diagnoseLeaf(r));
        const next = chainHashHexUnchecked(chain, leaf);
        const storedChain = page ? page.chains.toString('hex', 32 * at, 32 * at + 32) : r.chainHash.toString('hex');
        if (next !== storedChain) {
          throw new Broken({
            ...ids(r),
            problem:
              `the event at position ${r.position} does not link to the one before it: its stored chain hash was not ` +
              `computed from the chain at position ${position}, so an event at or before position ${r.position} was ` +
              `changed, inserted, removed or reordered (and its own hashes recomputed to hide it)`,
          });
        }
        const storedKey = page ? page.keys.toString('hex', 16 * at, 16 * at + 16) : r.eventKey?.toString('hex');
        if (storedKey !== undefined) {
          const inBody = eventIdInBody(r.body);
          if (inBody === undefined || !uuidMatchesKey(inBody, storedKey)) {
            throw new Broken({
              ...ids(r),
              problem:
                `the event at position ${r.position} has an eventId key column (${storedKey}) that does ` +
                `not match the eventId in the event (${inBody ?? 'none'}): the key column was changed`,
            });
          }
        }
        const version = (versions.get(r.caseId) ?? 0) + 1;
        if (r.streamVersion !== version) {
          throw new Broken({
            ...ids(r),
            problem: `the event at position ${r.position} has stream version ${r.streamVersion} in case ${r.caseId}, but the case's previous event in the ledger is at version ${version - 1}`,
          });
        }
        versions.set(r.caseId, version);
        chain = next;
        position = expected;
        if (wanted.has(position)) chainAt.set(position, chain);
      }
      options.onProgress?.(position);
      if (page.length < pageSize) break;
    }

    // Heads: an exported head (kept outside the ledger) and the store's own head record.
    const failures: BrokenEvent[] = [];
    for (const { head, kind } of heads) {
      const what = kind === 'exported' ? 'the head exported earlier' : "the ledger's own head record";
      if (head.position > position) {
        failures.push({
          position: position + 1,
          problem:
            `${what} is at position ${head.position}, but the ledger ends at position ${position}: ` +
            `${missing(position + 1, head.position)} (the end of the ledger was cut off)`,
        });
        continue;
      }
      const at = chainAt.get(head.position)!;
      if (at !== head.hash.toLowerCase()) {
        failures.push({
          position: head.position,
          problem:
            `the chain hash at position ${head.position} is ${at}, but ${what} says ${head.hash}: ` +
            `the history up to position ${head.position} was rewritten (or the head is not this ledger's)`,
        });
      }
    }
    if (options.readHead) {
      const after = await options.readHead();
      if (position > after.position) {
        failures.push({
          position: after.position + 1,
          problem:
            `the ledger's head record is at position ${after.position}, but events are stored up to position ${position}: ` +
            `what is stored after position ${after.position} was added outside the ledger`,
        });
      }
    }
    if (failures.length) {
      failures.sort((a, b) => a.position - b.position);
      return report(failures[0]);
    }
    return report();
  } catch (e) {
    if (e instanceof Broken) return report(e.broken);
    throw e;
  }
}

/** verifyLedger over a store, with its own head record as well (see VerifyOptions.readHead). */
export function verifyEventStore(
  store: Pick<EventStore, 'readRecords' | 'head'>,
  options: Omit<VerifyOptions, 'readHead'> = {},
): Promise<VerifyReport> {
  return verifyLedger((o) => store.readRecords(o), { ...options, readHead: () => store.head() });
}

/** Whether a hyphenated UUID (either case) spells the 32 lower-case hex digits `keyHex` (no allocation). */
function uuidMatchesKey(id: string, keyHex: string): boolean {
  if (id.length !== 36 || keyHex.length !== 32) return false;
  let k = 0;
  for (let j = 0; j < 36; j++) {
    let c = id.charCodeAt(j);
    if (j === 8 || j === 13 || j === 18 || j === 23) {
      if (c !== 45 /* - */) return false;
      continue;
    }
    if (c >= 65 && c <= 70) c += 32; // A-F -> a-f
    if (c !== keyHex.charCodeAt(k++)) return false;
  }
  return true;
}

function ids(r: StoredRecord): { position: number; eventId?: string; caseId: string } {
  const eventId = eventIdInBody(r.body);
  return { position: r.position, caseId: r.caseId, ...(eventId !== undefined ? { eventId } : {}) };
}

function diagnoseLeaf(r: StoredRecord): BrokenEvent {
  const base = ids(r);
  let body: { caseId?: unknown } | undefined;
  try {
    body = JSON.parse(r.body) as { caseId?: unknown };
  } catch {
    return { ...base, problem: `the event at position ${r.position} was altered: its stored text is no longer valid JSON` };
  }
  if (body && typeof body.caseId === 'string' && body.caseId !== r.caseId) {
    return {
      ...base,
      problem:
        `the event at position ${r.position} was altered: its case column says "${r.caseId}" but the event itself ` +
        `is of case "${body.caseId}" (the record no longer matches the hash taken when it was appended)`,
    };
  }
  return {
    ...base,
    problem:
      `the event at position ${r.position} does not match the hash taken when it was appended: its content, case, ` +
      `stream version or time of append was changed, or it was moved here from another position`,
  };
}
