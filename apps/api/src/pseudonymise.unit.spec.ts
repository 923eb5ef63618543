import { Pseudonymiser } from './pseudonymise.js';

const reported = JSON.stringify({
  eventId: '0B6F2A52-8D4E-4C1A-9A57-1F0C3E2D4A01', caseId: 'MPS-1', type: 'CaseReported', occurredAt: '2021-03-04T10:15:00Z',
  actor: { id: 'pc-1', role: 'oic' },
  data: { crimeReference: 'CR-1', force: 'MPS', borough: 'Lambeth', team: 'T', victim: { pseudonym: 'V-1', ageBand: '25_34' } },
});
const voided = JSON.stringify({ caseId: 'MPS-1', type: 'EntryVoided', occurredAt: '2021-03-05T10:15:00Z', data: { eventId: '0b6f2a52-8d4e-4c1a-9a57-1f0c3e2d4a01', reason: 'typed by mistake about V-1' } });
const closed = JSON.stringify({ caseId: 'MPS-1', type: 'CaseClosed', occurredAt: '2021-03-06T10:15:00Z', data: { outcomeCode: 16, rationale: 'free text', victimInformed: true } });

test('identifiers become keyed hashes, free text goes, facts stay', () => {
  const p = new Pseudonymiser();
  const r = JSON.parse(p.line(reported));
  expect(r.caseId).toBe(p.hash('MPS-1'));
  expect(r.actor).toEqual({ id: p.hash('pc-1'), role: 'oic' });
  expect(r.data).toEqual({ crimeReference: p.hash('CR-1'), force: 'MPS', borough: 'Lambeth', team: 'T', victim: { pseudonym: p.hash('V-1'), ageBand: '25_34' } });
  const v = JSON.parse(p.line(voided));
  expect(v.data).toEqual({ eventId: r.eventId }); // the void still points at the voided event, whatever its case
  expect(JSON.parse(p.line(closed)).data).toEqual({ outcomeCode: 16, victimInformed: true });
});

test('a new key per export: the same value hashes differently', () => {
  expect(new Pseudonymiser().hash('V-1')).not.toBe(new Pseudonymiser().hash('V-1'));
});
