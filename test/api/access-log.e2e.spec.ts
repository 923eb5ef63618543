// The access log: every read of case-level data recorded before the data leaves, verifiable, tamper-evident.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import type { AccessEntry, AccessLog, AccessRecord } from '../../libs/access-log/port.js';
import { SqliteAccessLog } from '../../libs/access-log/sqlite-access-log.js';
import { bearer, contactLine, EXAMPLE_LINES, reportedLine, startApi, type Api } from './harness.js';

let api: Api;
let officer: string, supervisor: string, inspector: string, analyst: string;

beforeAll(async () => {
  api = await startApi();
  officer = await api.token('officer', 'MPS', 'pc-4412');
  supervisor = await api.token('supervisor', 'MPS', 'ds-2087');
  inspector = await api.token('inspector', undefined, 'hmicfrs-7');
  analyst = await api.token('analyst', undefined, 'research-3');
  const batch = await request(api.server).post('/events/batch').set(bearer(officer)).set('Content-Type', 'application/x-ndjson').send(EXAMPLE_LINES.join('\n'));
  expect(batch.body).toMatchObject({ appended: EXAMPLE_LINES.length, rejected: 0 });
  await request(api.server).post('/cases/MPS-L-2/events').set(bearer(officer)).set('Content-Type', 'application/json').send(reportedLine('MPS-L-2', 'MPS', 'V-OTHER'));
});
afterAll(async () => { await api.close(); });

async function entries(): Promise<AccessRecord[]> {
  const log = new SqliteAccessLog(api.dataDir);
  try {
    return await log.list(1, 10_000);
  } finally {
    await log.close();
  }
}

test('each case-level read is recorded with who, role, force, when, what and why, before the data is returned', async () => {
  const before = (await entries()).length;
  const t0 = Date.now();
  expect((await request(api.server).get('/cases/MPS-2021-004217/timeline').set(bearer(officer)).set('X-Purpose', 'preparing victim update')).status).toBe(200);
  expect((await request(api.server).get('/cases/MPS-2021-004217/events?asOf=2021-06-01T00:00:00Z').set(bearer(supervisor)).set('X-Purpose', 'supervision review')).status).toBe(200);
  expect((await request(api.server).get('/export').set(bearer(inspector)).set('X-Purpose', 'thematic inspection')).status).toBe(200);
  expect((await request(api.server).get('/export?caseId=MPS-L-2').set(bearer(inspector)).set('X-Purpose', 'case file review')).status).toBe(200);
  expect((await request(api.server).get('/export').set(bearer(analyst)).set('X-Purpose', 'research study 12')).status).toBe(200);
  const added = (await entries()).slice(before);
  expect(added.map(({ sub, role, force, action, caseId, filter, purpose }) => ({ sub, role, force, action, caseId, filter, purpose }))).toEqual([
    { sub: 'pc-4412', role: 'officer', force: 'MPS', action: 'case.timeline', caseId: 'MPS-2021-004217', filter: null, purpose: 'preparing victim update' },
    { sub: 'ds-2087', role: 'supervisor', force: 'MPS', action: 'case.events', caseId: 'MPS-2021-004217', filter: { asOf: '2021-06-01T00:00:00Z' }, purpose: 'supervision review' },
    { sub: 'hmicfrs-7', role: 'inspector', force: null, action: 'export', caseId: null, filter: {}, purpose: 'thematic inspection' },
    { sub: 'hmicfrs-7', role: 'inspector', force: null, action: 'export', caseId: 'MPS-L-2', filter: {}, purpose: 'case file review' },
    { sub: 'research-3', role: 'analyst', force: null, action: 'export', caseId: null, filter: { variant: 'pseudonymised' }, purpose: 'research study 12' },
  ]);
  for (const e of added) expect(Date.parse(e.at)).toBeGreaterThanOrEqual(t0 - 1);
  expect(added.map((e) => e.position)).toEqual(added.map((_, i) => before + 1 + i));
});

test('refused reads (out of scope, no purpose) are not served and not recorded as reads', async () => {
  const before = (await entries()).length;
  const kent = await api.token('officer', 'KENT');
  expect((await request(api.server).get('/cases/MPS-2021-004217/timeline').set(bearer(kent)).set('X-Purpose', 'x')).status).toBe(404);
  expect((await request(api.server).get('/cases/MPS-2021-004217/timeline').set(bearer(officer))).status).toBe(400);
  expect((await entries()).length).toBe(before);
});

