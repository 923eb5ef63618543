import type { Readable } from 'node:stream';

/**
 * The lines of an NDJSON stream ("\n" or "\r\n" endings), several times cheaper than node:readline
 * for large files. The iterator is created at once and reads as it is consumed, so nothing is lost
 * while the caller does other work first (e.g. connects to the database).
 */
export function ndjsonLines(input: Readable): AsyncIterable<string> {
  input.setEncoding('utf8');
  const iterator = (async function* () {
    let rest = '';
    for await (const chunk of input as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        yield text.slice(start, end);
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  })();
  return { [Symbol.asyncIterator]: () => iterator };
}
