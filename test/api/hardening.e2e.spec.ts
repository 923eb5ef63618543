// Bad requests: each one refused with Problem Details and a stable code, the ledger unchanged.
import request from 'supertest';
import { bearer, contactLine, reportedLine, startApi, type Api } from './harness.js';

let api: Api;
let officer: string;
let inspector: string;
const CASE = 'MPS-H-0001';

beforeAll(async () => {
  api = await startApi();
  officer = await api.token('officer', 'MPS');
  inspector = await api.token('inspector');
  const r = await request(api.server).post(`/cases/${CASE}/events`).set(bearer(officer)).set('Content-Type', 'application/json').send(reportedLine(CASE, 'MPS'));
  expect(r.status).toBe(201);
  expect(r.headers.etag).toBe('"1"');
});
afterAll(async () => { await api.close(); });

async function refused(call: () => request.Test, status: number, code: string, extra: Record<string, unknown> = {}): Promise<void> {
  const before = await api.snapshot();
  const r = await call();
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ status, code, type: `urn:case-ledger:problem:${code}`, ...extra });
  expect(typeof r.body.title).toBe('string');
  expect(typeof r.body.detail).toBe('string');
  expect(await api.snapshot()).toEqual(before);
}

const post = (path: string, type: string, body: string | Buffer) =>
  () => request(api.server).post(path).set(bearer(officer)).set('Content-Type', type).send(body);

test('malformed JSON → 400', () => refused(post(`/cases/${CASE}/events`, 'application/json', '{"caseId":'), 400, 'request.malformed_json'));
test('one event over 64 KB → 413', () =>
  refused(post(`/cases/${CASE}/events`, 'application/json', JSON.stringify({ caseId: CASE, pad: 'x'.repeat(70_000) })), 413, 'request.too_large'));
test('a batch over 16 MB → 413', () =>
  refused(post('/events/batch', 'application/x-ndjson', Buffer.alloc(16 * 1024 * 1024 + 10, 0x20)), 413, 'request.too_large'));
test('wrong content type for one event → 415', () => refused(post(`/cases/${CASE}/events`, 'text/plain', contactLine(CASE)), 415, 'request.unsupported_media_type'));
test('wrong content type for a batch → 415', () => refused(post('/events/batch', 'application/json', contactLine(CASE)), 415, 'request.unsupported_media_type'));
test('an unknown field in the event → 422 naming it', () =>
  refused(post(`/cases/${CASE}/events`, 'application/json', JSON.stringify({ ...JSON.parse(contactLine(CASE)), extra: 1 })), 422, 'validation.unknown_field', { field: 'extra' }));
test('an order rule broken → 422 with the rule', () =>
  refused(post(`/cases/${CASE}/events`, 'application/json', reportedLine(CASE, 'MPS')), 422, 'rule.report_once'));
test('a line for another case than the path → 400', () =>
  refused(post(`/cases/${CASE}/events`, 'application/json', contactLine('MPS-H-OTHER')), 400, 'request.case_mismatch', { field: 'caseId' }));
test('a bad If-Match → 400 naming the header', () =>
  refused(() => request(api.server).post(`/cases/${CASE}/events`).set(bearer(officer)).set('If-Match', 'banana').set('Content-Type', 'application/json').send(contactLine(CASE)),
    400, 'request.invalid_header', { header: 'If-Match' }));
test('a stale If-Match → 412', () =>
  refused(() => request(api.server).post(`/cases/${CASE}/events`).set(bearer(officer)).set('If-Match', '"7"').set('Content-Type', 'application/json').send(contactLine(CASE)),
    412, 'concurrency.version_conflict'));
test('an eventId reused with other content → 409', async () => {
  const line = { ...JSON.parse(contactLine(CASE)), eventId: '5d1c7a52-8d4e-4c1a-9a57-1f0c3e2d4a99' };
  const first = await post(`/cases/${CASE}/events`, 'application/json', JSON.stringify(line))();
  expect(first.status).toBe(201);
  const again = await post(`/cases/${CASE}/events`, 'application/json', JSON.stringify(line))();
  expect([again.status, again.body.status]).toEqual([200, 'duplicate']);
  await refused(post(`/cases/${CASE}/events`, 'application/json', JSON.stringify({ ...line, data: { ...line.data, channel: 'email' } })), 409, 'idempotency.event_id_conflict');
});
test('missing X-Purpose → 400 naming the header', () =>
  refused(() => request(api.server).get(`/cases/${CASE}/timeline`).set(bearer(officer)), 400, 'request.missing_purpose', { header: 'X-Purpose' }));
