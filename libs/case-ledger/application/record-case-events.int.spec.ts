// The ledger's one write path (recordEvents, the batch handler, the group-committing single-event
// handler) on a real embedded store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore, type SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import type { AppendRequest } from '../../event-store/port.js';
import { verifyEventStore } from '../../event-store/integrity/verify.js';
import { VALID_DATA, nextUuid } from '../domain/testing-fixtures.js';
import { RecordCaseEvent, RecordCaseEventHandler } from './record-case-event.js';
import { RecordCaseEvents, RecordCaseEventsHandler, type RecordOutcome } from './record-case-events.js';
import { randomIds } from './event-ids.js';

const NOW = Date.parse('2021-06-01T00:00:00Z');
const report = (caseId: string, eventId = nextUuid()) =>
  ({ eventId, caseId, type: 'CaseReported', occurredAt: '2021-03-04T10:15:00Z', data: VALID_DATA.CaseReported });
const contact = (caseId: string, eventId = nextUuid(), channel = 'phone') =>
  ({ eventId, caseId, type: 'VictimContactMade', occurredAt: '2021-03-05T10:00:00Z', data: { ...VALID_DATA.VictimContactMade, channel } });
const status = (o: RecordOutcome) => (o.status === 'rejected' ? o.error.code : o.status);

let dir: string;
let store: SqliteEventStore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'record-events-'));
  store = await openSqliteEventStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const batch = (lines: { line: unknown; expectedVersion?: number | 'any' }[]) =>
  new RecordCaseEventsHandler(store, randomIds).execute(
    new RecordCaseEvents(lines.map((l) => ({ line: l.line, receivedAt: NOW, expectedVersion: l.expectedVersion ?? 'any' }))),
  );

describe('a batch of lines (one transaction)', () => {
  test('each line is judged against its case as the lines before it in the batch leave it', async () => {
    // given a new case reported and contacted in the same batch, then reported again, then a bad line
    const outcomes = await batch([
      { line: report('C-1') },
      { line: contact('C-1'), expectedVersion: 1 },
      { line: report('C-1') },
      { line: { caseId: 'C-1', type: 'Burgled' } },
      { line: contact('C-1'), expectedVersion: 1 },
    ]);
    // then the first two go in, the rest are refused each with its own rule
    expect(outcomes.map(status)).toEqual(['appended', 'appended', 'rule.report_once', 'validation.enum', 'concurrency.version_conflict']);
    expect(outcomes[1]).toMatchObject({ version: 2, events: [{ position: 2, streamVersion: 2 }] });
    expect(await verifyEventStore(store)).toMatchObject({ ok: true, events: 2 });
  });

  test('an eventId given twice in one batch: the same content is a duplicate of the first, other content a conflict', async () => {
    const id = nextUuid();
    const outcomes = await batch([{ line: report('C-2') }, { line: contact('C-2', id) }, { line: contact('C-2', id) }, { line: contact('C-2', id, 'email') }]);
    expect(outcomes.map(status)).toEqual(['appended', 'appended', 'duplicate', 'idempotency.event_id_conflict']);
    expect(outcomes[2]).toMatchObject({ events: [{ position: 2 }], version: 2 });
  });

  test('an eventId stored in another case is an eventId conflict, before any order rule', async () => {
    const id = nextUuid();
    await batch([{ line: report('C-3') }, { line: contact('C-3', id) }]);
    const [o] = await batch([{ line: contact('C-4', id) }]); // C-4 is not even reported
    expect(status(o!)).toBe('idempotency.event_id_conflict');
  });
});

