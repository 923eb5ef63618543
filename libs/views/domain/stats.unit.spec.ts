import { max, mean, median, medianInPlace, p90, p90InPlace, Samples, selectInPlace } from './stats.js';

describe('statistics', () => {
  it('given an empty set, then every statistic is null', () => {
    expect([median([]), p90([]), mean([]), max([])]).toEqual([null, null, null, null]);
  });

  it('given an odd count, when the median is taken, then it is the middle value whatever the input order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  it('given an even count, when the median is taken, then it is the mean of the two middle values', () => {
    expect(median([4, 1, 10, 2])).toBe(3);
    expect(median([0.5, 0.25])).toBe(0.375);
  });

  it.each([
    // n, rank ceil(0.9·n)
    [1, 1], [2, 2], [9, 9], [10, 9], [11, 10], [19, 18], [20, 18], [21, 19], [100, 90],
  ])('given the values 1..%i, when p90 is taken, then it is the value at nearest rank %i', (n, rank) => {
    const values = Array.from({ length: n }, (_, k) => n - k); // descending: the input order does not matter
    expect(p90(values)).toBe(rank);
  });

  it('given values, when the mean and max are taken, then they are the arithmetic mean and the largest', () => {
    expect(mean([1, 2, 4])).toBe(7 / 3);
    expect(max([3, 90.12152777777777, 1])).toBe(90.12152777777777);
  });

  it('given the same values in different orders, when the mean is taken, then it is the same double (summed in ascending order)', () => {
    const values = [0.1, 1e16, 0.2, -1e16, 0.3, 7.25];
    const expected = mean(values);
    expect(mean([...values].reverse())).toBe(expected);
    expect(mean([values[3]!, values[0]!, values[5]!, values[1]!, values[4]!, values[2]!])).toBe(expected);
  });

  it('given many random sets with repeated values, when order statistics are taken by selection, then they equal those of a full sort', () => {
    let seed = 42;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    for (let run = 0; run < 500; run++) {
      const n = 1 + Math.floor(rnd() * 60);
      const distinct = 1 + Math.floor(rnd() * 10);
      const values = Array.from({ length: n }, () => Math.floor(rnd() * distinct) / 4);
      const sorted = [...values].sort((a, b) => a - b);
      const k = Math.floor(rnd() * n);
      expect(selectInPlace(Float64Array.from(values), k)).toBe(sorted[k]);
      expect(medianInPlace(Float64Array.from(values))).toBe(n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2);
      expect(p90InPlace(Float64Array.from(values))).toBe(sorted[Math.ceil(0.9 * n) - 1]);
    }
  });

  it('given a Samples buffer, when values are pushed past its capacity, then it keeps them all in order', () => {
    const s = new Samples(2);
    for (let k = 0; k < 100; k++) s.push(k / 2);
    expect(s.length).toBe(100);
    expect([...s.values()]).toEqual(Array.from({ length: 100 }, (_, k) => k / 2));
  });
});
