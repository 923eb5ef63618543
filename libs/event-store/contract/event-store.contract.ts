// The one contract every EventStore adapter passes. Each adapter's *.int.spec.ts calls
// describeEventStoreContract with a factory for a fresh, empty store and a way to tamper with its
// database directly (as someone with raw database access would).
import { randomUUID } from 'node:crypto';
import type { CaseEvent, StoredCaseEvent } from '../../case-ledger/domain/vocabulary.js';
import { EventIdConflictError, VersionConflictError } from '../../case-ledger/domain/errors.js';
import { toInterchangeLine } from '../../case-ledger/domain/interchange.js';
import { NotAppendedError, type AppendOutcome, type EventStore, type LedgerHead } from '../port.js';
import { verifyEventStore, verifyLedger, type VerifyReport } from '../integrity/verify.js';
import { caseHistory, caseReported, isvaReferred, makeEvent, officerAssigned, victimContact } from './fixtures.js';

export interface ContractHarness {
  /** A fresh, empty store. */
  store: EventStore;
  tamper: {
    /** Runs SQL (one or more statements) directly on the store's database, tables unqualified. */
    sql(statement: string): Promise<void>;
    /** A SQL literal of a byte string in this database's dialect (hex digits in). */
    blob(hex: string): string;
  };
  /** Another store on the same storage: a second process, or the same one after `store` was closed. */
  reopen(): Promise<EventStore>;
  /** Closes every store it opened and removes the storage. */
  cleanup(): Promise<void>;
}

const ZERO_HASH = '0'.repeat(64);

function appended(o: AppendOutcome | { status: 'error'; error: Error }): StoredCaseEvent[] {
  if (o.status !== 'appended') throw new Error(`expected 'appended', got ${o.status}${o.status === 'error' ? `: ${o.error.message}` : ''}`);
  return o.events;
}

/** What a stored event must carry of the event given: type, data, metadata. */
function same(stored: StoredCaseEvent, given: CaseEvent): void {
  expect({ type: stored.type, data: stored.data, metadata: stored.metadata }).toEqual({
    type: given.type,
    data: given.data,
    metadata: given.metadata,
  });
}

async function allEvents(store: EventStore): Promise<StoredCaseEvent[]> {
  return store.readAll({ fromPosition: 1, limit: 1_000_000 });
}

async function settle(p: Promise<void>, withinMs: number): Promise<{ settled: boolean; ms: number }> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settled = await Promise.race([
    p.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), withinMs))),
  ]);
  clearTimeout(timer);
  return { settled, ms: Date.now() - started };
}

export interface ContractOptions {
  /** false for stores whose records cannot be altered one by one with SQL (KurrentDB): the SQL tamper tests are skipped, the store's own spec covers its equivalents. */
  sqlTamper?: boolean;
}

