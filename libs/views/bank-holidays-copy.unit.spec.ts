import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BANK_HOLIDAY_YEARS, BANK_HOLIDAYS_ENGLAND_AND_WALES } from './domain/bank-holidays.js';

// Lives outside domain/ because domain code may not import node:fs (.dependency-cruiser.cjs).
// The repository root is two levels up from libs/views; CI keeps the spec beside it at ../shared.
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SPEC_FILE = join(REPO_ROOT, '..', 'shared', 'spec', 'bank-holidays-england-and-wales.json');

describe('bank holidays of England and Wales', () => {
  it('given the spec file ../shared/spec/bank-holidays-england-and-wales.json, when compared with the TypeScript copy, then the dates are identical', () => {
    const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as { dates: string[] };
    expect([...BANK_HOLIDAYS_ENGLAND_AND_WALES]).toEqual(spec.dates);
  });

  it('given the copy, then it covers the years it says it covers', () => {
    expect(BANK_HOLIDAYS_ENGLAND_AND_WALES[0]!.slice(0, 4)).toBe(String(BANK_HOLIDAY_YEARS.from));
    expect(BANK_HOLIDAYS_ENGLAND_AND_WALES.at(-1)!.slice(0, 4)).toBe(String(BANK_HOLIDAY_YEARS.to));
  });
});
