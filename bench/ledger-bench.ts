// Issue 2's figures: import, single-event append latency, verify, storage; each beside a naive
// baseline in the same run (one transaction per event through the same command handler; verify by
// decoding every event and re-hashing canonical JSON), medians of several runs.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { loadavg } from 'node:os';
import { ndjsonLines } from '../libs/case-ledger/application/import/ndjson-lines.js';
import { CaseImporter } from '../libs/case-ledger/application/import/case-importer.js';
import { RecordCaseEvent, RecordCaseEventHandler } from '../libs/case-ledger/application/record-case-event.js';
import { randomIds } from '../libs/case-ledger/application/event-ids.js';
import { verifyLedger } from '../libs/event-store/integrity/verify.js';
import type { EventStore } from '../libs/event-store/port.js';
import { cohortFile, fmt, freshStore, median, percentile, time, type BenchStore } from './support.js';

async function* fileLines(path: string, limit = Infinity): AsyncIterable<string> {
  let n = 0;
  for await (const line of ndjsonLines(createReadStream(path, { highWaterMark: 1 << 20 }))) {
    if (n++ >= limit) return;
    yield line;
  }
}

async function importAll(store: EventStore, path: string, limit = Infinity): Promise<number> {
  const importer = new CaseImporter(store, { now: () => Date.now(), onRejected: (line, m) => { throw new Error(`line ${line}: ${m}`); } });
  const r = await importer.run(fileLines(path, limit));
  return r.appended;
}

async function naiveImport(store: EventStore, path: string, limit: number): Promise<number> {
  const handler = new RecordCaseEventHandler(store, randomIds);
  let n = 0;
  for await (const line of fileLines(path, limit)) {
    await handler.execute(new RecordCaseEvent(JSON.parse(line), Date.now()));
    n++;
  }
  return n;
}