describe('single events (RecordCaseEvent), group commit', () => {
  test('lines sent together are committed together, one line per case per transaction, each answered on its own, in arrival order', async () => {
    // given a store that counts its transactions
    const transactions: AppendRequest[][] = [];
    const appendMany = store.appendMany.bind(store);
    store.appendMany = (requests) => {
      transactions.push(requests);
      return appendMany(requests);
    };
    const handler = new RecordCaseEventHandler(store, randomIds);
    // when 20 cases are reported at once, then contacted twice each, one contact a bad line
    const cases = Array.from({ length: 20 }, (_, i) => `C-${i}`);
    const lines = [...cases.map((c) => report(c)), ...cases.map((c) => contact(c)), ...cases.map((c) => contact(c))];
    lines[27] = { ...contact('C-7'), occurredAt: 'yesterday' };
    const results = await Promise.allSettled(lines.map((line) => handler.execute(new RecordCaseEvent(line, NOW))));
    // then three transactions of 20 (19 for the round with the bad line), each case's lines in arrival order
    expect(transactions.map((t) => t.length)).toEqual([20, 19, 20]);
    expect(results.map((r) => r.status)).toEqual(lines.map((_, i) => (i === 27 ? 'rejected' : 'fulfilled')));
    const versions = results.map((r) => (r.status === 'fulfilled' ? r.value.version : 0));
    expect(versions).toEqual([...cases.map(() => 1), ...cases.map((_, i) => (i === 7 ? 0 : 2)), ...cases.map((_, i) => (i === 7 ? 2 : 3))]);
    // and a line sent after they are answered goes in a transaction of its own
    await handler.execute(new RecordCaseEvent(contact('C-1'), NOW, 3));
    expect(transactions).toHaveLength(4);
  });
});

describe('case states held between batches (the API handler)', () => {
  const lines = (ls: { line: unknown; expectedVersion?: number | 'any' }[]) =>
    new RecordCaseEvents(ls.map((l) => ({ line: l.line, receivedAt: NOW, expectedVersion: l.expectedVersion ?? 'any' })));

  test('a case judged before is not read again while its stored version is unchanged, and is judged the same', async () => {
    let streamsRead = 0;
    const counting = new Proxy(store, {
      get(target, name, receiver) {
        if (name === 'readStreams') return (ids: string[]) => { streamsRead += ids.length; return target.readStreams(ids); };
        const v = Reflect.get(target, name, receiver) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const handler = new RecordCaseEventsHandler(counting, randomIds);
    expect((await handler.execute(lines([{ line: report('H-1') }]))).map(status)).toEqual(['appended']);
    expect(streamsRead).toBe(1);
    const again = await handler.execute(lines([{ line: report('H-1') }, { line: contact('H-1'), expectedVersion: 1 }, { line: contact('H-1'), expectedVersion: 1 }]));
    expect(again.map(status)).toEqual(['rule.report_once', 'appended', 'concurrency.version_conflict']);
    expect(streamsRead).toBe(1);
    expect((await handler.execute(lines([{ line: contact('H-1'), expectedVersion: 2 }])))[0]).toMatchObject({ status: 'appended', version: 3 });
    expect(streamsRead).toBe(1);
  });

  test('another writer appended to a held case: the next batch reads it again and judges on what is stored', async () => {
    const handler = new RecordCaseEventsHandler(store, randomIds);
    // H-2 judged while it has no events (held at version 0), H-3 after its report (held at version 1)
    expect((await handler.execute(lines([{ line: contact('H-2') }, { line: report('H-3') }]))).map(status)).toEqual(['rule.report_first', 'appended']);
    const other = await openSqliteEventStore({ dataDir: dir }); // another process on the same file
    try {
      const otherHandler = new RecordCaseEventsHandler(other, randomIds);
      expect((await otherHandler.execute(lines([{ line: report('H-2') }, { line: contact('H-3') }]))).map(status)).toEqual(['appended', 'appended']);
    } finally {
      await other.close();
    }
    // H-2 is reported now: a second report breaks the order rule (not a version conflict with a stale state);
    // H-3 is at version 2: a line expecting 2 goes in.
    const next = await handler.execute(lines([{ line: report('H-2') }, { line: contact('H-3'), expectedVersion: 2 }]));
    expect(next.map(status)).toEqual(['rule.report_once', 'appended']);
    expect(next[1]).toMatchObject({ version: 3 });
    expect(await verifyEventStore(store)).toMatchObject({ ok: true, events: 4 });
  });
});