test('an unknown query parameter → 400 naming it', () =>
  refused(() => request(api.server).get(`/cases/${CASE}/timeline?sort=desc`).set(bearer(officer)).set('X-Purpose', 'x'), 400, 'request.invalid_parameter', { param: 'sort' }));
test('an unknown view parameter → 400 naming it', () =>
  refused(() => request(api.server).get('/views/timeliness?colour=red').set(bearer(inspector)), 400, 'request.invalid_parameter', { param: 'colour' }));
test('a bad view parameter value → 400 naming it', () =>
  refused(() => request(api.server).get('/views/timeliness?reportedFrom=yesterday').set(bearer(inspector)), 400, 'request.invalid_parameter', { param: 'reportedFrom' }));
test('a repeated parameter → 400', () =>
  refused(() => request(api.server).get('/views/timeliness?force=A&force=B').set(bearer(inspector)), 400, 'request.invalid_parameter', { param: 'force' }));
test('an unknown route → 404 problem', () => refused(() => request(api.server).get('/nothing-here').set(bearer(inspector)), 404, 'http.not_found'));

test('concurrent appends with the same If-Match: exactly one succeeds, the rest get 412', async () => {
  const version = Number((await request(api.server).get(`/cases/${CASE}/events`).set(bearer(officer)).set('X-Purpose', 'version check')).text.trim().split('\n').length);
  const before = await api.snapshot();
  const rs = await Promise.all(Array.from({ length: 12 }, () =>
    request(api.server).post(`/cases/${CASE}/events`).set(bearer(officer)).set('If-Match', `"${version}"`).set('Content-Type', 'application/json').send(contactLine(CASE))));
  const statuses = rs.map((r) => r.status).sort();
  expect(statuses.filter((s) => s === 201)).toHaveLength(1);
  expect(statuses.filter((s) => s === 412)).toHaveLength(11);
  const after = await api.snapshot();
  expect(after.lines.length).toBe(before.lines.length + 1);
  expect(rs.find((r) => r.status === 201)!.headers.etag).toBe(`"${version + 1}"`);
});

test('a batch: each line atomic, per-line results, good lines stored despite bad ones', async () => {
  const body = [reportedLine('MPS-H-B1', 'MPS'), '{not json', contactLine('MPS-H-B1'), JSON.stringify({ ...JSON.parse(contactLine('MPS-H-B1')), type: 'Nope' }), ''].join('\n');
  const r = await post('/events/batch', 'application/x-ndjson', body)();
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ appended: 2, duplicates: 0, rejected: 2 });
  expect(r.body.results.map((x: { line: number; status: string; code?: string }) => [x.line, x.status, x.code ?? null])).toEqual([
    [1, 'appended', null], [2, 'rejected', 'request.malformed_json'], [3, 'appended', null], [4, 'rejected', 'validation.enum'],
  ]);
});

test('views as JSON and CSV by Accept; 406 otherwise', async () => {
  const json = await request(api.server).get('/views/timeliness').set(bearer(inspector)).set('Accept', 'application/json');
  expect(json.headers['content-type']).toMatch(/^application\/json/);
  expect(typeof json.body).toBe('object');
  const csv = await request(api.server).get('/views/timeliness?groupBy=force').set(bearer(inspector)).set('Accept', 'text/csv');
  expect(csv.headers['content-type']).toMatch(/^text\/csv/);
  expect(csv.text.split('\n')[0]).toMatch(/^key,/);
  await refused(() => request(api.server).get('/views/timeliness').set(bearer(inspector)).set('Accept', 'image/png'), 406, 'request.not_acceptable');
});

