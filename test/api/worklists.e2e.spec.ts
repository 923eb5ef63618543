// The worklist endpoints over the real API and store: one case per worklist rule (each in a force of
// its own, so lists do not mix), scoping, the purpose header and the access log.
import request from 'supertest';
import { bearer, reportedLine, startApi, type Api } from './harness.js';

const NOW = Date.parse('2021-06-01T00:00:00Z');
const at = (day: string) => `2021-${day}T10:00:00Z`;
const line = (caseId: string, type: string, occurredAt: string, data: Record<string, unknown> = {}) => JSON.stringify({ caseId, type, occurredAt, data });
const device = { deviceType: 'phone', lineOfEnquiry: 'x', alternativesConsidered: 'y', dataCategories: ['messages'], periodFrom: '2021-02-27', periodTo: '2021-02-28', supervisorAuthorised: true };
const notice = { informationSoughtStated: true, reasonStated: true, rightToRefuseStated: true, refusalNotEndingCaseStated: true, signedBeforeCompleted: false };
const seized = (id: string) => [
  line(id, 'DeviceRequested', at('03-05'), { requestId: 'dev-1', owner: 'victim', ...device }),
  line(id, 'DeviceRequestAgreed', at('03-05'), { requestId: 'dev-1', notice }),
  line(id, 'DeviceSeized', at('03-05'), { requestId: 'dev-1' }),
];
const contact = (id: string) => line(id, 'VictimContactMade', at('05-20'), { direction: 'to_victim', channel: 'phone', purpose: 'update' });

/** Per worklist: the events (after the report) of a case that is on it. */
const ON_LIST: [string, (id: string) => string[]][] = [
  ['devices-held-over-24h', (id) => [...seized(id), contact(id)]],
  ['extractions-awaiting-examination', (id) => [...seized(id), line(id, 'DeviceExtracted', at('03-06'), { requestId: 'dev-1', outcome: 'complete' }), contact(id)]],
  ['no-update-over-28-days', () => []],
  ['decisions-not-communicated', (id) => [line(id, 'KeyDecisionMade', at('03-05'), { decision: 'suspect_arrested' }), contact(id)]],
  ['withdrawals-unconfirmed', (id) => [line(id, 'VictimWithdrew', at('03-08'), { reason: 'not_established', confirmedWithVictim: false, statementTaken: false, isvaInformed: false }), contact(id)]],
  ['outcome-14-16-without-withdrawal', (id) => [line(id, 'CaseClosed', at('04-01'), { outcomeCode: 16, rationale: '', victimInformed: true })]],
  ['interviews-to-rearrange', (id) => [
    line(id, 'InterviewScheduled', at('03-05'), { interviewId: 'vri-1', kind: 'vri', scheduledFor: at('03-10') }),
    line(id, 'InterviewCancelled', at('03-09'), { interviewId: 'vri-1', cancelledBy: 'victim', victimWishesToRearrange: true }), contact(id)]],
];

let api: Api;
let inspector: string;
const forceOf = (k: number) => `F${k}`;

beforeAll(async () => {
  api = await startApi({}, { clock: { now: () => NOW } });
  inspector = await api.token('inspector', undefined, 'hmicfrs-w');
  for (const [k, [, events]] of ON_LIST.entries()) {
    const officer = await api.token('officer', forceOf(k), `pc-${k}`);
    for (const id of [`${forceOf(k)}-ON`, `${forceOf(k)}-OFF`]) {
      const lines = [reportedLine(id, forceOf(k)), ...(id.endsWith('-ON') ? events(id) : [contact(id)])];
      const r = await request(api.server).post('/events/batch').set(bearer(officer)).set('Content-Type', 'application/x-ndjson').send(lines.join('\n'));
      expect(r.body).toMatchObject({ rejected: 0 });
    }
  }
});
afterAll(async () => { await api.close(); });

test.each(ON_LIST.map(([name], k) => [name, k] as const))('given a case that is on "%s" and one that is not, then the list has the first only, and the read is logged', async (name, k) => {
  const force = forceOf(k);
  const r = await request(api.server).get(`/worklists/${name}`).query({ force }).set(bearer(inspector)).set('X-Purpose', `review ${name}`);
  expect(r.status).toBe(200);
  expect(r.body.rows.map((row: { caseId: string }) => row.caseId)).toEqual([`${force}-ON`]);
  expect(r.body.total).toBe(1);
  const log = await request(api.server).get('/access-log').set(bearer(inspector)).set('X-Purpose', 'test');
  expect(log.body.entries).toContainEqual(expect.objectContaining({ action: 'worklists.read', purpose: `review ${name}`, filter: { worklist: name, force } }));
});

test('given a supervisor, then the worklists are of their force whatever force they ask for', async () => {
  const supervisor = await api.token('supervisor', forceOf(2), 'ds-2');
  const r = await request(api.server).get('/worklists/no-update-over-28-days').query({ force: forceOf(0) }).set(bearer(supervisor)).set('X-Purpose', 'supervision');
  expect(r.body.rows.map((row: { caseId: string }) => row.caseId)).toEqual([`${forceOf(2)}-ON`]);
  const counts = await request(api.server).get('/worklists').set(bearer(supervisor));
  expect(counts.body.scope.force).toBe(forceOf(2));
  expect(counts.body.lists.find((l: { name: string }) => l.name === 'no-update-over-28-days').count).toBe(1);
});

test('given no X-Purpose, or an unknown list, then 400 naming the header, or 404', async () => {
  const noPurpose = await request(api.server).get('/worklists/no-update-over-28-days').set(bearer(inspector));
  expect([noPurpose.status, noPurpose.body.header]).toEqual([400, 'X-Purpose']);
  const unknown = await request(api.server).get('/worklists/no-such-list').set(bearer(inspector)).set('X-Purpose', 'x');
  expect([unknown.status, unknown.body.code]).toEqual([404, 'worklist.not_found']);
});

test('given limit and offset, then that page of the rows with the whole total; given an empty scope filter, then 400 naming it', async () => {
  const page = await request(api.server).get('/worklists/devices-held-over-24h').query({ limit: '1', offset: '1' }).set(bearer(inspector)).set('X-Purpose', 'paging');
  expect([page.status, page.body.total, page.body.offset, page.body.rows.map((row: { caseId: string }) => row.caseId)]).toEqual([200, 2, 1, [`${forceOf(1)}-ON`]]);
  const empty = await request(api.server).get('/worklists').query({ borough: ' ' }).set(bearer(inspector));
  expect([empty.status, empty.body.param]).toEqual([400, 'borough']);
});

test('given a case, then its overview has its timeline, its worklists now and an intact integrity check', async () => {
  const r = await request(api.server).get(`/cases/${forceOf(4)}-ON/overview`).set(bearer(inspector)).set('X-Purpose', 'case review');
  expect(r.status).toBe(200);
  expect(r.body.timeline.map((e: { event: { type: string } }) => e.event.type)).toEqual(['CaseReported', 'VictimWithdrew', 'VictimContactMade']);
  expect(r.body.summary.worklists).toEqual([{ list: 'no-update-over-28-days', since: '2021-05-20T10:00:00.000Z', due: false }, { list: 'withdrawals-unconfirmed', since: '2021-03-08T10:00:00.000Z', due: true }]);
  expect(r.body.integrity).toMatchObject({ ok: true, events: 3 });
});