/** The hand-rolled verifier of stack.md: decode each event, canonical JSON (sorted keys), SHA-256 chain. */
async function naiveVerify(store: EventStore): Promise<number> {
  const canonical = (v: unknown): string =>
    v === null || typeof v !== 'object' ? JSON.stringify(v)
      : Array.isArray(v) ? `[${v.map(canonical).join(',')}]`
        : `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  let prev = Buffer.alloc(32);
  let n = 0;
  for (let from = 1; ; ) {
    const page = await store.readAll({ fromPosition: from, limit: 5000 });
    for (const e of page) {
      prev = createHash('sha256').update(prev).update(canonical(e)).digest();
      n++;
    }
    if (page.length < 5000) break;
    from = page[page.length - 1]!.position + 1;
  }
  return n;
}

export interface LedgerBenchOptions { cases: number; seed: string; runs: number; kinds: ('embedded' | 'postgresql')[] }

export async function benchLedger(o: LedgerBenchOptions, log: (s: string) => void): Promise<string> {
  const cohort = await cohortFile(o.cases, o.seed);
  log(`cohort: ${fmt(o.cases)} cases, ${fmt(cohort.lines)} events (${cohort.path})`);
  const md: string[] = [];
  md.push(`### Ledger core (issue 2): ${fmt(o.cases)} generated cases, ${fmt(cohort.lines)} events, seed \`${o.seed}\`, medians of ${o.runs} runs`, '');
  md.push('| store | measure | this ledger | naive baseline | ratio | target |', '|---|---|---|---|---|---|');

  for (const kind of o.kinds) {
    const naiveLines = kind === 'embedded' ? 30000 : 15000;
    const rates: number[] = [];
    const cpuPerEvent: number[] = [];
    const naiveRates: number[] = [];
    let kept: BenchStore | undefined;
    for (let run = 0; run < o.runs; run++) {
      const s = await freshStore(kind);
      const cpu = process.cpuUsage(); // this process, all its threads (the embedded store's writer included)
      const { ms, value } = await time(() => importAll(s.store, cohort.path));
      const used = process.cpuUsage(cpu);
      if (value !== cohort.lines) throw new Error(`imported ${value} of ${cohort.lines}`);
      rates.push(value / (ms / 1000));
      cpuPerEvent.push((used.user + used.system) / value);
      log(`${kind} import run ${run + 1}: ${fmt(value / (ms / 1000))} ev/s, ${fmt((used.user + used.system) / value, 1)} µs CPU/event, load ${loadavg()[0]!.toFixed(1)}`);
      if (run === o.runs - 1) kept = s;
      else await s.dispose();

      const n = await freshStore(kind);
      const naive = await time(() => naiveImport(n.store, cohort.path, naiveLines));
      naiveRates.push(naive.value / (naive.ms / 1000));
      log(`${kind} naive import run ${run + 1} (${fmt(naiveLines)} events): ${fmt(naive.value / (naive.ms / 1000))} ev/s`);
      await n.dispose();
    }
    const imp = median(rates);
    const naiveImp = median(naiveRates);
    md.push(`| ${kind} | import, events/s (client CPU per event: ${fmt(median(cpuPerEvent), 1)} µs) | ${fmt(imp)} | ${fmt(naiveImp)} (first ${fmt(naiveLines)} events, one transaction each) | ${fmt(imp / naiveImp, 1)}× | ≥ ${kind === 'embedded' ? '40,000' : '30,000'} |`);

    const s = kept!;
    const verifyRates: number[] = [];
    const naiveVerifyRates: number[] = [];
    for (let run = 0; run < o.runs; run++) {
      const v = await time(() => verifyLedger((q) => s.store.readRecords(q), {}));
      if (!v.value.ok) throw new Error('verify failed on a fresh import');
      verifyRates.push(v.value.events / (v.ms / 1000));
      const nv = await time(() => naiveVerify(s.store));
      naiveVerifyRates.push(nv.value / (nv.ms / 1000));
      log(`${kind} verify run ${run + 1}: ${fmt(v.value.events / (v.ms / 1000))} ev/s (naive ${fmt(nv.value / (nv.ms / 1000))})`);
    }
    const ver = median(verifyRates);
    const naiveVer = median(naiveVerifyRates);
    md.push(`| ${kind} | verify whole ledger, events/s | ${fmt(ver)} | ${fmt(naiveVer)} (decode, canonical JSON, SHA-256 chain) | ${fmt(ver / naiveVer, 1)}× | ≥ 150,000${kind === 'embedded' ? '' : ' (asked of the embedded store)'} |`);

    const stats = await s.store.storageStats();
    md.push(`| ${kind} | storage, bytes/event (events, indexes, hashes) | ${fmt(stats.bytes / stats.events)} | | | ≤ 1,200 |`);

    // Single-event appends through the command handler (read stream, fold, decide, append with version check).
    const handler = new RecordCaseEventHandler(s.store, randomIds);
    const caseIds: string[] = [];
    for (const e of await s.store.readAll({ fromPosition: 1, limit: 200000 })) if (e.type === 'CaseReported') caseIds.push(e.metadata.caseId);
    const lat: number[] = [];
    const samples = 3000;
    for (let i = 0; i < samples; i++) {
      const caseId = caseIds[(i * 7919) % caseIds.length]!;
      const at = new Date(Date.now() - 1000).toISOString();
      const line = { caseId, type: 'VictimContactMade', occurredAt: at, data: { direction: 'to_victim', channel: 'phone', purpose: 'update' } };
      const version = await s.store.streamVersion(caseId);
      const t = process.hrtime.bigint();
      await handler.execute(new RecordCaseEvent(line, Date.now(), version));
      lat.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    md.push(`| ${kind} | single-event append with version check (command handler), p50 / p99 ms | ${fmt(percentile(lat, 50), 2)} / ${fmt(percentile(lat, 99), 2)} | | | p99 < 5${kind === 'embedded' ? '' : ' (asked of the embedded store)'} |`);
    log(`${kind} append p50 ${fmt(percentile(lat, 50), 2)} ms, p99 ${fmt(percentile(lat, 99), 2)} ms`);
    await s.dispose();
  }
  return md.join('\n');
}