test('security headers (helmet) on every kind of response, no x-powered-by', async () => {
  const responses = {
    ok: await request(api.server).get('/health/live'),
    refusedByTheGuard: await request(api.server).get('/verify'), // 401: no token
    noSuchRoute: await request(api.server).get('/no-such-route'),
    refusedBeforeRouting: await post(`/cases/${CASE}/events`, 'text/plain', contactLine(CASE))(), // 415 from the body middleware
  };
  expect(Object.values(responses).map((r) => r.status)).toEqual([200, 401, 404, 415]);
  for (const r of Object.values(responses)) {
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(r.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(r.headers['x-powered-by']).toBeUndefined();
  }
});

test('OpenAPI 3 document and UI at /docs, assets served locally', async () => {
  const doc = await request(api.server).get('/docs/openapi.json');
  expect(doc.body.openapi).toMatch(/^3\./);
  expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/cases/{caseId}/events', '/events/batch', '/cases/{caseId}/timeline', '/views/{name}', '/export', '/verify', '/access-log', '/health']));
  const ui = await request(api.server).get('/docs/');
  expect(ui.status).toBe(200);
  expect(ui.text).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
  const bundle = await request(api.server).get('/docs/swagger-ui-bundle.js');
  expect(bundle.status).toBe(200);
  expect(bundle.text.length).toBeGreaterThan(100_000);
});

test('health and metrics', async () => {
  expect((await request(api.server).get('/health')).body).toEqual({ status: 'ok', checks: { eventStore: 'up', accessLog: 'up' } });
  const m = await request(api.server).get('/metrics');
  expect(m.text).toMatch(/ledger_http_requests_total\{method="POST",route="\/cases\/:caseId\/events",status="201"\} \d+/);
  expect(m.text).toMatch(/ledger_appends_total\{outcome="appended"\} \d+/);
  expect(m.text).toMatch(/ledger_projection_lag_events \d+/);
  expect(m.text).not.toContain(CASE);
});

test('rate limits per token subject → 429', async () => {
  const limited = await startApi({ LEDGER_RATE_LIMIT: '3', LEDGER_RATE_WINDOW_MS: '60000' });
  try {
    const a = await limited.token('inspector', undefined, 'a');
    const b = await limited.token('inspector', undefined, 'b');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(limited.server).get('/verify').set(bearer(a))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const r = await request(limited.server).get('/verify').set(bearer(a));
    expect([r.body.code, Number(r.headers['retry-after']) > 0]).toEqual(['request.rate_limited', true]);
    expect((await request(limited.server).get('/verify').set(bearer(b))).status).toBe(200);
  } finally {
    await limited.close();
  }
});

test('group commit: concurrent appends to many cases and to one case all land, in order, and the ledger verifies', async () => {
  const ids = Array.from({ length: 10 }, (_, i) => `MPS-G-${i}`);
  const created = await Promise.all(ids.map((id) => post(`/cases/${id}/events`, 'application/json', reportedLine(id, 'MPS'))()));
  expect(created.map((r) => r.status)).toEqual(ids.map(() => 201));
  const many = await Promise.all(ids.flatMap((id) => [1, 2, 3].map(() => post(`/cases/${id}/events`, 'application/json', contactLine(id))())));
  expect(many.every((r) => r.status === 201)).toBe(true);
  ids.forEach((_id, i) => {
    expect(many.slice(i * 3, i * 3 + 3).map((r) => r.body.version).sort()).toEqual([2, 3, 4]);
  });
  const eventId = '7d1c7a52-8d4e-4c1a-9a57-1f0c3e2d4a77';
  const same = JSON.stringify({ ...JSON.parse(contactLine(ids[0]!)), eventId });
  const retries = await Promise.all([1, 2, 3].map(() => post(`/cases/${ids[0]}/events`, 'application/json', same)()));
  expect(retries.map((r) => r.body.status).sort()).toEqual(['appended', 'duplicate', 'duplicate']);
  expect((await request(api.server).get('/verify').set(bearer(inspector))).body).toMatchObject({ ok: true });
});

test('a large batch: lines of one case keep their order, every case\'s versions follow its lines', async () => {
  const ids = Array.from({ length: 300 }, (_, i) => `MPS-LB-${i}`);
  const lines: string[] = [];
  for (let round = 0; round < 4; round++) for (const id of ids) lines.push(round === 0 ? reportedLine(id, 'MPS') : contactLine(id));
  const r = await post('/events/batch', 'application/x-ndjson', lines.join('\n'))();
  expect(r.body).toMatchObject({ appended: 1200, duplicates: 0, rejected: 0 });
  const byCase = new Map<string, number[]>();
  r.body.results.forEach((x: { line: number; version: number }) => {
    const id = ids[(x.line - 1) % ids.length]!;
    byCase.set(id, [...(byCase.get(id) ?? []), x.version]);
  });
  for (const id of ids) expect(byCase.get(id)).toEqual([1, 2, 3, 4]);
});
