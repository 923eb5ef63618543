// @ts-check
// A figure's numbers as CSV (the "Download CSV" button), by the rules of the API's CSV
// (libs/views/csv.ts): RFC 4180 quoting, null as an empty cell, and a text cell starting with =, +,
// -, @, tab or CR prefixed with an apostrophe, so a spreadsheet shows it as text instead of running
// it as a formula (group keys are free text from CaseReported). Lines end with CRLF.

/** @typedef {string | number | null} Cell a table or CSV value (null: none) */

/** @param {Cell} v */
function csvCell(v) {
  const s = v === null ? '' : typeof v === 'number' ? String(v) : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** @param {readonly string[]} columns @param {readonly (readonly Cell[])[]} rows */
export const toCsv = (columns, rows) => [columns, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
