import { LruMap } from './lru-map.js';

test('keeps the most recently remembered entries, dropping the oldest first', () => {
  const m = new LruMap<string, number>(2);
  m.remember('a', 1);
  m.remember('b', 2);
  m.remember('a', 3); // a is now the most recent
  m.remember('c', 4);
  expect([...m.entries()]).toEqual([['a', 3], ['c', 4]]);
});
