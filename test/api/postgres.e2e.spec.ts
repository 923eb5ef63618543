// The API over PostgreSQL (DATABASE_URL): appends, reads, the access log table and its verification.
import pg from 'pg';
import request from 'supertest';
import { freshSchema } from '../support/postgres.js';
import { bearer, contactLine, reportedLine, startApi, type Api } from './harness.js';

let api: Api;
let schema: { url: string; drop(): Promise<void> };

beforeAll(async () => {
  schema = await freshSchema('api_e2e');
  api = await startApi({ DATABASE_URL: schema.url });
});
afterAll(async () => {
  await api?.close();
  await schema?.drop();
});

test('append, read with the access log in PostgreSQL, concurrent If-Match, tampering detected', async () => {
  const officer = await api.token('officer', 'GMP', 'pc-9');
  const inspector = await api.token('inspector', undefined, 'insp-1');
  const created = await request(api.server).post('/cases/GMP-P-1/events').set(bearer(officer)).set('Content-Type', 'application/json').send(reportedLine('GMP-P-1', 'GMP'));
  expect([created.status, created.headers.etag]).toEqual([201, '"1"']);
  const rs = await Promise.all(Array.from({ length: 6 }, () =>
    request(api.server).post('/cases/GMP-P-1/events').set(bearer(officer)).set('If-Match', '"1"').set('Content-Type', 'application/json').send(contactLine('GMP-P-1'))));
  expect(rs.map((r) => r.status).sort()).toEqual([201, 412, 412, 412, 412, 412]);

  const t = await request(api.server).get('/cases/GMP-P-1/timeline').set(bearer(officer)).set('X-Purpose', 'victim update');
  expect(t.status).toBe(200);
  expect(t.body).toHaveLength(2);
  const log = await request(api.server).get('/access-log').set(bearer(inspector)).set('X-Purpose', 'audit');
  expect(log.body.entries.map((e: { action: string; sub: string; caseId: string | null }) => [e.action, e.sub, e.caseId])).toEqual([
    ['case.timeline', 'pc-9', 'GMP-P-1'], ['access-log.read', 'insp-1', null],
  ]);
  expect((await request(api.server).get('/access-log/verify').set(bearer(inspector))).body).toMatchObject({ ok: true, entries: 2 });
  expect((await request(api.server).get('/verify').set(bearer(inspector))).body).toMatchObject({ ok: true, events: 2 });
  expect((await request(api.server).get('/health')).status).toBe(200);

  const c = new pg.Client({ connectionString: schema.url });
  await c.connect();
  await expect(c.query('DELETE FROM access_log')).rejects.toThrow(/append-only/);
  await c.query('ALTER TABLE access_log DISABLE TRIGGER access_log_no_change'); // someone with owner rights
  await c.query("UPDATE access_log SET body = replace(body, 'victim update', 'nothing') WHERE position = 1");
  await c.end();
  expect((await request(api.server).get('/access-log/verify').set(bearer(inspector))).body).toMatchObject({ ok: false, firstBroken: { position: 1 } });
});
