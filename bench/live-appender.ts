// A second process for the live-follow benchmark: appends VictimContactMade events to existing cases
// at a fixed rate through the command handler, and reports each position and when it was acknowledged.
import { openEventStore } from '../libs/event-store/open-event-store.js';
import { RecordCaseEvent, RecordCaseEventHandler } from '../libs/case-ledger/application/record-case-event.js';
import { randomIds } from '../libs/case-ledger/application/event-ids.js';

const { dataDir, databaseUrl, rate, seconds } = JSON.parse(process.argv[2]!) as { dataDir: string; databaseUrl?: string; rate: number; seconds: number };
const store = await openEventStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
const handler = new RecordCaseEventHandler(store, randomIds);
const cases: string[] = [];
for (const e of await store.readAll({ fromPosition: 1, limit: 100000 })) if (e.type === 'CaseReported') cases.push(e.metadata.caseId);
const total = rate * seconds;
const start = Date.now();
let batch: { position: number; at: number }[] = [];
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / rate;
  const wait = due - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const line = { caseId: cases[i % cases.length]!, type: 'VictimContactMade', occurredAt: new Date(Date.now() - 5).toISOString(), data: { direction: 'to_victim', channel: 'phone', purpose: 'update' } };
  const r = await handler.execute(new RecordCaseEvent(line, Date.now()));
  batch.push({ position: r.events[0]!.position, at: Date.now() });
  if (batch.length >= 100) { process.send!(batch); batch = []; }
}
if (batch.length) process.send!(batch);
await store.close();
process.disconnect();
