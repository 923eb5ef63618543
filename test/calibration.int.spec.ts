// Issue 3, sanity check against the published figures: for a large generated cohort (20,000 cases,
// about a million events), the inspectors' views give back the rates the generator was calibrated to
// (libs/generator/calibration.ts, each target quoted from the London Rape Review 2021 update).
import { parseEventLine } from '../libs/case-ledger/domain/interchange.js';
import type { StoredCaseEvent } from '../libs/case-ledger/domain/vocabulary.js';
import { CALIBRATION, DEFAULT_UNTIL, generateCases } from '../libs/generator/index.js';
import { evolveDigest, type CaseDigest } from '../libs/views/case-digest/case-digest.js';
import { computeView, parseViewParams } from '../libs/views/query.js';

const CASES = 20000;

function within(name: keyof typeof CALIBRATION, measured: number): void {
  const { target, tolerance } = CALIBRATION[name];
  expect({ name, measured, ok: Math.abs(measured - target) <= tolerance }).toEqual({ name, measured, ok: true });
}

test('the views give back the calibrated rates of the seed document', () => {
  const digests = new Map<string, CaseDigest>();
  const appendedAt = Date.parse(DEFAULT_UNTIL);
  let position = 0;
  for (const line of generateCases({ cases: CASES, seed: 'calibration-check' })) {
    const r = parseEventLine(line, { appendedAt, newEventId: () => { throw new Error('generated lines carry eventIds'); } });
    if (!r.ok) throw new Error(r.error.message);
    const stored = { ...r.event, position: ++position, streamVersion: 0 } as StoredCaseEvent;
    const id = stored.metadata.caseId;
    digests.set(id, evolveDigest(digests.get(id) ?? null, stored));
  }
  const params = parseViewParams({ asOf: DEFAULT_UNTIL });
  const w = computeView('withdrawal', digests.values(), params) as { cases: number; withdrawn: number; daysToWithdrawal: { within7: number; within30: number }; reasons: Record<string, number> };
  const t = computeView('timeliness', digests.values(), params) as { victimDevices: { retentionDays: { mean: number; max: number } } };
  const d = computeView('disproportionality', digests.values(), params) as {
    cases: number; casesWithVictimDeviceRequest: number; victimDeviceRequests: number; responses: { agreed: number };
    flaggedRequests: number; examined: number; noRelevantMaterial: number;
  };
  const p = computeView('predictors', digests.values(), params) as { factors: { factor: string; oddsRatio: number | null }[] };

  expect(w.cases).toBe(CASES);
  within('withdrawnShare', w.withdrawn / w.cases);
  within('withdrawnWithin7DaysShare', w.daysToWithdrawal.within7 / w.withdrawn);
  within('withdrawnWithin30DaysShare', w.daysToWithdrawal.within30 / w.withdrawn);
  within('notEstablishedShare', w.reasons.not_established! / w.withdrawn);
  within('victimDeviceRequestShare', d.casesWithVictimDeviceRequest / d.cases);
  within('agreedShare', d.responses.agreed / d.victimDeviceRequests);
  within('meanRetentionDays', t.victimDevices.retentionDays.mean);
  expect(t.victimDevices.retentionDays.max).toBeLessThanOrEqual(CALIBRATION.maxRetentionDays.target + 1);
  within('noRelevantMaterialShare', d.noRelevantMaterial / d.examined);
  within('flaggedRequestShare', d.flaggedRequests / d.victimDeviceRequests);
  within('inconsistencyNfaOddsRatio', p.factors.find((f) => f.factor === 'accountInconsistencyNoted')!.oddsRatio!);
}, 300_000);
