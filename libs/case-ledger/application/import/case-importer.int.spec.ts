// The importer judges the next chunk while the current one is written. When the chunk in flight does
// not leave its cases as judged (another writer got in), the next chunk must be judged again on the
// real history, even when the case's version happens to match the one it was judged at.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../../event-store/sqlite/sqlite-event-store.js';
import type { AppendManyOptions, AppendRequest, EventStore } from '../../../event-store/port.js';
import { parseEventLine } from '../../domain/interchange.js';
import { lineOf, CASE_ID } from '../../domain/testing-fixtures.js';
import { CaseImporter } from './case-importer.js';

async function* linesOf(values: unknown[]): AsyncIterable<string> {
  for (const v of values) yield JSON.stringify(v);
}

const day = (d: number) => `2021-03-0${d}T10:00:00Z`;

test('a concurrent write to a case while its chunk is written: the next chunk, judged ahead, is judged again on the real history', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-importer-'));
  const inner = await openSqliteEventStore({ dataDir: dir });
  try {
    // Another writer closes the case just before the importer's second chunk (one line) is appended:
    // that line (a suspect identified, expecting version 1) then conflicts, is judged again and refused (closed).
    // The third line was judged ahead on "reported, suspect identified": its expected version, 2, is the case's
    // version after the close, so only judging it again on the real history refuses it.
    let calls = 0;
    const closing = parseEventLine(lineOf('CaseClosed', { occurredAt: day(2), recordedAt: day(2) }), { appendedAt: Date.now(), newEventId: () => '' });
    if (!closing.ok) throw closing.error;
    const store: EventStore = Object.create(inner) as EventStore;
    store.appendMany = async (requests: AppendRequest[], options?: AppendManyOptions) => {
      if (++calls === 2) {
        if (options?.after) await options.after; // the second chunk is handed over while the first is written
        await inner.append({ caseId: CASE_ID, expectedVersion: 1, events: [closing.event] });
      }
      return inner.appendMany(requests, options);
    };
    const rejected: string[] = [];
    const importer = new CaseImporter(store, { now: () => Date.now(), chunkSize: 1, onRejected: (line, m) => rejected.push(`${line}: ${m}`) });
    const report = await importer.run(linesOf([
      lineOf('CaseReported', { occurredAt: day(1), recordedAt: day(1) }),
      lineOf('SuspectIdentified', { occurredAt: day(3), recordedAt: day(3) }),
      lineOf('SuspectIdentified', { occurredAt: day(4), recordedAt: day(4) }),
    ]));
    expect(report).toEqual({ appended: 1, duplicates: 0, rejected: 2 });
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toMatch(/^2: .*closed/);
    expect(rejected[1]).toMatch(/^3: .*closed/);
    expect((await inner.readStream(CASE_ID)).map((e) => e.type)).toEqual(['CaseReported', 'CaseClosed']);
  } finally {
    await inner.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('regression (issue 3, live-follow bench): a line from a slow source is judged at the time it was read, not when its chunk began', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-importer-'));
  const store = await openSqliteEventStore({ dataDir: dir });
  try {
    // The ledger's clock moves a minute between two lines; each line happened just before it was sent,
    // after the chunk (of 3 lines) began.
    let clock = Date.parse(day(1));
    async function* slowSource(): AsyncIterable<string> {
      for (const type of ['CaseReported', 'VictimContactMade', 'VictimContactMade'] as const) {
        clock += 60_000;
        const at = new Date(clock - 1).toISOString();
        const line = lineOf(type, { occurredAt: at });
        delete line.recordedAt;
        yield JSON.stringify(line);
      }
    }
    const rejected: string[] = [];
    const importer = new CaseImporter(store, { now: () => clock, chunkSize: 3, onRejected: (line, m) => rejected.push(`${line}: ${m}`) });
    expect(await importer.run(slowSource())).toEqual({ appended: 3, duplicates: 0, rejected: 0 });
    expect(rejected).toEqual([]);
    // Without recordedAt, each line is recorded at the time the ledger read it.
    expect((await store.readStream(CASE_ID)).map((e) => e.metadata.recordedAt)).toEqual([1, 2, 3].map((m) => new Date(Date.parse(day(1)) + m * 60_000).toISOString()));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
