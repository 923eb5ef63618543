import { jest } from '@jest/globals';
import { ConsoleLogger } from '@nestjs/common';
import { ApiLogger } from './api-logger.js';

const stampOf = (l: ConsoleLogger) => (l as unknown as { getTimestamp(): string }).getTimestamp();

test('the timestamp is Nest\'s own, formatted again when the second changes', () => {
  jest.useFakeTimers({ now: new Date('2026-11-29T03:00:00.100Z') });
  try {
    const ours = new ApiLogger();
    const nest = new ConsoleLogger();
    const first = stampOf(ours);
    expect(first).toBe(stampOf(nest));
    jest.setSystemTime(new Date('2026-11-29T03:00:00.900Z'));
    expect(stampOf(ours)).toBe(first);
    jest.setSystemTime(new Date('2026-11-29T03:00:01.000Z'));
    expect(stampOf(ours)).toBe(stampOf(nest));
    expect(stampOf(ours)).not.toBe(first);
  } finally {
    jest.useRealTimers();
  }
});
