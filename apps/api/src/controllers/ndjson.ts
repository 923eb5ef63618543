import type { HttpResponse } from '../http-types.js';

/** Streams lines as application/x-ndjson, honouring back-pressure. */
export async function writeLines(res: HttpResponse, lines: AsyncIterable<string>, map: (line: string) => string = (l) => l): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  let buf = '';
  for await (const line of lines) {
    buf += map(line) + '\n';
    if (buf.length >= 64 * 1024) {
      const ok = res.write(buf);
      buf = '';
      if (!ok) await new Promise<void>((resolve) => res.once('drain', () => resolve()));
    }
  }
  res.end(buf);
}
