import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
const autocannon = createRequire(import.meta.url)('autocannon');
const { localKeys, signLocalToken } = await import('./dist/apps/api/src/auth/local-keys.js');
const dir = mkdtempSync('/tmp/p3-');
const keys = await localKeys(dir);
const tok = await signLocalToken(keys, { role: 'officer', force: 'BENCH', issuer: 'case-ledger-local', audience: 'case-ledger-api' });
const env = { ...process.env, PORT: '3998', LEDGER_DATA_DIR: dir, LEDGER_RATE_LIMIT: '100000000', NODE_OPTIONS: '--cpu-prof --cpu-prof-dir=/tmp/cp3' };
const child = spawn(process.execPath, ['scripts/ledger.mjs', 'serve'], { env, stdio: 'ignore' });
for (;;) { try { if ((await fetch('http://127.0.0.1:3998/health')).ok) break; } catch {} await new Promise(r => setTimeout(r, 100)); }
const REPORT = { type: 'CaseReported', occurredAt: '2021-03-04T10:15:00Z', data: { crimeReference: 'CR-1', force: 'BENCH', borough: 'B', team: 'T', offence: 'rape', offenceFrom: '2021-02-27', offenceTo: null, relationship: 'acquaintance', contactSinceOffence: true, victim: { pseudonym: 'V-1', ageBand: '25_34', additionalNeeds: false, phoneDependentLivelihood: false } } };
const batch = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ ...REPORT, caseId: 'C-' + i })).join('\n');
console.log((await (await fetch('http://127.0.0.1:3998/events/batch', { method: 'POST', headers: { authorization: 'Bearer ' + tok, 'content-type': 'application/x-ndjson' }, body: batch })).json()).appended);
let n = 0;
const r = await autocannon({ url: 'http://127.0.0.1:3998', connections: 32, duration: 5, requests: [{ method: 'POST', setupRequest(req) { const id = 'C-' + (n++ % 1000); return { ...req, path: `/cases/${id}/events`, headers: { authorization: 'Bearer ' + tok, 'content-type': 'application/json' }, body: JSON.stringify({ caseId: id, type: 'VictimContactMade', occurredAt: '2021-03-05T10:00:00Z', data: { direction: 'to_victim', channel: 'phone', purpose: 'update' } }) }; } }] });
console.log(r.requests.average, r.latency.p99, r.non2xx);
child.kill('SIGTERM');
await new Promise(r => child.once('exit', r));
