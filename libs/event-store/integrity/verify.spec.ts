// The hash-chain format pinned by test vectors computed independently (Python hashlib), and
// verifyLedger on records held in memory.
import type { LedgerHead, StoredRecord } from '../port.js';
import { GENESIS_CHAIN, GENESIS_CHAIN_HEX, chainHash, leafHash, sealEvents } from './hash-chain.js';
import { verifyLedger } from './verify.js';

// The first line of shared/spec/example-case.ndjson.
const exampleLine =
  '{"eventId":"0b6f2a52-8d4e-4c1a-9a57-1f0c3e2d4a01","caseId":"MPS-2021-004217","type":"CaseReported","occurredAt":"2021-03-04T10:15:00Z","recordedAt":"2021-03-04T11:02:00Z","actor":{"id":"pc-4412","role":"oic"},"data":{"crimeReference":"CR-4217/21","force":"MPS","borough":"Lambeth","team":"Lambeth-SOIT-2","offence":"rape","offenceFrom":"2021-02-27","offenceTo":null,"relationship":"acquaintance","contactSinceOffence":true,"victim":{"pseudonym":"V-8K2Q","ageBand":"25_34","additionalNeeds":false,"phoneDependentLivelihood":false}}}';

describe('hash chain v1', () => {
  test('matches independently computed vectors', () => {
    const leaf1 = leafHash({ position: 1, caseId: 'MPS-2021-004217', streamVersion: 1, appendedAt: 1614856920000, body: exampleLine });
    expect(leaf1.toString('hex')).toBe('1ec4a8d422b305c23f8bc77cd8349726b007b125e1925b9c0d74e733a7f7f10a');
    const chain1 = chainHash(GENESIS_CHAIN, leaf1);
    expect(chain1.toString('hex')).toBe('4b1a4541e1bf3ee7a453551cefd16c3cada2482dc2c2469254a1410bdd540163');
    // UTF-8 of non-ASCII text, including a character outside the BMP.
    const leaf2 = leafHash({ position: 2, caseId: 'C/1.x_y-z', streamVersion: 7, appendedAt: 0, body: '{"x":"é ✓ 😀"}' });
    expect(leaf2.toString('hex')).toBe('5dd224a4787bc61fbd95a6add1d85b7615fe465df4cc265f7e35b4aa4359c1ce');
    expect(chainHash(chain1, leaf2).toString('hex')).toBe('8c839a540ed8c11cadd4e544cab90153e3a75dbc8bc5bc41e95e8f2dd7f1a82d');
  });

  test('sealEvents numbers a case\'s new events after the tip and moves the tip to the last chain hash', () => {
    const tip = { position: 0, chain: GENESIS_CHAIN_HEX };
    const sealed: [number, number, string, string][] = [];
    sealEvents(tip, 'MPS-2021-004217', 0, 1614856920000, [{ body: exampleLine }], (_e, position, version, leaf, chain) => sealed.push([position, version, leaf, chain]));
    expect(sealed).toEqual([[1, 1, '1ec4a8d422b305c23f8bc77cd8349726b007b125e1925b9c0d74e733a7f7f10a', '4b1a4541e1bf3ee7a453551cefd16c3cada2482dc2c2469254a1410bdd540163']]);
    expect(tip).toEqual({ position: 1, chain: '4b1a4541e1bf3ee7a453551cefd16c3cada2482dc2c2469254a1410bdd540163' });
    expect(() => sealEvents({ position: 1, chain: 'x' }, 'C', 0, 0, [{ body: '{}' }], () => {})).toThrow(/head record holds no 32-byte chain hash/);
  });
});

