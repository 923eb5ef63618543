// The rows of one append, collected as the store seals them, in the form its write sends: columns for
// the multi-row INSERT (PGlite, which has no COPY FROM STDIN through the adapter's interface), or
// PostgreSQL's binary COPY format (a real server: no array literals to build or parse, no hex to
// decode on the server; the bytea columns go as their raw bytes).

/** The events table's columns in the order both writes give them. */
export const EVENT_COLUMNS = '(position, appended_at, stream_version, case_id, event_key, body, leaf, chain)';

export interface EventRows {
  /** One sealed event. keyHex: 32 hex digits; leafHex, chainHex: 64 (lower case, as hash-chain.ts makes them). */
  add(position: number, streamVersion: number, caseId: string, keyHex: string, body: string, leafHex: string, chainHex: string): void;
}

/** Columns for `INSERT ... SELECT FROM unnest(...)`. */
export class InsertColumns implements EventRows {
  readonly p: number[] = [];
  readonly v: number[] = [];
  readonly c: string[] = [];
  readonly k: string[] = [];
  readonly b: string[] = [];
  readonly l: string[] = [];
  readonly h: string[] = [];
  add(position: number, streamVersion: number, caseId: string, keyHex: string, body: string, leafHex: string, chainHex: string): void {
    this.p.push(position);
    this.v.push(streamVersion);
    this.c.push(caseId);
    this.k.push(keyHex);
    this.b.push(body);
    this.l.push(leafHex);
    this.h.push(chainHex);
  }
}

// Binary COPY: signature, flags (int32 0), header extension length (int32 0); each tuple: int16
// field count, then per field int32 length and the value in its type's binary (send) format, all
// big-endian; then int16 -1.
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 8;
const FIELDS = 8;
/** A tuple's bytes besides case_id and body: 2 + 8 length words + 8 + 8 + 4 + 16 + 32 + 32. */
const FIXED_BYTES = 2 + FIELDS * 4 + 8 + 8 + 4 + 16 + 32 + 32;
const TWO_32 = 2 ** 32;

/** The rows as one `COPY events ... FROM STDIN (FORMAT binary)` stream. */
export class BinaryCopyRows implements EventRows {
  private buf: Buffer;
  private at = HEADER_BYTES;
  private done: Buffer | undefined;
  count = 0;

  /**
   * Bytes to start with for `events` rows whose case ids and bodies hold `chars` UTF-16 code units in
   * all, the longest row `longest`: enough when the text is one byte per code unit (no growing while
   * filling); text with more bytes makes the buffer grow.
   */
  static bytesFor(events: number, chars: number, longest: number): number {
    return HEADER_BYTES + 2 + events * FIXED_BYTES + chars + 3 * longest;
  }

  constructor(private readonly appendedAt: number, initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(Math.max(initialBytes, HEADER_BYTES + 2));
    SIGNATURE.copy(this.buf, 0);
    this.buf.writeUInt32BE(0, SIGNATURE.length);
    this.buf.writeUInt32BE(0, SIGNATURE.length + 4);
  }

  add(position: number, streamVersion: number, caseId: string, keyHex: string, body: string, leafHex: string, chainHex: string): void {
    if (this.done) throw new Error('BinaryCopyRows: add after finish');
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.reserve(FIXED_BYTES + 3 * (caseId.length + body.length));
    const buf = this.buf;
    let at = this.at;
    buf.writeUInt16BE(FIELDS, at);
    at = this.int8(at + 2, position);
    at = this.int8(at, this.appendedAt);
    buf.writeUInt32BE(4, at);
    buf.writeInt32BE(streamVersion, at + 4);
    at = this.text(at + 8, caseId);
    at = this.hex(at, keyHex, 16);
    at = this.text(at, body);
    at = this.hex(at, leafHex, 32);
    at = this.hex(at, chainHex, 32);
    this.at = at;
    this.count++;
  }

  /** The whole stream (trailer included). */
  finish(): Buffer {
    if (!this.done) {
      this.reserve(2);
      this.buf.writeInt16BE(-1, this.at);
      this.done = this.buf.subarray(0, this.at + 2);
    }
    return this.done;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  /** A non-negative safe integer as int8. */
  private int8(at: number, value: number): number {
    this.buf.writeUInt32BE(8, at);
    this.buf.writeUInt32BE(Math.floor(value / TWO_32), at + 4);
    this.buf.writeUInt32BE(value % TWO_32, at + 8);
    return at + 12;
  }

  private text(at: number, value: string): number {
    const n = this.buf.write(value, at + 4, 'utf8');
    this.buf.writeUInt32BE(n, at);
    return at + 4 + n;
  }

  private hex(at: number, value: string, bytes: number): number {
    const n = this.buf.write(value, at + 4, 'hex');
    if (n !== bytes || value.length !== 2 * bytes) throw new Error(`BinaryCopyRows: expected ${2 * bytes} hex digits, got "${value}"`);
    this.buf.writeUInt32BE(n, at);
    return at + 4 + n;
  }
}
