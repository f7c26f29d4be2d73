/**
 * Excel input (issue 14, item 3) through the real CLI: a workbook written here with exceljs, with typed cells (dates,
 * numbers, empty cells) as a lender's export has them, loads the same rows as the same data given as CSV; its
 * rejects name the sheet, the sheet row and the column letter; a named sheet is taken from the mapping's `sheet:`;
 * a missing sheet is exit 2 naming the sheets found, and the warehouse is not touched.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { followup } from '../lifecycle/cli.ts';
import { CONTACT_HEADER, contactRow, csv, LOAN_HEADER, loanRow } from './fixtures.ts';
import { fingerprint, tempDir } from './helpers.ts';

const ENV = { FOLLOWUP_CONFIG: 'none', FOLLOWUP_NOW: '2024-06-01T00:00:00Z' };
const NUMBERS = new Set([
  'principal',
  'annual_rate',
  'term_months',
  'collateral_value',
  'income',
  'duration_s',
]);
const DATES = new Set(['disbursed_on', 'maturity_on']);

/** One CSV field as the typed cell Excel would hold: dates and local times as dates, numbers as numbers. */
function cell(col: string, v: string): ExcelJS.CellValue {
  if (v === '') return null;
  if (DATES.has(col)) return new Date(`${v}T00:00:00Z`);
  // Excel keeps no zone: the local wall-clock time of the +08:00 timestamp (the mapping names the zone).
  if (col === 'started_at') return new Date(`${v.slice(0, 19)}Z`);
  if (NUMBERS.has(col) && Number.isFinite(Number(v))) return Number(v);
  return v;
}

/** Adds a sheet: header, rows (`null` = an empty row), date formats on the date columns. */
function addSheet(wb: ExcelJS.Workbook, name: string, header: string[], rows: (string[] | null)[]): void {
  const ws = wb.addWorksheet(name);
  ws.addRow(header);
  for (const r of rows) ws.addRow(r ? r.map((v, j) => cell(header[j] as string, v)) : []);
  header.forEach((h, j) => {
    if (DATES.has(h)) ws.getColumn(j + 1).numFmt = 'yyyy-mm-dd';
    if (h === 'started_at') ws.getColumn(j + 1).numFmt = 'yyyy-mm-dd hh:mm:ss';
  });
}

const LOANS = [1, 2, 3, 4, 5, 6, 7, 8].map(loanRow);
// Row 6 of the data (sheet row 8, after an empty row): a principal that is not a number.
const BAD_LOAN = LOANS[5] as string[];
BAD_LOAN[LOAN_HEADER.indexOf('principal')] = 'abc';
const CONTACTS = [1, 2, 3, 4].map((i) => contactRow(i, i));
CONTACTS.push(contactRow(9, 9999)); // a loan the warehouse does not have
const MAPPING = 'contacts:\n  time_zone: Asia/Shanghai\n';

function ingest(wh: string, mapping: string, path: string) {
  return followup(['ingest', '--warehouse', wh, '--mapping', mapping, path, '--json'], ENV);
}

async function tableRows(wh: string) {
  return withWarehouse(wh, async (w) => ({
    loans: await w.all('SELECT * FROM loans ORDER BY loan_id'),
    contacts: await w.all('SELECT * FROM contacts ORDER BY contact_id'),
    rejects: await w.all<Record<string, unknown>>(
      'SELECT file, line, "column", value, rule, sheet_column FROM rejects ORDER BY file, line, rule',
    ),
  }));
}

