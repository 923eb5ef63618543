import { Readable } from 'node:stream';
import type { HttpResponse } from '../http-types.js';

/** Sends lines as application/x-ndjson, in chunks of about 64 KB, as the client reads them (back-pressure). */
export function sendLines(res: HttpResponse, lines: AsyncIterable<string>, map: (line: string) => string = (l) => l): void {
  async function* chunks(): AsyncGenerator<string> {
    let buf = '';
    for await (const line of lines) {
      buf += map(line) + '\n';
      if (buf.length >= 64 * 1024) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  void res.code(200).header('Content-Type', 'application/x-ndjson; charset=utf-8').header('Cache-Control', 'no-store')
    .send(Readable.from(chunks(), { objectMode: false }));
}