function ledger(n: number): StoredRecord[] {
  const out: StoredRecord[] = [];
  let chain = GENESIS_CHAIN;
  const versions = new Map<string, number>();
  for (let p = 1; p <= n; p++) {
    const caseId = `CASE-${p % 3}`;
    const streamVersion = (versions.get(caseId) ?? 0) + 1;
    versions.set(caseId, streamVersion);
    const id = `00000000-0000-4000-8000-${String(p).padStart(12, '0')}`;
    const body = JSON.stringify({ eventId: id, caseId, type: 'VictimReengaged', occurredAt: '2021-03-04T10:15:00Z', recordedAt: '2021-03-04T10:15:00Z', data: {} });
    const r = { position: p, caseId, streamVersion, appendedAt: 1_700_000_000_000 + p, body };
    const leaf = leafHash(r);
    chain = chainHash(chain, leaf);
    out.push({ ...r, leafHash: leaf, chainHash: chain, eventKey: Buffer.from(id.replace(/-/g, ''), 'hex') });
  }
  return out;
}

function reader(records: StoredRecord[]) {
  return async ({ fromPosition, limit }: { fromPosition: number; limit: number }) =>
    records.filter((r) => r.position >= fromPosition).sort((a, b) => a.position - b.position).slice(0, limit);
}

describe('verifyLedger', () => {
  test('an intact ledger, read in pages', async () => {
    const records = ledger(25);
    const report = await verifyLedger(reader(records), { pageSize: 7 });
    expect(report).toEqual({ ok: true, events: 25, head: { position: 25, hash: records[24]!.chainHash.toString('hex') } });
  });

  test('a wrong stream version is named even when the hashes were recomputed', async () => {
    const records = ledger(6);
    // Rebuild the ledger with CASE-1's second event claiming version 3 (hashes consistent).
    let chain = GENESIS_CHAIN;
    const forged = records.map((r) => {
      const streamVersion = r.position === 4 ? 3 : r.streamVersion;
      const leaf = leafHash({ ...r, streamVersion });
      chain = chainHash(chain, leaf);
      return { ...r, streamVersion, leafHash: leaf, chainHash: chain };
    });
    const report = await verifyLedger(reader(forged));
    expect(report.firstBroken).toMatchObject({ position: 4, caseId: 'CASE-1' });
    expect(report.firstBroken!.problem).toMatch(/stream version 3/);
  });

  test('one record rewritten with its own hashes recomputed breaks the link of the next', async () => {
    const records = ledger(6);
    const r3 = records[2]!;
    const body = r3.body.replace('VictimReengaged', 'CaseReopened');
    const leaf = leafHash({ ...r3, body });
    records[2] = { ...r3, body, leafHash: leaf, chainHash: chainHash(records[1]!.chainHash, leaf) };
    const report = await verifyLedger(reader(records));
    expect(report.firstBroken?.position).toBe(4);
    expect(report.firstBroken!.problem).toMatch(/does not link to the one before it/);
  });

  test('a missing first event, and a body that is no longer JSON', async () => {
    const records = ledger(4);
    expect((await verifyLedger(reader(records.slice(1)))).firstBroken).toMatchObject({ position: 1 });
    records[1] = { ...records[1]!, body: records[1]!.body.slice(0, -1) };
    expect((await verifyLedger(reader(records))).firstBroken!.problem).toMatch(/no longer valid JSON/);
  });

  test('heads: exported and recorded, before and after the scan', async () => {
    const records = ledger(5);
    const head: LedgerHead = { position: 5, hash: records[4]!.chainHash.toString('hex') };
    expect((await verifyLedger(reader(records), { expectedHead: head })).ok).toBe(true);
    expect((await verifyLedger(reader(records), { expectedHead: { position: 0, hash: '0'.repeat(64) } })).ok).toBe(true);
    const cut = await verifyLedger(reader(records.slice(0, 3)), { expectedHead: head });
    expect(cut.firstBroken).toMatchObject({ position: 4 });
    expect(cut.firstBroken!.problem).toMatch(/positions 4–5 are missing/);
    // Records beyond the head the ledger recorded (after the scan) were not appended by the ledger.
    const beyond = await verifyLedger(reader(records), { readHead: async () => ({ position: 4, hash: records[3]!.chainHash.toString('hex') }) });
    expect(beyond.firstBroken).toMatchObject({ position: 5 });
    expect(beyond.firstBroken!.problem).toMatch(/added outside the ledger/);
  });
});
