import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENESIS_CHAIN_HEX, chainHashHex, leafHashHex } from '../event-store/integrity/hash-chain.js';
import { ACCESS_LOG_STREAM, entryBody, rowHashes, verifyRows } from './chain.js';
import type { AccessEntry, AccessRow } from './port.js';
import { SqliteAccessLog } from './sqlite-access-log.js';

const entry = (i: number): AccessEntry => ({
  sub: `u${i}`, role: 'inspector', force: null, action: 'case.timeline', caseId: `C-${i}`, filter: i % 2 ? { b: '2', a: '1' } : null, purpose: `p${i}`,
});

function chain(n: number): AccessRow[] {
  const rows: AccessRow[] = [];
  let prev = GENESIS_CHAIN_HEX;
  for (let i = 1; i <= n; i++) {
    const body = entryBody(entry(i));
    const h = rowHashes(i, 1_700_000_000_000 + i, body, prev);
    rows.push({ position: i, appendedAt: 1_700_000_000_000 + i, body, ...h });
    prev = h.chainHash;
  }
  return rows;
}
const pager = (rows: AccessRow[]) => async (from: number, limit: number) => rows.filter((r) => r.position >= from).slice(0, limit);

test('the leaf and chain are the ledger\'s construction over the access log\'s own records', () => {
  const body = entryBody(entry(1));
  const h = rowHashes(1, 5, body, GENESIS_CHAIN_HEX);
  expect(h.leafHash).toBe(leafHashHex({ position: 1, caseId: ACCESS_LOG_STREAM, streamVersion: 1, appendedAt: 5, body }));
  expect(h.chainHash).toBe(chainHashHex(GENESIS_CHAIN_HEX, h.leafHash));
});

test('the body has a fixed field order and sorted filter keys', () => {
  expect(entryBody(entry(1))).toBe('{"sub":"u1","role":"inspector","force":null,"action":"case.timeline","caseId":"C-1","filter":{"a":"1","b":"2"},"purpose":"p1"}');
});

test('verify accepts an intact chain across pages and names the first broken entry otherwise', async () => {
  const rows = chain(7);
  expect(await verifyRows(pager(rows), 3)).toEqual({ ok: true, entries: 7, head: { position: 7, hash: rows[6]!.chainHash } });
  const edited = rows.map((r) => (r.position === 4 ? { ...r, body: r.body.replace('p4', 'px') } : r));
  expect((await verifyRows(pager(edited), 3)).firstBroken).toEqual({ position: 4, reason: 'leaf hash does not match the entry' });
  const retimed = rows.map((r) => (r.position === 2 ? { ...r, appendedAt: r.appendedAt + 1 } : r));
  expect((await verifyRows(pager(retimed), 3)).firstBroken?.position).toBe(2);
  const dropped = rows.filter((r) => r.position !== 5);
  expect((await verifyRows(pager(dropped), 3)).firstBroken).toEqual({ position: 5, reason: 'entry 5 is missing (found 6)' });
  const rehashed = rows.map((r) => (r.position === 3 ? { ...r, chainHash: rows[2]!.leafHash } : r));
  expect((await verifyRows(pager(rehashed), 3)).firstBroken).toEqual({ position: 3, reason: 'chain hash does not match' });
});

test('the SQLite adapter: two connections on one file extend one chain', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'access-log-'));
  const a = new SqliteAccessLog(dir, { now: () => 1000 });
  const b = new SqliteAccessLog(dir, { now: () => 2000 });
  try {
    await a.record(entry(1));
    await b.record(entry(2));
    const r = await a.record(entry(3));
    expect(r).toMatchObject({ position: 3, at: new Date(1000).toISOString(), sub: 'u3', caseId: 'C-3', filter: { a: '1', b: '2' } });
    expect((await b.list(2, 10)).map((x) => [x.position, x.sub])).toEqual([[2, 'u2'], [3, 'u3']]);
    expect(await b.verify()).toMatchObject({ ok: true, entries: 3 });
  } finally {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the SQLite adapter: entries recorded together share one commit and still chain one by one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'access-log-'));
  const log = new SqliteAccessLog(dir);
  try {
    const records = await Promise.all(Array.from({ length: 50 }, (_, i) => log.record(entry(i + 1))));
    expect(records.map((r) => r.position)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(records.map((r) => r.sub)).toEqual(Array.from({ length: 50 }, (_, i) => `u${i + 1}`));
    expect(await log.verify()).toMatchObject({ ok: true, entries: 50, head: { position: 50, hash: records[49]!.chainHash } });
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
