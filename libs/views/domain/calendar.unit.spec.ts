import {
  civilFromDays, daysFromCivil, endOfNthWorkingDayAfterMs, formatIsoDate, isWorkingDay, londonDay, londonEndOfDayMs,
  londonOffsetMs, londonStartOfDayMs, nthWorkingDayAfter, parseIsoDate, weekday,
} from './calendar.js';

const day = (iso: string): number => parseIsoDate(iso)!;
const ms = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;

describe('calendar dates', () => {
  it('given dates across centuries and leap days, when converted to day numbers and back, then they round-trip', () => {
    for (const iso of ['1970-01-01', '1900-02-28', '2000-02-29', '2021-03-28', '2024-12-31', '1066-10-14']) {
      const n = day(iso);
      expect(formatIsoDate(n)).toBe(iso);
      const { year, month, day: d } = civilFromDays(n);
      expect(daysFromCivil(year, month, d)).toBe(n);
    }
    expect(day('1970-01-01')).toBe(0);
    expect(day('2021-03-04')).toBe(Date.UTC(2021, 2, 4) / 86_400_000);
  });

  it.each(['2021-02-29', '2021-13-01', '2021-04-31', '2021-4-1', '21-04-01', '2021-04-01T00:00:00Z', ''])(
    'given %j, then it is not a calendar date', (text) => { expect(parseIsoDate(text)).toBeNull(); },
  );

  it('given known dates, then their weekdays are right (0 = Sunday)', () => {
    expect(weekday(day('2021-03-26'))).toBe(5); // Friday
    expect(weekday(day('2021-03-27'))).toBe(6);
    expect(weekday(day('2021-03-28'))).toBe(0);
    expect(weekday(day('1969-12-31'))).toBe(3);
  });
});

describe('Europe/London', () => {
  it('given the March 2021 clock change (01:00 UTC, Sunday 28 March), then the offset changes at that instant exactly', () => {
    expect(londonOffsetMs(ms('2021-03-28T00:59:59.999Z'))).toBe(0);
    expect(londonOffsetMs(ms('2021-03-28T01:00:00.000Z'))).toBe(HOUR);
  });

  it('given the October 2021 clock change (01:00 UTC, Sunday 31 October), then the offset changes at that instant exactly', () => {
    expect(londonOffsetMs(ms('2021-10-31T00:59:59.999Z'))).toBe(HOUR);
    expect(londonOffsetMs(ms('2021-10-31T01:00:00.000Z'))).toBe(0);
  });

  it('given instants of other years, then the historical rules apply (1990: BST from 25 March; 1970: British Standard Time all year)', () => {
    expect(londonOffsetMs(ms('1990-03-25T00:59:59Z'))).toBe(0);
    expect(londonOffsetMs(ms('1990-03-25T01:00:00Z'))).toBe(HOUR);
    expect(londonOffsetMs(ms('1970-01-15T12:00:00Z'))).toBe(HOUR);
  });

  it('given late-evening UTC instants, then the London calendar date is the local one', () => {
    expect(formatIsoDate(londonDay(ms('2021-03-27T23:30:00Z')))).toBe('2021-03-27'); // Saturday 23:30 GMT
    expect(formatIsoDate(londonDay(ms('2021-10-30T23:30:00Z')))).toBe('2021-10-31'); // Sunday 00:30 BST
    expect(formatIsoDate(londonDay(ms('2021-06-06T23:00:00Z')))).toBe('2021-06-07'); // Monday 00:00 BST
    expect(formatIsoDate(londonDay(ms('2021-06-06T22:59:59.999Z')))).toBe('2021-06-06');
  });

  it('given days around the clock changes, then they start at local midnight', () => {
    expect(londonStartOfDayMs(day('2021-03-28'))).toBe(ms('2021-03-28T00:00:00Z')); // the 23-hour day
    expect(londonStartOfDayMs(day('2021-03-29'))).toBe(ms('2021-03-28T23:00:00Z'));
    expect(londonStartOfDayMs(day('2021-10-31'))).toBe(ms('2021-10-30T23:00:00Z')); // the 25-hour day
    expect(londonStartOfDayMs(day('2021-11-01'))).toBe(ms('2021-11-01T00:00:00Z'));
    expect(londonEndOfDayMs(day('2021-03-29'))).toBe(ms('2021-03-29T22:59:59.999Z'));
    expect(londonEndOfDayMs(day('2021-10-31'))).toBe(ms('2021-10-31T23:59:59.999Z'));
  });
});

describe('working days (England and Wales)', () => {
  it('given weekends and bank holidays, then they are not working days', () => {
    expect(isWorkingDay(day('2021-03-26'))).toBe(true);  // Friday
    expect(isWorkingDay(day('2021-03-27'))).toBe(false); // Saturday
    expect(isWorkingDay(day('2021-03-28'))).toBe(false); // Sunday
    expect(isWorkingDay(day('2021-04-02'))).toBe(false); // Good Friday
    expect(isWorkingDay(day('2021-04-05'))).toBe(false); // Easter Monday
    expect(isWorkingDay(day('2021-04-06'))).toBe(true);
    expect(isWorkingDay(day('2022-09-19'))).toBe(false); // State Funeral (one-off)
  });

  it('given a Friday, when the next working day is taken, then it is the Monday', () => {
    expect(formatIsoDate(nthWorkingDayAfter(day('2021-03-26'), 1))).toBe('2021-03-29');
  });

  it('given the Thursday before Easter 2021, when the next working day is taken, then it skips Good Friday, the weekend and Easter Monday', () => {
    expect(formatIsoDate(nthWorkingDayAfter(day('2021-04-01'), 1))).toBe('2021-04-06');
    expect(formatIsoDate(nthWorkingDayAfter(day('2021-03-31'), 2))).toBe('2021-04-06');
  });

  it('given Christmas Eve 2021 (Friday), when the next working day is taken, then it skips the substitute bank holidays 27 and 28 December', () => {
    expect(formatIsoDate(nthWorkingDayAfter(day('2021-12-24'), 1))).toBe('2021-12-29');
  });

  it('given a report late on a Saturday (GMT), when the end of the second working day after is taken, then it is Tuesday 23:59:59.999 BST', () => {
    expect(endOfNthWorkingDayAfterMs(ms('2021-03-27T23:30:00Z'), 2)).toBe(ms('2021-03-30T22:59:59.999Z'));
  });

  it('given 23:30 UTC on a summer Sunday (00:30 BST Monday), when the end of the second working day after is taken, then it counts from Monday', () => {
    expect(endOfNthWorkingDayAfterMs(ms('2021-06-06T23:30:00Z'), 2)).toBe(ms('2021-06-09T22:59:59.999Z'));
  });

  it('given an instant on the day the clocks go back, when the end of the first working day after is taken, then it is Monday 23:59:59.999 GMT', () => {
    expect(endOfNthWorkingDayAfterMs(ms('2021-10-30T23:30:00Z'), 1)).toBe(ms('2021-11-01T23:59:59.999Z'));
  });
});
