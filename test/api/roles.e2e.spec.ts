// The full role × endpoint matrix, against the real API over a real embedded store. Every endpoint is
// called by every role, for a case of the caller's own force and of another force where that matters.
import request from 'supertest';
import { bearer, contactLine, reportedLine, startApi, type Api } from './harness.js';

const MPS_CASE = 'MPS-M-0001';
const KENT_CASE = 'KENT-M-0001';
type Who = 'officer MPS' | 'officer KENT' | 'supervisor MPS' | 'supervisor KENT' | 'inspector' | 'analyst' | 'admin' | 'no token';
const WHO: Who[] = ['officer MPS', 'officer KENT', 'supervisor MPS', 'supervisor KENT', 'inspector', 'analyst', 'admin', 'no token'];

interface Endpoint {
  name: string;
  /** Changes the ledger when it succeeds. */
  writes?: boolean;
  /** Callers whose 2xx reports every line refused (a batch): the ledger must not change either. */
  refusedInBody?: Who[];
  call(api: Api, token: string | null): request.Test;
  expect: Record<Who, number>;
}

const auth = (t: string | null) => (t ? bearer(t) : {});
const purpose = { 'X-Purpose': 'matrix test' };

const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /cases/:caseId/events (MPS case)', writes: true,
    call: (api, t) => request(api.server).post(`/cases/${MPS_CASE}/events`).set(auth(t)).set('Content-Type', 'application/json').send(contactLine(MPS_CASE)),
    expect: { 'officer MPS': 201, 'officer KENT': 404, 'supervisor MPS': 403, 'supervisor KENT': 403, inspector: 403, analyst: 403, admin: 403, 'no token': 401 },
  },
  {
    name: 'POST /cases/:caseId/events (new case reported for MPS)', writes: true,
    call: (api, t) => {
      const id = `MPS-NEW-${Math.random().toString(36).slice(2, 10)}`;
      return request(api.server).post(`/cases/${id}/events`).set(auth(t)).set('Content-Type', 'application/json').send(reportedLine(id, 'MPS'));
    },
    expect: { 'officer MPS': 201, 'officer KENT': 403, 'supervisor MPS': 403, 'supervisor KENT': 403, inspector: 403, analyst: 403, admin: 403, 'no token': 401 },
  },
  {
    name: 'POST /events/batch', writes: true, refusedInBody: ['officer KENT'],
    call: (api, t) => request(api.server).post('/events/batch').set(auth(t)).set('Content-Type', 'application/x-ndjson').send(contactLine(MPS_CASE) + '\n'),
    expect: { 'officer MPS': 200, 'officer KENT': 200, 'supervisor MPS': 403, 'supervisor KENT': 403, inspector: 403, analyst: 403, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /cases/:caseId/timeline',
    call: (api, t) => request(api.server).get(`/cases/${MPS_CASE}/timeline`).set(auth(t)).set(purpose),
    expect: { 'officer MPS': 200, 'officer KENT': 404, 'supervisor MPS': 200, 'supervisor KENT': 404, inspector: 200, analyst: 403, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /cases/:caseId/events',
    call: (api, t) => request(api.server).get(`/cases/${MPS_CASE}/events`).set(auth(t)).set(purpose),
    expect: { 'officer MPS': 200, 'officer KENT': 404, 'supervisor MPS': 200, 'supervisor KENT': 404, inspector: 200, analyst: 403, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /cases/:caseId/timeline (unknown case)',
    call: (api, t) => request(api.server).get('/cases/MPS-NO-SUCH/timeline').set(auth(t)).set(purpose),
    expect: { 'officer MPS': 404, 'officer KENT': 404, 'supervisor MPS': 404, 'supervisor KENT': 404, inspector: 404, analyst: 403, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /views/withdrawal',
    call: (api, t) => request(api.server).get('/views/withdrawal').set(auth(t)),
    expect: { 'officer MPS': 403, 'officer KENT': 403, 'supervisor MPS': 200, 'supervisor KENT': 200, inspector: 200, analyst: 200, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /export',
    call: (api, t) => request(api.server).get('/export').set(auth(t)).set(purpose),
    expect: { 'officer MPS': 403, 'officer KENT': 403, 'supervisor MPS': 403, 'supervisor KENT': 403, inspector: 200, analyst: 200, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /verify',
    call: (api, t) => request(api.server).get('/verify').set(auth(t)),
    expect: { 'officer MPS': 403, 'officer KENT': 403, 'supervisor MPS': 403, 'supervisor KENT': 403, inspector: 200, analyst: 403, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /access-log',
    call: (api, t) => request(api.server).get('/access-log').set(auth(t)).set(purpose),
    expect: { 'officer MPS': 403, 'officer KENT': 403, 'supervisor MPS': 403, 'supervisor KENT': 403, inspector: 200, analyst: 403, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /access-log/verify',
    call: (api, t) => request(api.server).get('/access-log/verify').set(auth(t)),
    expect: { 'officer MPS': 403, 'officer KENT': 403, 'supervisor MPS': 403, 'supervisor KENT': 403, inspector: 200, analyst: 403, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /dashboard/head',
    call: (api, t) => request(api.server).get('/dashboard/head').set(auth(t)),
    expect: { 'officer MPS': 200, 'officer KENT': 200, 'supervisor MPS': 200, 'supervisor KENT': 200, inspector: 200, analyst: 200, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /dashboard/scopes',
    call: (api, t) => request(api.server).get('/dashboard/scopes').set(auth(t)),
    expect: { 'officer MPS': 403, 'officer KENT': 403, 'supervisor MPS': 200, 'supervisor KENT': 200, inspector: 200, analyst: 200, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /dashboard/distributions',
    call: (api, t) => request(api.server).get('/dashboard/distributions').set(auth(t)),
    expect: { 'officer MPS': 403, 'officer KENT': 403, 'supervisor MPS': 200, 'supervisor KENT': 200, inspector: 200, analyst: 200, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /worklists',
    call: (api, t) => request(api.server).get('/worklists').set(auth(t)),
    expect: { 'officer MPS': 403, 'officer KENT': 403, 'supervisor MPS': 200, 'supervisor KENT': 200, inspector: 200, analyst: 403, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /worklists/:name',
    call: (api, t) => request(api.server).get('/worklists/no-update-over-28-days').set(auth(t)).set(purpose),
    expect: { 'officer MPS': 403, 'officer KENT': 403, 'supervisor MPS': 200, 'supervisor KENT': 200, inspector: 200, analyst: 403, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET /cases/:caseId/overview',
    call: (api, t) => request(api.server).get(`/cases/${MPS_CASE}/overview`).set(auth(t)).set(purpose),
    expect: { 'officer MPS': 200, 'officer KENT': 404, 'supervisor MPS': 200, 'supervisor KENT': 404, inspector: 200, analyst: 403, admin: 403, 'no token': 401 },
  },
  {
    name: 'GET / (the dashboard page)',
    call: (api, t) => request(api.server).get('/').set(auth(t)),
    expect: { 'officer MPS': 200, 'officer KENT': 200, 'supervisor MPS': 200, 'supervisor KENT': 200, inspector: 200, analyst: 200, admin: 200, 'no token': 200 },
  },
  {
    name: 'POST /admin/rebuild',
    call: (api, t) => request(api.server).post('/admin/rebuild').set(auth(t)),
    expect: { 'officer MPS': 403, 'officer KENT': 403, 'supervisor MPS': 403, 'supervisor KENT': 403, inspector: 403, analyst: 403, admin: 200, 'no token': 401 },
  },
  {
    name: 'GET /admin/keys',
    call: (api, t) => request(api.server).get('/admin/keys').set(auth(t)),
    expect: { 'officer MPS': 403, 'officer KENT': 403, 'supervisor MPS': 403, 'supervisor KENT': 403, inspector: 403, analyst: 403, admin: 200, 'no token': 401 },
  },
];

let api: Api;
const tokens = {} as Record<Who, string | null>;

beforeAll(async () => {
  api = await startApi();
  tokens['officer MPS'] = await api.token('officer', 'MPS', 'pc-mps');
  tokens['officer KENT'] = await api.token('officer', 'KENT', 'pc-kent');
  tokens['supervisor MPS'] = await api.token('supervisor', 'MPS', 'ds-mps');
  tokens['supervisor KENT'] = await api.token('supervisor', 'KENT', 'ds-kent');
  tokens.inspector = await api.token('inspector', undefined, 'hmicfrs-1');
  tokens.analyst = await api.token('analyst', undefined, 'research-1');
  tokens.admin = await api.token('admin', undefined, 'ops-1');
  tokens['no token'] = null;
  for (const [id, force, who] of [[MPS_CASE, 'MPS', 'officer MPS'], [KENT_CASE, 'KENT', 'officer KENT']] as const) {
    const r = await request(api.server).post(`/cases/${id}/events`).set(bearer(tokens[who]!)).set('Content-Type', 'application/json').send(reportedLine(id, force));
    expect(r.status).toBe(201);
  }
});
afterAll(async () => { await api.close(); });

const cases = ENDPOINTS.flatMap((e) => WHO.map((who) => [e.name, who, e.expect[who], e] as const));

test.each(cases)('%s as %s → %i', async (_name, who, status, endpoint) => {
  const before = await api.snapshot();
  const r = await endpoint.call(api, tokens[who]);
  expect(r.status).toBe(status);
  if (status >= 400) {
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.body.status).toBe(status);
    expect(typeof r.body.code).toBe('string');
  }
  const after = await api.snapshot();
  if (endpoint.refusedInBody?.includes(who)) expect(r.body).toMatchObject({ appended: 0, rejected: 1 });
  if (status >= 400 || !endpoint.writes || endpoint.refusedInBody?.includes(who)) expect(after).toEqual(before);
  else expect(after.lines.length).toBeGreaterThan(before.lines.length);
});

test('a batch from another force\'s officer is refused line by line as "not found", and stores nothing', async () => {
  const before = await api.snapshot();
  const r = await request(api.server).post('/events/batch').set(bearer(tokens['officer KENT']!)).set('Content-Type', 'application/x-ndjson')
    .send([contactLine(MPS_CASE), reportedLine('KENT-B-1', 'MPS')].join('\n'));
  expect(r.body).toMatchObject({ appended: 0, duplicates: 0, rejected: 2 });
  expect(r.body.results.map((x: { httpStatus: number; code: string }) => [x.httpStatus, x.code])).toEqual([[404, 'case.not_found'], [403, 'auth.force_mismatch']]);
  expect(await api.snapshot()).toEqual(before);
});

test('a supervisor\'s filter choices are of their own force only', async () => {
  const kent = await request(api.server).get('/dashboard/scopes').set(bearer(tokens['supervisor KENT']!));
  expect(kent.body.units.map((u: { force: string }) => u.force)).toEqual(['KENT']);
  const all = await request(api.server).get('/dashboard/scopes').set(bearer(tokens.inspector!));
  expect([...new Set(all.body.units.map((u: { force: string }) => u.force))]).toEqual(['KENT', 'MPS']);
});

test('a supervisor\'s view is forced to their own force, whatever force they ask for', async () => {
  const mine = await request(api.server).get('/views/withdrawal').query({ groupBy: 'force' }).set(bearer(tokens['supervisor KENT']!));
  const asked = await request(api.server).get('/views/withdrawal').query({ groupBy: 'force', force: 'MPS' }).set(bearer(tokens['supervisor KENT']!));
  expect(mine.status).toBe(200);
  expect(mine.body.groups.map((g: { key: string }) => g.key)).toEqual(['KENT']);
  expect(asked.body).toEqual(mine.body);
  const all = await request(api.server).get('/views/withdrawal').query({ groupBy: 'force' }).set(bearer(tokens.inspector!));
  expect(all.body.groups.map((g: { key: string }) => g.key)).toEqual(['KENT', 'MPS']);
});