test('inspectors read and verify the log over HTTP; reading it is itself recorded', async () => {
  const n = (await entries()).length;
  const r = await request(api.server).get('/access-log?from=1&limit=1000').set(bearer(inspector)).set('X-Purpose', 'audit of access');
  expect(r.status).toBe(200);
  expect(r.body.entries).toHaveLength(n + 1);
  expect(r.body.entries[n]).toMatchObject({ action: 'access-log.read', sub: 'hmicfrs-7', filter: { from: '1', limit: '1000' } });
  const v = await request(api.server).get('/access-log/verify').set(bearer(inspector));
  expect(v.body).toMatchObject({ ok: true, entries: n + 1 });
  expect(v.body.head.hash).toBe(r.body.entries[n].chainHash);
});

test('the analysts\' export: no free text, identifiers replaced by keyed hashes stable within one export, unlinkable across exports', async () => {
  const one = (await request(api.server).get('/export').set(bearer(analyst)).set('X-Purpose', 'study')).text.trim().split('\n').map((l) => JSON.parse(l));
  const two = (await request(api.server).get('/export').set(bearer(analyst)).set('X-Purpose', 'study')).text.trim().split('\n').map((l) => JSON.parse(l));
  const text = JSON.stringify(one);
  for (const secret of ['V-8K2Q', 'V-OTHER', 'MPS-2021-004217', 'CR-4217/21', 'pc-4412', 'ds-2087']) expect(text).not.toContain(secret);
  const closed = one.find((e) => e.type === 'CaseClosed');
  expect(closed.data).not.toHaveProperty('rationale');
  for (const e of one.filter((x) => x.type === 'DeviceRequested')) {
    expect(e.data).not.toHaveProperty('lineOfEnquiry');
    expect(e.data).not.toHaveProperty('alternativesConsidered');
  }
  const caseIds = new Set(one.map((e) => e.caseId));
  expect(caseIds.size).toBe(2); // stable within the export: events of one case share the hash
  expect(one[0].caseId).toMatch(/^[0-9a-f]{64}$/);
  expect(one[0].data.victim.ageBand).toBe('25_34'); // non-identifying facts kept
  const twoIds = new Set(two.map((e) => e.caseId));
  for (const id of caseIds) expect(twoIds.has(id)).toBe(false); // a new key per export
  expect((await request(api.server).get('/export?caseId=MPS-L-2').set(bearer(analyst)).set('X-Purpose', 'x')).body.param).toBe('caseId');
});

test('tampering with the access log table is detected', async () => {
  const db = new Database(join(api.dataDir, 'ledger.sqlite'));
  try {
    expect(() => db.prepare('UPDATE access_log SET body = body WHERE position = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM access_log WHERE position = 1').run()).toThrow(/append-only/);
    // Someone with write access to the file drops the guard and rewrites who read the case and why.
    db.exec('DROP TRIGGER access_log_no_update');
    db.prepare("UPDATE access_log SET body = replace(body, 'preparing victim update', 'routine') WHERE position = 1").run();
  } finally {
    db.close();
  }
  const v = await request(api.server).get('/access-log/verify').set(bearer(inspector));
  expect(v.body).toMatchObject({ ok: false, firstBroken: { position: 1, reason: 'leaf hash does not match the entry' } });
});

describe('when the access log cannot be written', () => {
  let broken: Api;
  beforeAll(async () => {
    const failing: AccessLog = {
      record: async (_e: AccessEntry) => { throw new Error('disk full'); },
      list: async () => [], verify: async () => ({ ok: true, entries: 0, head: { position: 0, hash: '0'.repeat(64) } }),
      ping: async () => { throw new Error('down'); }, close: async () => {},
    };
    broken = await startApi({}, { accessLog: failing });
  });
  afterAll(async () => { await broken.close(); });

  test('the read fails with 503 and no case data; appends and views still work', async () => {
    const officerB = await broken.token('officer', 'MPS');
    expect((await request(broken.server).post('/cases/MPS-F-1/events').set(bearer(officerB)).set('Content-Type', 'application/json').send(reportedLine('MPS-F-1', 'MPS', 'V-SECRET'))).status).toBe(201);
    const r = await request(broken.server).get('/cases/MPS-F-1/timeline').set(bearer(officerB)).set('X-Purpose', 'x');
    expect([r.status, r.body.code]).toEqual([503, 'access_log.unavailable']);
    expect(r.text).not.toContain('V-SECRET');
    const e = await request(broken.server).get('/export').set(bearer(await broken.token('inspector'))).set('X-Purpose', 'x');
    expect(e.status).toBe(503);
    expect(e.text).not.toContain('V-SECRET');
    expect((await request(broken.server).post('/cases/MPS-F-1/events').set(bearer(officerB)).set('Content-Type', 'application/json').send(contactLine('MPS-F-1'))).status).toBe(201);
    expect((await request(broken.server).get('/health')).status).toBe(503);
  });
});
