// node scripts/time-pg-append.mjs <root> <cohort.ndjson> (DATABASE_URL set; the cohort from `ledger generate --cases 20000 --seed bench`): PostgreSQL single-event append latency through the command handler (as the ledger bench), on a fresh schema with 50,000 imported events.
import { createReadStream } from 'node:fs'; import { randomUUID } from 'node:crypto'; import pg from 'pg';
const [root, file] = process.argv.slice(2);
const { ndjsonLines } = await import(`${root}/dist/libs/case-ledger/application/import/ndjson-lines.js`);
const { CaseImporter } = await import(`${root}/dist/libs/case-ledger/application/import/case-importer.js`);
const { openPostgresEventStore } = await import(`${root}/dist/libs/event-store/postgres/postgres-event-store.js`);
const { RecordCaseEventHandler, RecordCaseEvent } = await import(`${root}/dist/libs/case-ledger/application/record-case-event.js`);
const schema = `pa_${process.pid}`; const store = await openPostgresEventStore(process.env.DATABASE_URL, { schema });
async function* lines() { let n = 0; for await (const l of ndjsonLines(createReadStream(file))) { if (n++ >= 50000) return; yield l; } }
await new CaseImporter(store, { now: () => Date.now(), onRejected: () => {} }).run(lines());
const handler = new RecordCaseEventHandler(store, { newId: () => randomUUID() });
const caseIds = []; for (const e of await store.readAll({ fromPosition: 1, limit: 200000 })) if (e.type === 'CaseReported') caseIds.push(e.metadata.caseId);
const lat = [];
for (let i = 0; i < 3000; i++) { const caseId = caseIds[(i * 7919) % caseIds.length]; const line = { caseId, type: 'VictimContactMade', occurredAt: new Date(Date.now() - 1000).toISOString(), data: { direction: 'to_victim', channel: 'phone', purpose: 'update' } };
  const v = await store.streamVersion(caseId); const t = process.hrtime.bigint(); await handler.execute(new RecordCaseEvent(line, Date.now(), v)); lat.push(Number(process.hrtime.bigint() - t) / 1e6); }
lat.sort((a, b) => a - b); const q = (p) => lat[Math.floor(p / 100 * (lat.length - 1))].toFixed(2);
await store.close(); const c = new pg.Client(process.env.DATABASE_URL); await c.connect(); await c.query(`DROP SCHEMA "${schema}" CASCADE`); await c.end();
console.log(root.split('/').pop(), 'p50', q(50), 'p99', q(99));
