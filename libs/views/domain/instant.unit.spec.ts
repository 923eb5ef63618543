import { instantMs } from './instant.js';

describe('instantMs', () => {
  it.each([
    ['2021-03-04T10:15:00Z', Date.UTC(2021, 2, 4, 10, 15)],
    ['2021-03-29T09:00:00+01:00', Date.UTC(2021, 2, 29, 8, 0)],
    ['2021-03-29T09:00:00-05:30', Date.UTC(2021, 2, 29, 14, 30)],
    ['2021-03-29T09:00:00+0100', Date.UTC(2021, 2, 29, 8, 0)],
    ['2021-03-29T09:00+01', Date.UTC(2021, 2, 29, 8, 0)],
    ['2021-03-04T10:15:00.123Z', Date.UTC(2021, 2, 4, 10, 15, 0, 123)],
    ['2021-03-04T10:15:00.5Z', Date.UTC(2021, 2, 4, 10, 15, 0, 500)],
    ['2021-03-04T10:15:00.123000Z', Date.UTC(2021, 2, 4, 10, 15, 0, 123)],
    ['2020-02-29T23:59:59.999Z', Date.UTC(2020, 1, 29, 23, 59, 59, 999)],
    ['1969-12-31T23:59:59.999Z', -1],
  ])('given %s, then it is the exact instant', (text, ms) => {
    expect(instantMs(text)).toBe(ms);
  });

  it.each([
    '2021-03-04T10:15:00', '2021-03-04', '2021-02-29T00:00:00Z', '2021-03-04T24:00:00Z', '2021-03-04T10:60:00Z',
    '2021-03-04T10:15:00.1234Z', '2021-03-04 10:15:00Z', 'yesterday', '', '2021-03-04T10:15:00+01:', '2021-03-04T10:15:00.Z',
    '2021-03-04T10:15:00Zjunk', '2021-03-04T10:15:00+1:00', '2021-03-04T10:15:00+24:00', '2021-03-04T10:15:0Z', '2021-03-04T10:15:00.1234567891Z',
  ])('given %j, then it is not an instant (NaN)', (text) => {
    expect(instantMs(text)).toBeNaN();
  });

  it('given many instants in the ECMAScript format with Z or an offset, then the result equals Date.parse', () => {
    let seed = 7;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    for (let k = 0; k < 2000; k++) {
      const ms = Math.floor(rnd() * 4e12) - 1e12;
      const offset = Math.floor(rnd() * 48 - 24) * 30;
      const local = new Date(ms + offset * 60_000).toISOString().slice(0, 23);
      const sign = offset < 0 ? '-' : '+';
      const abs = Math.abs(offset);
      const text = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      expect(instantMs(text)).toBe(Date.parse(text));
      expect(instantMs(text)).toBe(ms);
    }
  });
});
