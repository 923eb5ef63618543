// A second process for the live-follow benchmark: appends VictimContactMade events to existing cases
// at a fixed rate through the importer (validated like any import, 100 events per transaction every
// 100 ms), and reports after each commit the head position and the moment it was acknowledged.
import { openEventStore } from '../libs/event-store/open-event-store.js';
import { CaseImporter } from '../libs/case-ledger/application/import/case-importer.js';

const { dataDir, databaseUrl, rate, seconds } = JSON.parse(process.argv[2]!) as { dataDir: string; databaseUrl?: string; rate: number; seconds: number };
const store = await openEventStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
const cases: string[] = [];
for (const e of await store.readAll({ fromPosition: 1, limit: 100000 })) if (e.type === 'CaseReported') cases.push(e.metadata.caseId);
const perTick = rate / 10;
const total = rate * seconds;

async function* lines(): AsyncIterable<string> {
  const start = Date.now();
  for (let i = 0; i < total; i++) {
    if (i % perTick === 0) {
      const wait = start + (i / perTick) * 100 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    yield JSON.stringify({
      caseId: cases[i % cases.length]!, type: 'VictimContactMade', occurredAt: new Date(Date.now() - 5).toISOString(),
      data: { direction: 'to_victim', channel: 'phone', purpose: 'update' },
    });
  }
}

const importer = new CaseImporter(store, {
  now: () => Date.now(),
  chunkSize: perTick,
  onRejected: (line, m) => { throw new Error(`line ${line}: ${m}`); },
  onProgress: () => {
    void store.head().then((h) => process.send!([{ position: h.position, at: Date.now(), count: perTick }]));
  },
});
await importer.run(lines());
await new Promise((r) => setTimeout(r, 200));
await store.close();
process.disconnect();