export function describeEventStoreContract(name: string, makeStore: () => Promise<ContractHarness>, options: ContractOptions = {}): void {
  const tamperTest = options.sqlTamper === false ? test.skip : test;
  describe(`EventStore contract: ${name}`, () => {
    let h: ContractHarness;
    let store: EventStore;
    beforeEach(async () => {
      h = await makeStore();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    /** Case A with 6 events at positions 1–6 (A: 1–3, B: 4–5, A: 6), for the tamper tests. */
    async function sixEvents(): Promise<{ head: LedgerHead; events: StoredCaseEvent[] }> {
      const a = caseHistory('CASE-A', 4);
      const b = caseHistory('CASE-B', 2);
      await store.append({ caseId: 'CASE-A', expectedVersion: 0, events: a.slice(0, 3) });
      await store.append({ caseId: 'CASE-B', expectedVersion: 0, events: b });
      await store.append({ caseId: 'CASE-A', expectedVersion: 3, events: a.slice(3) });
      const head = await store.head();
      expect(head.position).toBe(6);
      expect((await verifyEventStore(store)).ok).toBe(true);
      return { head, events: await allEvents(store) };
    }

    function expectBroken(report: VerifyReport, position: number, problem?: RegExp): void {
      expect(report.ok).toBe(false);
      expect(report.firstBroken?.position).toBe(position);
      expect(typeof report.firstBroken?.problem).toBe('string');
      if (problem) expect(report.firstBroken!.problem).toMatch(problem);
    }

    describe('append and read', () => {
      test('an empty store', async () => {
        expect(await store.head()).toEqual({ position: 0, hash: ZERO_HASH });
        expect(await store.readAll({ fromPosition: 1, limit: 10 })).toEqual([]);
        expect(await store.readStream('NO-SUCH-CASE')).toEqual([]);
        expect(await store.streamVersion('NO-SUCH-CASE')).toBe(0);
        expect(await store.readRecords({ fromPosition: 1, limit: 10 })).toEqual([]);
        expect((await store.storageStats()).events).toBe(0);
        expect(await verifyEventStore(store)).toEqual({ ok: true, events: 0, head: { position: 0, hash: ZERO_HASH } });
      });

      test('appends a case, then reads it back by stream, by the global log and by head', async () => {
        const events = caseHistory('MPS-2021-004217', 3);
        const outcome = await store.append({ caseId: 'MPS-2021-004217', expectedVersion: 0, events });
        const stored = appended(outcome);
        expect(stored.map((e) => [e.position, e.streamVersion])).toEqual([[1, 1], [2, 2], [3, 3]]);
        stored.forEach((e, i) => same(e, events[i]!));

        const stream = await store.readStream('MPS-2021-004217');
        expect(stream).toEqual(stored);
        expect(await allEvents(store)).toEqual(stored);
        expect(await store.streamVersion('MPS-2021-004217')).toBe(3);

        const second = appended(await store.append({ caseId: 'OTHER/CASE.1', expectedVersion: 0, events: [caseReported('OTHER/CASE.1')] }));
        expect(second.map((e) => [e.position, e.streamVersion])).toEqual([[4, 1]]);
        const head = await store.head();
        expect(head.position).toBe(4);
        expect(head.hash).toMatch(/^[0-9a-f]{64}$/);
        const report = await verifyEventStore(store);
        expect(report).toEqual({ ok: true, events: 4, head });
      });

      test('stores the interchange line verbatim and keeps the eventId as given', async () => {
        const upper = randomUUID().toUpperCase();
        const event = caseReported('CASE-1', upper);
        const [stored] = appended(await store.append({ caseId: 'CASE-1', expectedVersion: 0, events: [event] }));
        expect(stored!.metadata.eventId).toBe(upper);
        const [record] = await store.readRecords({ fromPosition: 1, limit: 1 });
        expect(record!.body).toBe(JSON.stringify(toInterchangeLine(event)));
        expect(record!.caseId).toBe('CASE-1');
        expect(record!.streamVersion).toBe(1);
        expect(Number.isInteger(record!.appendedAt)).toBe(true);
        expect(Math.abs(record!.appendedAt - Date.now())).toBeLessThan(60_000);
        expect(record!.leafHash).toHaveLength(32);
        expect(record!.chainHash.toString('hex')).toBe((await store.head()).hash);
        // Actor absent stays absent (not null, not undefined-as-key).
        const plain = officerAssigned('CASE-1');
        const [s2] = appended(await store.append({ caseId: 'CASE-1', expectedVersion: 1, events: [plain] }));
        expect('actor' in s2!.metadata).toBe(false);
        expect('actor' in (await store.readStream('CASE-1'))[1]!.metadata).toBe(false);
      });

      test('keeps bodies byte for byte whatever the text: quotes, backslashes, control characters, non-ASCII', async () => {
        const tricky = 'He said "no" \\ then C:\\path\\n; tab\there\nnew line, \u0001, é, ünïcödé, 😀, \u2028, \\u0000, {}[],';
        const events = [
          caseReported('CASE-1'),
          makeEvent('CASE-1', 'CaseClosed', { outcomeCode: 16, rationale: tricky, victimInformed: false }),
          makeEvent('CASE-1', 'CaseReopened', { reason: tricky.repeat(30) }),
        ];
        await store.appendMany([{ caseId: 'CASE-1', expectedVersion: 0, events }]);
        const records = await store.readRecords({ fromPosition: 1, limit: 10 });
        expect(records.map((r) => r.body)).toEqual(events.map((e) => JSON.stringify(toInterchangeLine(e))));
        expect((await store.readStream('CASE-1')).map((e) => e.data)).toEqual(events.map((e) => e.data));
        expect((await verifyEventStore(store)).ok).toBe(true);
      });

      test('an append of no events stores nothing', async () => {
        const outcome = await store.append({ caseId: 'CASE-1', expectedVersion: 0, events: [] });
        expect(outcome).toEqual({ status: 'appended', events: [] });
        expect((await store.head()).position).toBe(0);
      });
    });

    describe('expected version', () => {
      test('refuses a stale expected version, naming expected and actual; "any" always appends', async () => {
        await store.append({ caseId: 'CASE-1', expectedVersion: 0, events: caseHistory('CASE-1', 3) });
        const attempt = store.append({ caseId: 'CASE-1', expectedVersion: 2, events: [officerAssigned('CASE-1')] });
        await expect(attempt).rejects.toBeInstanceOf(VersionConflictError);
        await expect(attempt).rejects.toMatchObject({ code: 'concurrency.version_conflict', caseId: 'CASE-1', expected: 2, actual: 3 });
        await expect(store.append({ caseId: 'NEW', expectedVersion: 1, events: [caseReported('NEW')] })).rejects.toMatchObject({
          expected: 1, actual: 0,
        });
        const [e] = appended(await store.append({ caseId: 'CASE-1', expectedVersion: 'any', events: [officerAssigned('CASE-1')] }));
        expect(e!.streamVersion).toBe(4);
        expect((await store.head()).position).toBe(4);
      });

      test('of N concurrent appenders at the same expected version exactly one wins', async () => {
        await store.append({ caseId: 'CASE-1', expectedVersion: 0, events: [caseReported('CASE-1')] });
        const n = 8;
        const results = await Promise.allSettled(
          Array.from({ length: n }, (_, i) =>
            store.append({ caseId: 'CASE-1', expectedVersion: 1, events: [officerAssigned('CASE-1', `officer-${i}`)] })),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(n - 1);
        for (const r of lost) {
          expect(r.reason).toBeInstanceOf(VersionConflictError);
          expect(r.reason).toMatchObject({ caseId: 'CASE-1', expected: 1, actual: 2 });
        }
        expect(await store.streamVersion('CASE-1')).toBe(2);
        expect((await verifyEventStore(store)).ok).toBe(true);
      });
    });

    describe('idempotency by eventId', () => {
      test('a retry is a duplicate: nothing stored, the stored events returned, whatever the case of the eventId', async () => {
        const events = caseHistory('CASE-1', 2);
        const first = appended(await store.append({ caseId: 'CASE-1', expectedVersion: 0, events }));
        const head = await store.head();

        const retry = await store.append({ caseId: 'CASE-1', expectedVersion: 0, events });
        expect(retry.status).toBe('duplicate');
        expect(retry.events).toEqual(first);

        const shouted = events.map((e) => ({ ...e, metadata: { ...e.metadata, eventId: e.metadata.eventId.toUpperCase() } }) as CaseEvent);
        const retry2 = await store.append({ caseId: 'CASE-1', expectedVersion: 'any', events: shouted });
        expect(retry2.status).toBe('duplicate');
        expect(retry2.events.map((e) => e.metadata.eventId)).toEqual(events.map((e) => e.metadata.eventId)); // as first stored
        expect(await store.head()).toEqual(head);
      });

      test('the same eventId with different content is refused and stores nothing', async () => {
        const event = isvaReferred('CASE-1', 'Havens');
        await store.append({ caseId: 'CASE-1', expectedVersion: 0, events: [caseReported('CASE-1'), event] });
        const head = await store.head();
        const changed = { ...event, data: { service: 'Another service' } } as CaseEvent;
        const refused = store.append({ caseId: 'CASE-1', expectedVersion: 2, events: [changed] });
        await expect(refused).rejects.toBeInstanceOf(EventIdConflictError);
        await expect(refused).rejects.toMatchObject({ code: 'idempotency.event_id_conflict', eventId: event.metadata.eventId });
        // The same eventId in another case is a different event too.
        const elsewhere = { ...event, metadata: { ...event.metadata, caseId: 'CASE-2' } } as CaseEvent;
        await expect(store.append({ caseId: 'CASE-2', expectedVersion: 0, events: [elsewhere] })).rejects.toBeInstanceOf(EventIdConflictError);
        expect(await store.head()).toEqual(head);
        expect(await store.readStream('CASE-2')).toEqual([]);
      });

      test('a request only partly stored already is refused (a retry must repeat the same events)', async () => {
        const [reported, assigned] = caseHistory('CASE-1', 2);
        await store.append({ caseId: 'CASE-1', expectedVersion: 0, events: [reported!] });
        await expect(store.append({ caseId: 'CASE-1', expectedVersion: 1, events: [reported!, assigned!] })).rejects.toBeInstanceOf(
          EventIdConflictError,
        );
        expect((await store.head()).position).toBe(1);
      });
    });

    describe('appendMany', () => {
      test('judges each request on its own: failing ones write nothing, the others commit in one go', async () => {
        const storedB = caseHistory('CASE-B', 2);
        await store.append({ caseId: 'CASE-B', expectedVersion: 0, events: storedB });
        const storedC = caseReported('CASE-C');
        await store.append({ caseId: 'CASE-C', expectedVersion: 0, events: [storedC] });
        await store.append({ caseId: 'CASE-D', expectedVersion: 0, events: [caseReported('CASE-D')] });
        const before = await store.head();

        const a = caseHistory('CASE-A', 2);
        const conflicting = { ...storedC, data: { ...storedC.data, borough: 'Southwark' } } as CaseEvent;
        const f = caseHistory('CASE-F', 2);
        const badId = { ...caseReported('CASE-G'), metadata: { ...caseReported('CASE-G').metadata, eventId: 'not-a-uuid' } } as CaseEvent;
        const outcomes = await store.appendMany([
          { caseId: 'CASE-A', expectedVersion: 0, events: a },                          // good
          { caseId: 'CASE-B', expectedVersion: 0, events: storedB },                    // duplicate
          { caseId: 'CASE-C', expectedVersion: 1, events: [conflicting] },              // eventId conflict
          { caseId: 'CASE-D', expectedVersion: 0, events: [officerAssigned('CASE-D')] }, // version conflict
          { caseId: 'CASE-F', expectedVersion: 0, events: [f[0]!] },                    // good
          { caseId: 'CASE-F', expectedVersion: 1, events: [f[1]!] },                    // good: sees the one before
          { caseId: 'CASE-F', expectedVersion: 1, events: [victimContact('CASE-F')] },  // version conflict: now at 2
          { caseId: 'CASE-A', expectedVersion: 'any', events: a },                      // duplicate of this batch's first
          { caseId: 'CASE-G', expectedVersion: 0, events: [badId] },                    // malformed
        ]);
        expect(outcomes.map((o) => o.status)).toEqual([
          'appended', 'duplicate', 'error', 'error', 'appended', 'appended', 'error', 'duplicate', 'error',
        ]);
        const errorOf = (i: number) => (outcomes[i] as { error: Error }).error;
        expect(errorOf(2)).toBeInstanceOf(EventIdConflictError);
        expect(errorOf(3)).toBeInstanceOf(VersionConflictError);
        expect(errorOf(3)).toMatchObject({ expected: 0, actual: 1 });
        expect(errorOf(6)).toMatchObject({ expected: 1, actual: 2 });
        expect(errorOf(8)).toBeInstanceOf(Error);

        expect(appended(outcomes[0]!).map((e) => e.position)).toEqual([before.position + 1, before.position + 2]);
        expect(appended(outcomes[4]!).map((e) => [e.position, e.streamVersion])).toEqual([[before.position + 3, 1]]);
        expect(appended(outcomes[5]!).map((e) => [e.position, e.streamVersion])).toEqual([[before.position + 4, 2]]);
        expect((outcomes[7] as AppendOutcome).events).toEqual(appended(outcomes[0]!));
        expect((await store.head()).position).toBe(before.position + 4);
        expect(await store.readStream('CASE-C')).toHaveLength(1);
        expect(await store.readStream('CASE-D')).toHaveLength(1);
        expect(await store.readStream('CASE-G')).toEqual([]);
        expect((await verifyEventStore(store)).ok).toBe(true);
      });

      test('a request after a refused request of the same case is refused too, even if its version matches by chance', async () => {
        // given a case at version 2, where the caller believes it at version 1
        const stored = caseHistory('CASE-H', 2);
        await store.append({ caseId: 'CASE-H', expectedVersion: 0, events: stored });
        // when a batch appends two events to it built one on the other (expecting 1, then 2)
        const outcomes = await store.appendMany([
          { caseId: 'CASE-H', expectedVersion: 1, events: [victimContact('CASE-H')] },
          { caseId: 'CASE-H', expectedVersion: 2, events: [victimContact('CASE-H')] },
          { caseId: 'CASE-H', expectedVersion: 'any', events: [stored[1]!] },
        ]);
        // then both are refused as version conflicts (the second was built on the first), a retry of a stored one is still a duplicate
        expect(outcomes.map((o) => o.status)).toEqual(['error', 'error', 'duplicate']);
        expect((outcomes[1] as { error: Error }).error).toBeInstanceOf(VersionConflictError);
        expect(await store.readStream('CASE-H')).toHaveLength(2);
      });

      test('a batch given `after` is written only once it resolves to true, and not at all when it resolves to false', async () => {
        // given a batch in flight and the next one (built on it) handed over with a gate still closed
        const a = caseHistory('CASE-A', 2);
        let open!: (ok: boolean) => void;
        const gate = new Promise<boolean>((resolve) => (open = resolve));
        const first = store.appendMany([{ caseId: 'CASE-A', expectedVersion: 0, events: [a[0]!] }]);
        const second = store.appendMany([{ caseId: 'CASE-A', expectedVersion: 1, events: [a[1]!] }], { after: gate });
        await first;
        await new Promise((r) => setTimeout(r, 20));
        expect((await store.head()).position).toBe(1); // not written while the gate is closed
        open(true);
        expect(appended((await second)[0]!).map((e) => [e.position, e.streamVersion])).toEqual([[2, 2]]);

        // a gate that resolves to false: nothing written, every request answered NotAppendedError
        const refused = await store.appendMany(
          [{ caseId: 'CASE-B', expectedVersion: 0, events: [caseReported('CASE-B')] }, { caseId: 'CASE-C', expectedVersion: 0, events: [caseReported('CASE-C')] }],
          { after: Promise.resolve(false) },
        );
        expect(refused.map((o) => o.status === 'error' && o.error instanceof NotAppendedError)).toEqual([true, true]);
        expect(await store.readStream('CASE-B')).toEqual([]);

        // another append gets in between the batch the gated one was prepared after and the gated one: still chained right
        let open2!: (ok: boolean) => void;
        const gate2 = new Promise<boolean>((resolve) => (open2 = resolve));
        const third = store.appendMany([{ caseId: 'CASE-C', expectedVersion: 0, events: [caseReported('CASE-C')] }]);
        const fourth = store.appendMany([{ caseId: 'CASE-E', expectedVersion: 0, events: caseHistory('CASE-E', 2) }], { after: gate2 });
        await third;
        await store.append({ caseId: 'CASE-D', expectedVersion: 0, events: [caseReported('CASE-D')] });
        open2(true);
        expect(appended((await fourth)[0]!).map((e) => e.position)).toEqual([5, 6]);
        expect((await store.head()).position).toBe(6);
        expect((await verifyEventStore(store)).ok).toBe(true);
      });

      test('an empty batch does nothing', async () => {
        expect(await store.appendMany([])).toEqual([]);
        expect((await store.head()).position).toBe(0);
      });
    });

    describe('reading', () => {
      test('readAll pages through the global log from a position', async () => {
        for (let i = 0; i < 5; i++) await store.append({ caseId: `CASE-${i}`, expectedVersion: 0, events: caseHistory(`CASE-${i}`, 2) });
        const page = await store.readAll({ fromPosition: 4, limit: 3 });
        expect(page.map((e) => e.position)).toEqual([4, 5, 6]);
        const seen: number[] = [];
        for (let from = 1; ; ) {
          const p = await store.readAll({ fromPosition: from, limit: 3 });
          seen.push(...p.map((e) => e.position));
          if (p.length < 3) break;
          from = p[p.length - 1]!.position + 1;
        }
        expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(await store.readAll({ fromPosition: 11, limit: 3 })).toEqual([]);
        expect(await store.readAll({ fromPosition: 3, limit: 0 })).toEqual([]);
        const records = await store.readRecords({ fromPosition: 9, limit: 5 });
        expect(records.map((r) => r.position)).toEqual([9, 10]);
      });

      test('findEvents (case-insensitive) and readStreams', async () => {
        const a = caseHistory('CASE-A', 3);
        const b = caseHistory('CASE-B', 2);
        await store.append({ caseId: 'CASE-A', expectedVersion: 0, events: a });
        await store.append({ caseId: 'CASE-B', expectedVersion: 0, events: b });
        const found = await store.findEvents([
          a[1]!.metadata.eventId.toUpperCase(), b[0]!.metadata.eventId, randomUUID(), 'not-a-uuid', b[0]!.metadata.eventId,
        ]);
        expect(found.map((e) => e.metadata.eventId).sort()).toEqual([a[1]!.metadata.eventId, b[0]!.metadata.eventId].sort());
        same(found.find((e) => e.metadata.eventId === a[1]!.metadata.eventId)!, a[1]!);
        expect(await store.findEvents([])).toEqual([]);

        const streams = await store.readStreams(['CASE-B', 'NO-SUCH-CASE', 'CASE-A']);
        expect([...streams.keys()].sort()).toEqual(['CASE-A', 'CASE-B']);
        expect(streams.get('CASE-A')!.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
        expect(streams.get('CASE-B')).toEqual(await store.readStream('CASE-B'));
        expect((await store.readStreams([])).size).toBe(0);

        const versions = await store.streamVersions(['CASE-B', 'NO-SUCH-CASE', 'CASE-A', 'CASE-A']);
        expect([...versions].sort()).toEqual([['CASE-A', 3], ['CASE-B', streams.get('CASE-B')!.length]]);
        expect((await store.streamVersions([])).size).toBe(0);
      });

      test('storageStats counts events and bytes', async () => {
        await store.append({ caseId: 'CASE-A', expectedVersion: 0, events: caseHistory('CASE-A', 3) });
        const stats = await store.storageStats();
        expect(stats.events).toBe(3);
        expect(stats.bytes).toBeGreaterThan(0);
      });
    });

    describe('waitForEvents', () => {
      test('resolves at once when the position is already there, and after the timeout when nothing comes', async () => {
        await store.append({ caseId: 'CASE-A', expectedVersion: 0, events: [caseReported('CASE-A')] });
        expect((await settle(store.waitForEvents(1, 10_000), 1000)).settled).toBe(true);
        // Nothing comes: a long wait does not wake (its timeout is far off) ...
        expect((await settle(store.waitForEvents(2, 60_000), 300)).settled).toBe(false);
        // ... and a short one ends at its timeout, with the log unchanged. (No lower bound on the time
        // it took: Node's timers count from the event loop's cached clock, which a busy loop leaves behind.)
        expect((await settle(store.waitForEvents(2, 150), 5000)).settled).toBe(true);
        expect((await store.head()).position).toBe(1);
      });

      test('wakes on an append by this store', async () => {
        const waiting = store.waitForEvents(1, 20_000);
        setTimeout(() => void store.append({ caseId: 'CASE-A', expectedVersion: 0, events: [caseReported('CASE-A')] }), 30);
        const r = await settle(waiting, 5000);
        expect(r.settled).toBe(true);
        expect(r.ms).toBeLessThan(5000);
        expect((await store.head()).position).toBe(1);
      });

      test('wakes on an append by another store on the same storage (another process)', async () => {
        const other = await h.reopen();
        const waiting = store.waitForEvents(1, 20_000);
        setTimeout(() => void other.append({ caseId: 'CASE-A', expectedVersion: 0, events: [caseReported('CASE-A')] }), 30);
        const r = await settle(waiting, 5000);
        expect(r.settled).toBe(true);
        expect((await store.readAll({ fromPosition: 1, limit: 10 })).map((e) => e.position)).toEqual([1]);
      });
    });

    describe('two stores on the same storage', () => {
      test('interleaved appends from both keep one contiguous, verifiable chain', async () => {
        const other = await h.reopen();
        const stores = [store, other];
        for (let i = 0; i < 10; i++) {
          const s = stores[i % 2]!;
          await s.append({ caseId: 'CASE-A', expectedVersion: i, events: [i === 0 ? caseReported('CASE-A') : victimContact('CASE-A')] });
        }
        await Promise.all([
          store.appendMany([{ caseId: 'CASE-B', expectedVersion: 0, events: caseHistory('CASE-B', 3) }]),
          other.appendMany([{ caseId: 'CASE-C', expectedVersion: 0, events: caseHistory('CASE-C', 3) }]),
        ]);
        expect((await store.head())).toEqual(await other.head());
        expect((await allEvents(store)).map((e) => e.position)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
        expect(await verifyEventStore(other)).toMatchObject({ ok: true, events: 16 });
      });
    });

    describe('integrity', () => {
      test('verify passes an intact ledger, reports progress, and its head is the store head', async () => {
        await sixEvents();
        const progress: number[] = [];
        const report = await verifyLedger((o) => store.readRecords(o), { onProgress: (n) => progress.push(n), pageSize: 4 });
        expect(report).toEqual({ ok: true, events: 6, head: await store.head() });
        expect(progress).toEqual([4, 6]);
        expect((await verifyLedger((o) => store.readRecords(o), { expectedHead: report.head })).ok).toBe(true);
      });

      test('a head exported earlier still verifies after more appends', async () => {
        const { head } = await sixEvents();
        await store.append({ caseId: 'CASE-B', expectedVersion: 2, events: [victimContact('CASE-B')] });
        expect(await verifyEventStore(store, { expectedHead: head })).toMatchObject({ ok: true, events: 7 });
      });

      tamperTest('a changed body is named', async () => {
        const { events } = await sixEvents();
        await h.tamper.sql("UPDATE events SET body = replace(body, 'Havens', 'Haven') WHERE position = 3");
        const report = await verifyEventStore(store);
        expectBroken(report, 3, /does not match the hash/);
        expect(report.firstBroken).toMatchObject({ eventId: events[2]!.metadata.eventId, caseId: 'CASE-A' });
        expect(report).toMatchObject({ events: 2, head: { position: 2 } });
      });

      tamperTest('a changed case_id is named', async () => {
        await sixEvents();
        await h.tamper.sql("UPDATE events SET case_id = 'FORGED-CASE' WHERE position = 2");
        expectBroken(await verifyEventStore(store), 2, /case column says "FORGED-CASE".*"CASE-A"/);
      });

      tamperTest('a changed eventId key column is named', async () => {
        await sixEvents();
        await h.tamper.sql(`UPDATE events SET event_key = ${h.tamper.blob('00'.repeat(16))} WHERE position = 4`);
        expectBroken(await verifyEventStore(store), 4, /eventId key column/);
      });

      tamperTest('hash columns overwritten with values of the wrong length are named', async () => {
        await sixEvents();
        await h.tamper.sql(`UPDATE events SET chain = ${h.tamper.blob('00')} WHERE position = 4`);
        expectBroken(await verifyEventStore(store), 4, /does not link/);
        await h.tamper.sql(`UPDATE events SET leaf = ${h.tamper.blob('ff'.repeat(40))} WHERE position = 2`);
        expectBroken(await verifyEventStore(store), 2, /does not match the hash/);
      });

      tamperTest('a deleted event in the middle is named', async () => {
        await sixEvents();
        await h.tamper.sql('DELETE FROM events WHERE position = 3');
        expectBroken(await verifyEventStore(store), 3, /position 3 is missing/);
        // A reader of the log stops at the gap rather than jump over it.
        expect((await allEvents(store)).map((e) => e.position)).toEqual([1, 2]);
      });

      tamperTest('a deleted tail: caught by the ledger head record, and by an exported head when the record is rewritten too', async () => {
        const { head } = await sixEvents();
        await h.tamper.sql('DELETE FROM events WHERE position > 4');
        // The remaining records alone form a valid shorter chain ...
        expect(await verifyLedger((o) => store.readRecords(o))).toMatchObject({ ok: true, events: 4 });
        // ... but the ledger's own head record still says 6.
        expectBroken(await verifyEventStore(store), 5, /positions 5–6 are missing/);
        // A careful forger rewrites the head record as well: only a head exported earlier exposes it.
        await h.tamper.sql('UPDATE ledger_head SET position = 4, chain = (SELECT chain FROM events WHERE position = 4)');
        expect((await verifyEventStore(store)).ok).toBe(true);
        expectBroken(await verifyEventStore(store, { expectedHead: head }), 5, /head exported earlier is at position 6/);
        expectBroken(await verifyLedger((o) => store.readRecords(o), { expectedHead: head }), 5);
      });

      tamperTest('appends after a deleted tail do not paper over it', async () => {
        await sixEvents();
        await h.tamper.sql('DELETE FROM events WHERE position > 4');
        const [e] = appended(await store.append({ caseId: 'CASE-B', expectedVersion: 'any', events: [victimContact('CASE-B')] }));
        expect(e!.position).toBe(7);
        expectBroken(await verifyEventStore(store), 5, /positions 5–6 are missing/);
      });

      tamperTest('a forged row added at the end is named', async () => {
        await sixEvents();
        await h.tamper.sql(
          'INSERT INTO events (position, case_id, stream_version, event_key, appended_at, body, leaf, chain) ' +
          `SELECT 7, case_id, stream_version + 1, ${h.tamper.blob('ab'.repeat(16))}, appended_at, body, leaf, chain FROM events WHERE position = 6`,
        );
        expectBroken(await verifyEventStore(store), 7);
        expectBroken(await verifyLedger((o) => store.readRecords(o)), 7, /does not match the hash/);
      });

      tamperTest('a forged row inserted in the middle (later events renumbered) is named', async () => {
        await sixEvents();
        await h.tamper.sql(
          'UPDATE events SET position = -position WHERE position >= 3;\n' +
          'UPDATE events SET position = 1 - position WHERE position < 0;\n' +
          'INSERT INTO events (position, case_id, stream_version, event_key, appended_at, body, leaf, chain) ' +
          `SELECT 3, case_id, stream_version + 100, ${h.tamper.blob('cd'.repeat(16))}, appended_at, body, leaf, chain FROM events WHERE position = 2;\n` +
          'UPDATE ledger_head SET position = 7',
        );
        expectBroken(await verifyEventStore(store), 3);
      });

      tamperTest('two events swapped in position are named', async () => {
        await sixEvents();
        await h.tamper.sql(
          'UPDATE events SET position = -1 WHERE position = 3;\n' +
          'UPDATE events SET position = 3 WHERE position = 5;\n' +
          'UPDATE events SET position = 5 WHERE position = -1',
        );
        expectBroken(await verifyEventStore(store), 3, /moved here from another position/);
      });

      tamperTest('a rewritten history with a valid chain is exposed by a head exported earlier', async () => {
        const { head } = await sixEvents();
        await h.tamper.sql(
          'DELETE FROM events WHERE position > 3;\n' +
          'UPDATE ledger_head SET position = 3, chain = (SELECT chain FROM events WHERE position = 3)',
        );
        // New, different events through the store itself: the chain is valid again and as long as before.
        await store.append({ caseId: 'CASE-B', expectedVersion: 0, events: caseHistory('CASE-B', 3) });
        expect((await store.head()).position).toBe(6);
        expect((await verifyEventStore(store)).ok).toBe(true);
        expectBroken(await verifyEventStore(store, { expectedHead: head }), 6, /rewritten/);
      });

      test('an exported head that is not this ledger\'s is refused', async () => {
        await sixEvents();
        expectBroken(await verifyEventStore(store, { expectedHead: { position: 2, hash: 'ab'.repeat(32) } }), 2, /rewritten/);
      });
    });

    describe('persistence', () => {
      test('everything survives close and reopen, and appends continue the chain', async () => {
        const { head, events } = await sixEvents();
        await store.close();
        const reopened = await h.reopen();
        expect(await reopened.head()).toEqual(head);
        expect(await allEvents(reopened)).toEqual(events);
        expect(await reopened.streamVersion('CASE-A')).toBe(4);
        const more = makeEvent('CASE-A', 'IsvaEngaged', { service: 'Havens' });
        const [e] = appended(await reopened.append({ caseId: 'CASE-A', expectedVersion: 4, events: [more] }));
        expect([e!.position, e!.streamVersion]).toEqual([7, 5]);
        expect(await verifyEventStore(reopened, { expectedHead: head })).toMatchObject({ ok: true, events: 7 });
      });
    });
  });
}
