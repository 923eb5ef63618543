// Exact parsing of the ledger's ISO 8601 instants (events.md: "ISO 8601 instant with offset, at
// most millisecond precision"), without relying on Date.parse's implementation-defined fallbacks.
import { daysFromCivil, daysInMonth, MS_PER_DAY } from './calendar.js';

// date T hh:mm[:ss[.fraction]] (Z | ±hh:mm | ±hhmm | ±hh)
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/**
 * Milliseconds since the epoch of an ISO 8601 instant with an offset, or NaN when the text is not
 * one (no offset, an impossible date or time, or a fraction finer than a millisecond that is not
 * all zeros).
 */
export function instantMs(text: string): number {
  if (typeof text !== 'string') return NaN;
  const m = INSTANT.exec(text);
  if (m === null) return NaN;
  const year = +m[1]!, month = +m[2]!, day = +m[3]!, hour = +m[4]!, minute = +m[5]!;
  const second = m[6] === undefined ? 0 : +m[6];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  let millis = 0;
  const fraction = m[7];
  if (fraction !== undefined) {
    if (fraction.length > 3 && !/^0+$/.test(fraction.slice(3))) return NaN;
    millis = +fraction.slice(0, 3).padEnd(3, '0');
  }
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const oh = +m[10]!, om = m[11] === undefined ? 0 : +m[11];
    if (oh > 23 || om > 59) return NaN;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}
