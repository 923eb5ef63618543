// Instants and Europe/London calendar dates for the generator, without Intl (speed) and without Date.now.
// Instants are integers: milliseconds since the epoch. Dates are integers: days since 1970-01-01.

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

const bstCache = new Map<number, [number, number]>();

/** [start, end) of British Summer Time in a year: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC. */
function bst(year: number): [number, number] {
  let r = bstCache.get(year);
  if (r === undefined) {
    const lastSunday = (month: number): number => {
      const last = Date.UTC(year, month + 1, 0); // last day of `month` (0-based)
      return last - new Date(last).getUTCDay() * DAY + HOUR;
    };
    r = [lastSunday(2), lastSunday(9)];
    bstCache.set(year, r);
  }
  return r;
}

let yearStart = 0;
let yearEnd = -1;
let yearBst: [number, number] = [0, 0];

/** Europe/London's offset from UTC at an instant, in ms (0 or 1 h). */
export function londonOffset(ms: number): number {
  if (ms < yearStart || ms >= yearEnd) {
    const year = new Date(ms).getUTCFullYear();
    yearStart = Date.UTC(year, 0, 1);
    yearEnd = Date.UTC(year + 1, 0, 1);
    yearBst = bst(year);
  }
  return ms >= yearBst[0] && ms < yearBst[1] ? HOUR : 0;
}

/** The Europe/London calendar day (days since the epoch) of an instant. */
export function londonDay(ms: number): number {
  return Math.floor((ms + londonOffset(ms)) / DAY);
}

/** `YYYY-MM-DD` of a day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** The instant of a Europe/London wall-clock time on a day (day number, hours and minutes). */
export function londonWallClock(day: number, hour: number, minute: number): number {
  const guess = day * DAY + hour * HOUR + minute * MINUTE;
  return guess - londonOffset(guess - HOUR);
}

/** The Europe/London day of week of an instant: 0 = Sunday … 6 = Saturday. */
export function londonWeekday(ms: number): number {
  return (londonDay(ms) + 4) % 7; // 1970-01-01 was a Thursday
}

const PAD2: string[] = [];
for (let i = 0; i < 100; i++) PAD2.push(i < 10 ? `0${i}` : String(i));
const PAD3: string[] = [];
for (let i = 0; i < 1000; i++) PAD3.push(String(i).padStart(3, '0'));
const dayPrefixes = new Map<number, string>();

/** `YYYY-MM-DDT` of a day number (cached: formatting is the generator's hot path). */
function dayPrefix(day: number): string {
  let p = dayPrefixes.get(day);
  if (p === undefined) {
    if (dayPrefixes.size > 50_000) dayPrefixes.clear();
    p = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefixes.set(day, p);
  }
  return p;
}

/** `YYYY-MM-DDTHH:MM:SS[.mmm]` of a (local or UTC) ms value; the milliseconds only when not zero. */
function wallClock(ms: number): string {
  ms = Math.floor(ms); // at most millisecond precision, whatever arithmetic produced ms
  const day = Math.floor(ms / DAY);
  let rem = ms - day * DAY;
  const h = Math.floor(rem / HOUR);
  rem -= h * HOUR;
  const m = Math.floor(rem / MINUTE);
  rem -= m * MINUTE;
  const s = Math.floor(rem / 1000);
  const milli = rem - s * 1000;
  const base = dayPrefix(day) + PAD2[h]! + ':' + PAD2[m]! + ':' + PAD2[s]!;
  return milli === 0 ? base : base + '.' + PAD3[milli]!;
}

/** ISO 8601 in UTC with `Z`; the milliseconds only when not zero. */
export function formatUtc(ms: number): string {
  return wallClock(ms) + 'Z';
}

/** ISO 8601 in Europe/London local time with its offset (`+00:00` or `+01:00`); the milliseconds only when not zero. */
export function formatLondon(ms: number): string {
  const off = londonOffset(ms);
  return wallClock(ms + off) + (off === 0 ? '+00:00' : '+01:00');
}

/** Parses an ISO 8601 instant (generator options only; not the hot path). */
export function parseInstant(s: string | Date | number): number {
  if (typeof s === 'number') return s;
  if (s instanceof Date) return s.getTime();
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 instant: ${s}`);
  return ms;
}
