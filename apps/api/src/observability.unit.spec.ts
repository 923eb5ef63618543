import { jest } from '@jest/globals';
import { RequestLog } from './observability.js';

test('the request log gathers lines and writes them together: after its delay, at 64 KB, or when flushed', () => {
  jest.useFakeTimers({ now: new Date('2026-11-29T06:00:00.250Z') });
  try {
    const writes: string[] = [];
    const log = new RequestLog({ write: (t: string) => writes.push(t) }, 200);
    log.line('GET /health 200 1.0ms');
    log.line('POST /cases/:caseId/events 201 4.2ms');
    expect(writes).toEqual([]);
    jest.advanceTimersByTime(200);
    expect(writes).toEqual(['2026-11-29T06:00:00Z LOG [http] GET /health 200 1.0ms\n2026-11-29T06:00:00Z LOG [http] POST /cases/:caseId/events 201 4.2ms\n']);

    const long = 'x'.repeat(1000);
    for (let i = 0; i < 70; i++) log.line(long);
    expect(writes).toHaveLength(2); // 64 KB reached: written without waiting
    log.line('GET /verify 200 1.0ms');
    log.flush();
    expect(writes).toHaveLength(3);
    expect(writes[2]).toMatch(/GET \/verify 200 1.0ms\n$/);
    jest.advanceTimersByTime(1000);
    expect(writes).toHaveLength(3); // nothing left over
  } finally {
    jest.useRealTimers();
  }
});
