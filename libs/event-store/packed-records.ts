// A page of stored records whose hash columns arrive as one long byte string each (see the stores'
// readRecords). Each record has the StoredRecord fields; its hashes are sliced out only when asked
// for, and `verify` compares them in place: making three small Buffers per record costs more than
// hashing the record.
import type { StoredRecord } from './port.js';

export interface PackedPage {
  /** leaf hashes, 32 bytes per record, in page order */
  leaves: Buffer;
  /** chain hashes, 32 bytes per record */
  chains: Buffer;
  /** eventId keys, 16 bytes per record */
  keys: Buffer;
}

export class PackedRecord implements StoredRecord {
  readonly #page: PackedPage;
  readonly #index: number;

  constructor(
    readonly position: number,
    readonly caseId: string,
    readonly streamVersion: number,
    readonly appendedAt: number,
    readonly body: string,
    page: PackedPage,
    index: number,
  ) {
    this.#page = page;
    this.#index = index;
  }

  get leafHash(): Buffer {
    return this.#page.leaves.subarray(32 * this.#index, 32 * this.#index + 32);
  }

  get chainHash(): Buffer {
    return this.#page.chains.subarray(32 * this.#index, 32 * this.#index + 32);
  }

  get eventKey(): Buffer {
    return this.#page.keys.subarray(16 * this.#index, 16 * this.#index + 16);
  }

  toJSON(): Record<string, unknown> {
    return {
      position: this.position, caseId: this.caseId, streamVersion: this.streamVersion, appendedAt: this.appendedAt,
      body: this.body, leafHash: this.leafHash, chainHash: this.chainHash, eventKey: this.eventKey,
    };
  }

  /** The page holding this record's hashes, if `r` is a packed record (else undefined). */
  static pageOf(r: StoredRecord): PackedPage | undefined {
    return r instanceof PackedRecord ? r.#page : undefined;
  }

  /** The record's index in its page (only meaningful when pageOf(r) is defined). */
  static indexOf(r: StoredRecord): number {
    return r instanceof PackedRecord ? r.#index : -1;
  }
}

/** Whether the columns hold exactly `n` records' hashes (a damaged record would shift every slice after it). */
export function packedPage(leaves: unknown, chains: unknown, keys: unknown, n: number): PackedPage | undefined {
  if (!Buffer.isBuffer(leaves) || !Buffer.isBuffer(chains) || !Buffer.isBuffer(keys)) return undefined;
  if (leaves.length !== 32 * n || chains.length !== 32 * n || keys.length !== 16 * n) return undefined;
  return { leaves, chains, keys };
}
