// Small terminal helpers: buffered stdout with backpressure, a progress line, one-line errors.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ndjsonLines } from '../../../libs/case-ledger/application/import/ndjson-lines.js';

/** Bad usage or bad input: one line on stderr, exit code 2 (1 is kept for "refused"/"broken"). */
export class UsageError extends Error {}

export class Output {
  private buf: string[] = [];
  private size = 0;
  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {}

  async line(text: string): Promise<void> {
    this.buf.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buf.length) return;
    const chunk = this.buf.join('');
    this.buf = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }
}

/** A progress line on stderr, only when stderr is a terminal; redrawn at most 10 times a second. */
export class Progress {
  private last = 0;
  private readonly started = Date.now();
  private readonly enabled = Boolean(process.stderr.isTTY);

  constructor(private readonly label: string, private readonly total?: number) {}

  update(done: number, extra = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    const secs = Math.max((now - this.started) / 1000, 0.001);
    let bar = '';
    if (this.total && this.total > 0) {
      const frac = Math.min(done / this.total, 1);
      const width = 24;
      const filled = Math.round(frac * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% `;
    }
    process.stderr.write(`\r${this.label} ${bar}${extra} (${secs.toFixed(1)} s)\u001b[K`);
  }

  done(): void {
    if (this.enabled) process.stderr.write('\r\u001b[K');
  }
}

/**
 * The iterator must exist before anything else is awaited (booting the ledger, connecting to
 * PostgreSQL): ndjsonLines creates it at once and reads only as lines are consumed.
 */
const linesOf = (input: Readable): AsyncIterable<string> => ndjsonLines(input);

/** Lines of a file (or of stdin for "-"), and its size in bytes when known. */
export async function openLines(path: string): Promise<{ lines: AsyncIterable<string>; size?: number }> {
  if (path === '-') return { lines: linesOf(process.stdin) };
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new UsageError(`${path} is not a file`);
    size = s.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  return { lines: linesOf(input), size };
}

/** Parses an ISO instant option strictly (with offset), or throws a UsageError naming the option. */
export function instantOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/.test(value);
  const ms = ok ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--${name} must be an ISO 8601 instant with offset, e.g. 2021-07-01T00:00:00Z (got "${value}")`);
  return ms;
}
