import { Readable } from 'node:stream';
import { ndjsonLines } from './ndjson-lines.js';

async function collect(chunks: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const l of ndjsonLines(Readable.from(chunks.map((c) => Buffer.from(c))))) out.push(l);
  return out;
}

test('lines split across chunks, CRLF endings, blank lines and a last line without newline come out as written', async () => {
  expect(await collect(['{"a":1}\n{"b', '":2}\r\n\n{"c":3}'])).toEqual(['{"a":1}', '{"b":2}', '', '{"c":3}']);
});

test('a multi-byte character split between chunks is decoded whole', async () => {
  const bytes = Buffer.from('{"x":"é"}\n');
  const out: string[] = [];
  for await (const l of ndjsonLines(Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]))) out.push(l);
  expect(out).toEqual(['{"x":"é"}']);
});
