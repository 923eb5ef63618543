// The dashboard's CSV download (apps/dashboard/csv.js): plain browser JavaScript, no DOM needed.
import { toCsv } from '../../apps/dashboard/csv.js';

describe('dashboard CSV', () => {
  test('given text, numbers and null, then RFC 4180 quoting, null as an empty cell, CRLF line ends', () => {
    expect(toCsv(['key', 'n', 'median'], [['Lambeth, "North"', 3, null], ['Line\nbreak', 0.5, 2]]))
      .toBe('key,n,median\r\n"Lambeth, ""North""",3,\r\n"Line\nbreak",0.5,2\r\n');
  });

  test('given a group key that a spreadsheet would run as a formula, then it is written as text (an apostrophe first), as the API\'s CSV does', () => {
    expect(toCsv(['key', 'cases'], [['=HYPERLINK("x")', 1], ['+1', 2], ['-team', 3], ['@SUM(A1)', 4], ['\tTab', 5], ['Camden', -1]]))
      .toBe('key,cases\r\n"\'=HYPERLINK(""x"")",1\r\n\'+1,2\r\n\'-team,3\r\n\'@SUM(A1),4\r\n\'\tTab,5\r\nCamden,-1\r\n');
  });
});
