// Exact parsing of the ledger's ISO 8601 instants (events.md: "ISO 8601 instant with offset, at
// most millisecond precision"), without relying on Date.parse's implementation-defined fallbacks.
// Hand-written (no RegExp, no allocation): the projection parses two instants per event.
import { daysFromCivil, daysInMonth, MS_PER_DAY } from './calendar.js';

/** Value of `count` decimal digits at `at`, or -1 if any is not a digit. */
function digits(s: string, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1; // also NaN past the end
    v = v * 10 + c;
  }
  return v;
}

/**
 * Milliseconds since the epoch of an ISO 8601 instant with an offset, or NaN when the text is not
 * one. Accepted: `YYYY-MM-DDTHH:MM[:SS[.fraction]]` then `Z`, `±HH:MM`, `±HHMM` or `±HH` (T and Z
 * in either case); a fraction finer than a millisecond only if its extra digits are zeros.
 */
export function instantMs(text: string): number {
  if (typeof text !== 'string') return NaN;
  const s = text, n = s.length;
  if (n < 17) return NaN;
  const year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  const hour = digits(s, 11, 2), minute = digits(s, 14, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) return NaN;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (s.charCodeAt(10) | 32) !== 116 || s.charCodeAt(13) !== 58) return NaN;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59) return NaN;
  let i = 16, second = 0, millis = 0;
  if (s.charCodeAt(i) === 58) { // :SS
    second = digits(s, i + 1, 2);
    if (second < 0 || second > 59) return NaN;
    i += 3;
    if (s.charCodeAt(i) === 46) { // .fraction (1-9 digits)
      i++;
      const start = i;
      while (i < n && i - start < 10 && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
      const len = i - start;
      if (len < 1 || len > 9) return NaN;
      for (let k = 0; k < 3; k++) millis = millis * 10 + (k < len ? s.charCodeAt(start + k) - 48 : 0);
      for (let k = start + 3; k < i; k++) if (s.charCodeAt(k) !== 48) return NaN;
    }
  }
  let offsetMinutes = 0;
  const z = s.charCodeAt(i);
  if ((z | 32) === 122) { // Z
    if (i + 1 !== n) return NaN;
  } else if (z === 43 || z === 45) { // ±HH[[:]MM]
    const oh = digits(s, i + 1, 2);
    let om = 0, end = i + 3;
    if (end < n) {
      if (s.charCodeAt(end) === 58) end++;
      om = digits(s, end, 2);
      end += 2;
    }
    if (oh < 0 || om < 0 || oh > 23 || om > 59 || end !== n) return NaN;
    offsetMinutes = (z === 45 ? -1 : 1) * (oh * 60 + om);
  } else {
    return NaN;
  }
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}
