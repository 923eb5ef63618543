import { BinaryCopyRows } from './event-rows.js';

const key = '0123456789abcdef0123456789abcdef';
const leaf = 'aa'.repeat(32);
const chain = 'bb'.repeat(32);

describe('BinaryCopyRows', () => {
  test('writes the COPY binary format: header, one tuple of 8 fields (int8, int8, int4, text, bytea, text, bytea, bytea), trailer', () => {
    const rows = new BinaryCopyRows(1_700_000_000_123);
    rows.add(2 ** 40 + 7, 3, 'CASE-é', key, '{"a":"€"}', leaf, chain);
    const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
    const int8 = (n: number) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(n));
      return b;
    };
    const expected = Buffer.concat([
      Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8),
      Buffer.from([0, 8]),
      field(int8(2 ** 40 + 7)), field(int8(1_700_000_000_123)), field(Buffer.from([0, 0, 0, 3])),
      field(Buffer.from('CASE-é')), field(Buffer.from(key, 'hex')), field(Buffer.from('{"a":"€"}')),
      field(Buffer.from(leaf, 'hex')), field(Buffer.from(chain, 'hex')),
      Buffer.from([0xff, 0xff]),
    ]);
    expect(rows.finish()).toEqual(expected);
    expect(rows.count).toBe(1);
  });

  test('rows past the first buffer size (multi-byte text) come out as from a buffer large enough', () => {
    const small = new BinaryCopyRows(1, 64);
    const large = new BinaryCopyRows(1, 1 << 20);
    for (let i = 1; i <= 50; i++) {
      const body = `{"n":${i},"t":"${'𝄞é'.repeat(i * 10)}"}`;
      small.add(i, i, `C-${i}`, key, body, leaf, chain);
      large.add(i, i, `C-${i}`, key, body, leaf, chain);
    }
    expect(small.finish()).toEqual(large.finish());
  });

  test('refuses a key or hash that is not hex of the column\'s length', () => {
    const rows = new BinaryCopyRows(1);
    expect(() => rows.add(1, 1, 'C', key.slice(2), '{}', leaf, chain)).toThrow(/32 hex digits/);
    expect(() => rows.add(1, 1, 'C', key, '{}', 'zz'.repeat(32), chain)).toThrow(/64 hex digits/);
  });
});
