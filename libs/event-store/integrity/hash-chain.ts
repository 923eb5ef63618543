// The ledger's hash chain, format v1 (docs/integrity.md). Pure functions over stored fields: the same
// code computes the hashes when a store appends and when `verifyLedger` re-checks them.
import { hash as oneShotHash, createHash } from 'node:crypto';

/** Tag that starts every leaf preimage. A later record format gets a new tag and is verified beside v1. */
export const LEAF_TAG_V1 = 'ledger-event-v1';

/** The chain value "before" position 1: 32 zero bytes. */
export const GENESIS_CHAIN: Buffer = Buffer.alloc(32);
export const GENESIS_CHAIN_HEX = '0'.repeat(64);

/** The fields of a stored record that the leaf hash commits to. */
export interface LeafFields {
  position: number;
  caseId: string;
  streamVersion: number;
  /** ms since epoch, an integer */
  appendedAt: number;
  /** the interchange line exactly as stored */
  body: string;
}

const sha256: (data: string | Buffer) => Buffer =
  typeof oneShotHash === 'function'
    ? (data) => oneShotHash('sha256', data, 'buffer') as unknown as Buffer
    : (data) => createHash('sha256').update(data).digest();
// Hex output skips making a Buffer, which costs more than hashing 64 bytes: verify works in hex.
const sha256Hex: (data: string | Buffer) => string =
  typeof oneShotHash === 'function'
    ? (data) => oneShotHash('sha256', data, 'hex')
    : (data) => createHash('sha256').update(data).digest('hex');

function leafPreimage(r: LeafFields): string {
  return `${LEAF_TAG_V1}\n${r.position}\n${r.caseId}\n${r.streamVersion}\n${r.appendedAt}\n${r.body}`;
}

/**
 * leafHash = SHA-256("ledger-event-v1\n" + position + "\n" + caseId + "\n" + streamVersion + "\n" +
 * appendedAt + "\n" + body), UTF-8. Integers are written in decimal with no sign, padding or exponent.
 */
export function leafHash(r: LeafFields): Buffer {
  return sha256(leafPreimage(r));
}

/** leafHash as 64 lower-case hex digits. */
export function leafHashHex(r: LeafFields): string {
  return sha256Hex(leafPreimage(r));
}

const pair = Buffer.alloc(64);
/** chainHash = SHA-256(previousChainHash ‖ leafHash): the raw 32-byte values concatenated. */
export function chainHash(previous: Buffer, leaf: Buffer): Buffer {
  if (previous.length !== 32 || leaf.length !== 32) throw new Error('chainHash: both inputs must be 32-byte SHA-256 digests');
  previous.copy(pair, 0);
  leaf.copy(pair, 32);
  return sha256(pair);
}

const hexPair = Buffer.alloc(64);
const HEX64 = /^[0-9a-f]{64}$/;
/** chainHash over hex digests (64 lower-case hex digits in and out). */
export function chainHashHex(previousHex: string, leafHex: string): string {
  if (!HEX64.test(previousHex) || !HEX64.test(leafHex)) throw new Error('chainHashHex: both inputs must be 64 lower-case hex digits');
  return chainHashHexUnchecked(previousHex, leafHex);
}

/** chainHashHex for digests this module produced (no input check: verify's inner loop). */
export function chainHashHexUnchecked(previousHex: string, leafHex: string): string {
  hexPair.write(previousHex, 0, 'hex');
  hexPair.write(leafHex, 32, 'hex');
  return sha256Hex(hexPair);
}

/** Stored records only go in if these hold: they keep the leaf preimage unambiguous. */
export function assertLeafFields(r: LeafFields): void {
  if (!Number.isSafeInteger(r.position) || r.position < 1) throw new Error(`invalid position ${r.position}`);
  if (!Number.isSafeInteger(r.streamVersion) || r.streamVersion < 1) throw new Error(`invalid stream version ${r.streamVersion}`);
  if (!Number.isSafeInteger(r.appendedAt) || r.appendedAt < 0) throw new Error(`invalid appendedAt ${r.appendedAt}`);
  if (r.caseId.length === 0 || r.caseId.includes('\n')) throw new Error('a caseId must be non-empty and hold no line break');
}

/** The head of a ledger as exported: position and hex chain hash (position 0 = empty ledger). */
export function headOf(position: number, chain: Buffer): { position: number; hash: string } {
  return { position, hash: chain.toString('hex') };
}

/** Where the chain stands while a store seals new records: the last position and its chain hash (hex). */
export interface ChainTip {
  position: number;
  chain: string;
}

let lastSealed = '';

/**
 * Numbers and hashes one case's new events onto the chain, the same way in every store: positions
 * follow `tip.position`, stream versions follow `fromVersion`, each record gets its leaf and chain
 * hash (hex), and `tip` moves to the last one. `each` receives every sealed record in order.
 */
export function sealEvents<E extends { body: string }>(
  tip: ChainTip,
  caseId: string,
  fromVersion: number,
  appendedAt: number,
  events: readonly E[],
  each: (event: E, position: number, streamVersion: number, leaf: string, chain: string) => void,
): void {
  // A chain this function produced is well formed; one read from storage is checked before use.
  if (tip.chain !== lastSealed && !HEX64.test(tip.chain)) throw new Error(`the ledger's head record holds no 32-byte chain hash: it was altered; run verify`);
  let position = tip.position;
  let version = fromVersion;
  let chain = tip.chain;
  for (const e of events) {
    position++;
    version++;
    const fields = { position, caseId, streamVersion: version, appendedAt, body: e.body };
    assertLeafFields(fields);
    const leaf = leafHashHex(fields);
    chain = chainHashHexUnchecked(chain, leaf);
    each(e, position, version, leaf, chain);
  }
  tip.position = position;
  tip.chain = chain;
  lastSealed = chain;
}
