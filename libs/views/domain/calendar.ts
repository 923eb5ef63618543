// Europe/London calendar dates and working days, for the views' deadlines and cohorts.
//
// A calendar date is handled as a *day number*: whole days since 1970-01-01 (a date, not an
// instant). Instants are milliseconds since the epoch. The London offset (GMT or BST, and the
// historical rules before 1996) comes from the platform's time-zone database through
// Intl.DateTimeFormat: each year's transitions are found once, lazily, and cached, so the hot
// paths (a few conversions per case) are arithmetic.
import { BANK_HOLIDAYS_ENGLAND_AND_WALES } from './bank-holidays.js';

export const MS_PER_DAY = 86_400_000;

/** Whole days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // H. Hinnant's days_from_civil: exact for any year, no Date object.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The proleptic Gregorian date of a day number. */
export function civilFromDays(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a strict `YYYY-MM-DD` calendar date; null when it is not one (e.g. 2021-02-29). */
export function parseIsoDate(text: string): number | null {
  if (typeof text !== 'string') return null;
  const m = ISO_DATE.exec(text);
  if (m === null) return null;
  const year = +m[1]!, month = +m[2]!, day = +m[3]!;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day);
}

export function formatIsoDate(dayNumber: number): string {
  const { year, month, day } = civilFromDays(dayNumber);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

// ---------------------------------------------------------------------------------------------
// Europe/London offset

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', hourCycle: 'h23',
  year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
});

/** Offset (local − UTC, ms) in force at `ms`, straight from the time-zone database (slow). */
function intlOffsetMs(ms: number): number {
  const seconds = Math.floor(ms / 1000) * 1000;
  let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  for (const part of LONDON.formatToParts(seconds)) {
    switch (part.type) {
      case 'year': year = +part.value; break;
      case 'month': month = +part.value; break;
      case 'day': day = +part.value; break;
      case 'hour': hour = +part.value; break;
      case 'minute': minute = +part.value; break;
      case 'second': second = +part.value; break;
      default: break;
    }
  }
  const wall = daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000;
  return wall - seconds;
}

/** One UTC year's offsets: `offsets[0]` from the year's start, `offsets[k]` from `changes[k-1]`. */
interface ZoneYear { startMs: number; endMs: number; offsets: number[]; changes: number[] }
const zoneYears = new Map<number, ZoneYear>();
let lastZoneYear: ZoneYear | null = null;

function zoneYear(year: number): ZoneYear {
  const cached = zoneYears.get(year);
  if (cached !== undefined) return cached;
  const startMs = daysFromCivil(year, 1, 1) * MS_PER_DAY;
  const endMs = daysFromCivil(year + 1, 1, 1) * MS_PER_DAY;
  const offsets = [intlOffsetMs(startMs)];
  const changes: number[] = [];
  // London never changes its offset twice within a day: sample daily, then bisect each change to
  // the second (the zone database's resolution here).
  let prevMs = startMs;
  let prevOffset = offsets[0]!;
  for (let t = startMs + MS_PER_DAY; t <= endMs; t += MS_PER_DAY) {
    const offset = intlOffsetMs(t);
    if (offset !== prevOffset) {
      let lo = prevMs / 1000, hi = t / 1000; // offset(lo s) = prevOffset, offset(hi s) = offset
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (intlOffsetMs(mid * 1000) === prevOffset) lo = mid; else hi = mid;
      }
      if (hi * 1000 < endMs) { changes.push(hi * 1000); offsets.push(offset); }
    }
    prevMs = t;
    prevOffset = offset;
  }
  const zy = { startMs, endMs, offsets, changes };
  zoneYears.set(year, zy);
  return zy;
}

/** Europe/London offset from UTC (ms) in force at the instant `ms`: 0 (GMT) or 3,600,000 (BST) nowadays. */
export function londonOffsetMs(ms: number): number {
  if (!Number.isFinite(ms)) return 0;
  let zy = lastZoneYear;
  if (zy === null || ms < zy.startMs || ms >= zy.endMs) {
    zy = zoneYear(civilFromDays(Math.floor(ms / MS_PER_DAY)).year);
    lastZoneYear = zy;
  }
  const { changes, offsets } = zy;
  let k = 0;
  while (k < changes.length && ms >= changes[k]!) k++;
  return offsets[k]!;
}

/** The Europe/London calendar date (day number) of an instant. */
export function londonDay(ms: number): number {
  return Math.floor((ms + londonOffsetMs(ms)) / MS_PER_DAY);
}

/** The instant London's calendar day `dayNumber` starts (00:00:00.000 local). */
export function londonStartOfDayMs(dayNumber: number): number {
  const wall = dayNumber * MS_PER_DAY;
  let t = wall - londonOffsetMs(wall);
  const o = londonOffsetMs(t);
  if (t + o !== wall) t = wall - o;
  return t;
}

/** The last instant of London's calendar day `dayNumber` (23:59:59.999 local). */
export function londonEndOfDayMs(dayNumber: number): number {
  return londonStartOfDayMs(dayNumber + 1) - 1;
}

// ---------------------------------------------------------------------------------------------
// Working days

const BANK_HOLIDAY_DAYS: ReadonlySet<number> = new Set(BANK_HOLIDAYS_ENGLAND_AND_WALES.map((d) => parseIsoDate(d)!));

/** Monday to Friday and not a bank holiday of England and Wales. */
export function isWorkingDay(dayNumber: number): boolean {
  const wd = weekday(dayNumber);
  return wd !== 0 && wd !== 6 && !BANK_HOLIDAY_DAYS.has(dayNumber);
}

/** The `n`-th working day strictly after `dayNumber` (n >= 1). */
export function nthWorkingDayAfter(dayNumber: number, n: number): number {
  let d = dayNumber;
  for (let found = 0; found < n;) {
    d++;
    if (isWorkingDay(d)) found++;
  }
  return d;
}

/** End (23:59:59.999 Europe/London) of the `n`-th working day after the London calendar day of `ms`. */
export function endOfNthWorkingDayAfterMs(ms: number, n: number): number {
  return londonEndOfDayMs(nthWorkingDayAfter(londonDay(ms), n));
}