describe('Excel input through the CLI', () => {
  const dir = tempDir('followup-xlsx-');
  const mapping = join(dir, 'mapping.yaml');
  writeFileSync(mapping, MAPPING);

  it('loads a loans and a contacts sheet as the same data in CSV; rejects name sheet, row and column', async () => {
    const wb = new ExcelJS.Workbook();
    addSheet(wb, 'loans', LOAN_HEADER, [...LOANS.slice(0, 4), null, ...LOANS.slice(4)]);
    addSheet(wb, 'Contacts', CONTACT_HEADER, CONTACTS);
    addSheet(wb, 'Notes', ['note'], [['exported by hand']]);
    const book = join(dir, 'lender-export.xlsx');
    await wb.xlsx.writeFile(book);
    const csvDir = join(dir, 'csv');
    mkdirSync(csvDir);
    writeFileSync(join(csvDir, 'loans.csv'), csv(LOAN_HEADER, LOANS));
    writeFileSync(join(csvDir, 'contacts.csv'), csv(CONTACT_HEADER, CONTACTS));

    // Exit 3: loaded, with rejects.
    const fromCsv = ingest(join(dir, 'csv.duckdb'), mapping, csvDir);
    expect(fromCsv.code, fromCsv.stderr).toBe(3);
    const fromXlsx = ingest(join(dir, 'xlsx.duckdb'), mapping, book);
    expect(fromXlsx.code, fromXlsx.stderr).toBe(3);
    const summary = JSON.parse(fromXlsx.stdout) as {
      files: { file: string; table: string; rows_in: number; inserted: number; rejected: number }[];
      skipped: { path: string; reason: string }[];
    };
    expect(summary.files.map((f) => [f.file, f.table, f.rows_in, f.inserted, f.rejected])).toEqual([
      [`${book}#loans`, 'loans', 8, 7, 1],
      [`${book}#Contacts`, 'contacts', 5, 4, 1],
    ]);
    expect(summary.skipped).toEqual([{ path: `${book}#Notes`, reason: expect.stringMatching(/no table/) }]);

    const a = await tableRows(join(dir, 'csv.duckdb'));
    const b = await tableRows(join(dir, 'xlsx.duckdb'));
    expect(b.loans).toHaveLength(7);
    expect(b.loans).toEqual(a.loans);
    expect(b.contacts).toHaveLength(4);
    expect(b.contacts).toEqual(a.contacts);
    // Same reasons; the workbook's are placed in the sheet: the empty row shifts the bad loan to sheet row 8.
    const reasons = (r: Record<string, unknown>[]) =>
      r.map(({ column, value, rule }) => ({ column, value, rule }));
    expect(reasons(b.rejects)).toEqual(reasons(a.rejects));
    expect(b.rejects.map(({ file, line, sheet_column }) => [file, line, sheet_column])).toEqual([
      [`${book}#Contacts`, 6n, 'B'],
      [`${book}#loans`, 8n, 'F'],
    ]);
    expect(a.rejects.map((r) => r.sheet_column)).toEqual([null, null]);

    const listed = followup(['rejects', '--warehouse', join(dir, 'xlsx.duckdb')], ENV);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(`${book}#loans:8:F  principal  type  "abc"`);
    expect(listed.stdout).toContain(`${book}#Contacts:6:B  loan_id  unknown_loan  "L9999"`);
  });

  it("reads the sheet the mapping names, with the mapping's date format applied to date cells", async () => {
    const wb = new ExcelJS.Workbook();
    addSheet(wb, 'Notes', ['note'], [['not data']]);
    addSheet(wb, 'Prets', LOAN_HEADER, LOANS.slice(0, 4));
    // One disbursement date as text in the declared format, the others as date cells.
    const prets = wb.getWorksheet('Prets');
    if (prets) prets.getCell('D2').value = '08/01/2023';
    const book = join(dir, 'loans-2024.xlsx');
    await wb.xlsx.writeFile(book);
    const named = join(dir, 'named.yaml');
    writeFileSync(
      named,
      'loans:\n  sheet: Prets\n  columns:\n    disbursed_on: { column: disbursed_on, format: "%d/%m/%Y" }\n',
    );
    const r = ingest(join(dir, 'named.duckdb'), named, book);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { totals: { inserted: number; rejected: number } };
    expect(s.totals).toMatchObject({ inserted: 4, rejected: 0 });
    const got = await withWarehouse(join(dir, 'named.duckdb'), (w) =>
      w.all<{ loan_id: string; d: string }>(
        'SELECT loan_id, disbursed_on::VARCHAR AS d FROM loans ORDER BY loan_id',
      ),
    );
    expect(got).toEqual([
      { loan_id: 'L0001', d: '2023-01-08' },
      ...LOANS.slice(1, 4).map((l) => ({ loan_id: l[0], d: l[3] })),
    ]);
  });

  it('refuses a workbook without the named sheet, naming the sheets found, and creates no warehouse', async () => {
    const wb = new ExcelJS.Workbook();
    addSheet(wb, 'Sheet1', LOAN_HEADER, LOANS.slice(0, 2));
    addSheet(wb, 'Notes', ['note'], [['not data']]);
    const book = join(dir, 'loans.xlsx');
    await wb.xlsx.writeFile(book);
    const m = join(dir, 'missing.yaml');
    writeFileSync(m, 'loans:\n  sheet: Loans2024\n');
    const wh = join(dir, 'missing.duckdb');
    const r = ingest(wh, m, book);
    expect(r.code).toBe(2);
    const e = JSON.parse(r.stderr) as { error: string; message: string; place: { file: string } };
    expect(e.error).toBe('E_BAD_INPUT');
    expect(e.message).toBe(
      `${book}: no sheet named "Loans2024" (the mapping's loans.sheet); found sheets: "Sheet1", "Notes"`,
    );
    expect(e.place.file).toBe(book);
    expect(existsSync(wh)).toBe(false);

    // Without the mapping, two sheets and none named loans: which one is asked, not guessed.
    const guess = ingest(wh, join(dir, 'mapping.yaml'), book);
    expect(guess.code).toBe(2);
    expect((JSON.parse(guess.stderr) as { message: string }).message).toBe(
      `${book}: which sheet holds loans? expected a sheet named "loans" or a single sheet; found sheets: "Sheet1", "Notes"`,
    );
  });

  it('leaves an existing warehouse as it was when a sheet is refused', async () => {
    const wh = join(dir, 'xlsx.duckdb');
    const before = await withWarehouse(wh, fingerprint);
    const r = ingest(wh, join(dir, 'missing.yaml'), join(dir, 'loans.xlsx'));
    expect(r.code).toBe(2);
    expect(await withWarehouse(wh, fingerprint)).toEqual(before);
  });
});
