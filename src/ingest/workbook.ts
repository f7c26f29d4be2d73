/**
 * Excel workbooks (.xlsx) as input. A sheet is rewritten as a UTF-8 CSV file in the batch's temp folder, so DuckDB's
 * CSV reader and every rule and reject of the CSV path apply unchanged; what this module adds is where each row and
 * column sits in the sheet, so rejects can say `loans.xlsx#Sheet1:12:C`.
 *
 * Reads: the workbook (exceljs, whole workbook in memory, once per batch). Writes: `<tmpDir>/<index>.sheet.csv`.
 *
 * Cell → text, as the CSV path would see it: numbers as Excel shows them (15 significant digits, so 0.1+0.2 is 0.3),
 * dates as ISO dates (a time of day, if any, as a naive `YYYY-MM-DD HH:MM:SS`: Excel stores no time zone), or in the
 * column's mapping `format:` when it declares one, formulas as their cached result, rich text and hyperlinks as
 * their text, Excel errors (`#N/A`) as their text (so a typed column rejects them), empty cells as missing.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { columnsOf, TABLES } from '../contract/index.ts';
import { columnSource, type Mapping } from '../contract/mapping.ts';
import { TABLE_NAMES, type TableName } from '../contract/tables.ts';
import { BadInputError } from '../core/errors.ts';

type Workbook = InstanceType<typeof ExcelJS.Workbook>;
type Worksheet = Workbook['worksheets'][number];
type CellValue = ExcelJS.CellValue;

/** Where a sheet's rows and columns are: what the reject placing needs after the CSV path ran. */
export interface SheetLayout {
  /** Sheet name as in the workbook. */
  name: string;
  /** Sheet row of the i-th data record of the CSV (0-based i). */
  rows: number[];
  /** Header name → column letter(s) in the sheet. */
  letters: Record<string, string>;
}

/** Loaded workbooks of one batch: discover lists their sheets, open converts them; each file is read once. */
export class Workbooks {
  private readonly loaded = new Map<string, Promise<Workbook>>();

  load(path: string): Promise<Workbook> {
    let p = this.loaded.get(path);
    if (!p) {
      p = readWorkbook(path);
      this.loaded.set(path, p);
    }
    return p;
  }

  async sheetNames(path: string): Promise<string[]> {
    return (await this.load(path)).worksheets.map((s) => s.name);
  }

  /** Frees the workbooks once every sheet is converted. */
  clear(): void {
    this.loaded.clear();
  }
}

async function readWorkbook(path: string): Promise<Workbook> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(path);
  } catch (e) {
    throw new BadInputError(
      `cannot read ${path} as an Excel workbook: ${(e as Error).message.split('\n')[0]}; expected an .xlsx file (Office Open XML)`,
      {
        place: { file: path },
        hint: 'a password-protected or .xls (Excel 97–2003) file must be saved as .xlsx or CSV first',
        cause: e,
      },
    );
  }
  return wb;
}

const listed = (names: string[]) => (names.length ? names.map((n) => JSON.stringify(n)).join(', ') : 'none');

/**
 * The sheets of a workbook that feed tables. A workbook named for a table (`loans.xlsx`, or a mapping `files:`
 * entry) feeds that table from the mapping's `sheet:`, else the sheet named like the table, else its only sheet; not
 * finding it is an error naming the sheets found. Any other workbook feeds each table from its `sheet:` or from the
 * sheet named like the table (case-insensitive); its other sheets are skipped with the reason.
 */
export function chooseSheets(
  path: string,
  names: string[],
  mapping: Mapping,
  named: TableName | undefined,
): { sheets: { table: TableName; sheet: string }[]; skipped: { path: string; reason: string }[] } {
  const likeTable = (t: TableName) => names.find((n) => n.trim().toLowerCase() === t);
  if (named) {
    const declared = mapping[named]?.sheet;
    const sheet = declared
      ? names.find((n) => n === declared)
      : (likeTable(named) ?? (names.length === 1 ? names[0] : undefined));
    if (sheet === undefined)
      throw new BadInputError(
        declared
          ? `${path}: no sheet named ${JSON.stringify(declared)} (the mapping's ${named}.sheet); found sheets: ${listed(names)}`
          : `${path}: which sheet holds ${named}? expected a sheet named "${named}" or a single sheet; found sheets: ${listed(names)}`,
        {
          place: { file: path },
          hint: `name the sheet in the mapping: ${named}: { sheet: <name> }`,
        },
      );
    return { sheets: [{ table: named, sheet }], skipped: [] };
  }
  const sheets: { table: TableName; sheet: string }[] = [];
  for (const t of TABLE_NAMES) {
    const declared = mapping[t]?.sheet;
    const sheet = declared ? names.find((n) => n === declared) : likeTable(t);
    if (sheet !== undefined) sheets.push({ table: t, sheet });
  }
  const used = new Set(sheets.map((s) => s.sheet));
  const skipped = names
    .filter((n) => !used.has(n))
    .map((n) => ({
      path: `${path}#${n}`,
      reason: `sheet matches no table (expected a sheet named ${TABLE_NAMES.join('/')} or a mapping \`sheet:\`)`,
    }));
  return { sheets, skipped };
}

/** Column number (1-based) → letters: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

/**
 * Date and timestamp formats by header name, from the mapping: a date cell in such a column is written in the
 * declared format, so a mapping written for the CSV export of the same data reads the workbook too.
 */
export function dateFormats(mapping: Mapping, table: TableName): Map<string, string> {
  const out = new Map<string, string>();
  const tm = mapping[table];
  for (const [col, c] of Object.entries(columnsOf(TABLES[table]))) {
    if (c.kind !== 'date' && c.kind !== 'timestamptz') continue;
    const s = columnSource(mapping, table, col);
    if (s.kind !== 'column') continue;
    const f = s.format ?? (c.kind === 'date' ? tm?.date_format : tm?.timestamp_format);
    if (f) out.set(s.column, f);
  }
  return out;
}

const two = (n: number) => String(n).padStart(2, '0');

/** A date cell (exceljs reads the serial as UTC wall-clock time) as text, in `format` when given. */
export function dateText(d: Date, format?: string): string {
  // Serials are fractions of a day: round float noise (10:29:59.9996) to the millisecond, then to the second.
  const t = new Date(Math.round(d.getTime() / 1000) * 1000);
  const parts: Record<string, string> = {
    Y: String(t.getUTCFullYear()),
    y: two(t.getUTCFullYear() % 100),
    m: two(t.getUTCMonth() + 1),
    d: two(t.getUTCDate()),
    H: two(t.getUTCHours()),
    M: two(t.getUTCMinutes()),
    S: two(t.getUTCSeconds()),
    '%': '%',
  };
  if (format && /^(?:[^%]|%[YymdHMS%])*$/.test(format))
    return format.replace(/%([YymdHMS%])/g, (_, k: string) => parts[k] ?? '');
  const date = `${parts.Y}-${parts.m}-${parts.d}`;
  return t.getTime() % 86_400_000 === 0 ? date : `${date} ${parts.H}:${parts.M}:${parts.S}`;
}

/** One cell as the text a CSV export would carry (see the module comment). */
export function cellText(v: CellValue, format?: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(Number(v.toPrecision(15)));
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return dateText(v, format);
  if ('error' in v) return v.error;
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('hyperlink' in v) return cellText(v.text as CellValue, format);
  if ('formula' in v || 'sharedFormula' in v) return cellText(v.result as CellValue, format);
  return String(v);
}

/** RFC 4180 field: quoted only when it holds a comma, quote or line break; empty stays unquoted (missing). */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Writes sheet `sheet` of the workbook at `path` to `out` as CSV. The first non-empty row is the header; empty rows
 * are skipped (as blank CSV lines are); cells right of the last header cell belong to no column and are not read.
 */
export async function sheetToCsv(
  wb: Workbook,
  path: string,
  sheet: string,
  out: string,
  formats: Map<string, string>,
): Promise<{ header: string[]; layout: SheetLayout }> {
  const ws = wb.worksheets.find((s) => s.name === sheet) as Worksheet;
  const where = `${path}#${sheet}`;
  let header: string[] | undefined;
  const rows: number[] = [];
  const stream = createWriteStream(out);
  const closed = once(stream, 'close');
  let chunk = '';
  const flush = async () => {
    if (chunk && !stream.write(chunk)) await once(stream, 'drain');
    chunk = '';
  };
  try {
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.findRow(r);
      if (!row?.hasValues) continue;
      if (!header) {
        const cells: string[] = [];
        row.eachCell((cell, c) => {
          cells[c - 1] = cellText(cell.value).trim();
        });
        // A blank header cell between named ones (a spacer column) is named by its letter, e.g. "(C)".
        header = Array.from(cells, (c, j) => c || `(${columnLetter(j + 1)})`);
        const dup = header.findIndex((n, j) => header?.indexOf(n) !== j);
        if (dup >= 0)
          throw new BadInputError(
            `${where} header names column "${header[dup]}" twice (row ${r}, column ${columnLetter(dup + 1)}); expected unique column names`,
            { place: { file: where, line: r, column: columnLetter(dup + 1) } },
          );
        chunk += `${header.map(csvField).join(',')}\n`;
        continue;
      }
      const fields = header.map((name, j) => cellText(row.getCell(j + 1).value, formats.get(name)));
      if (fields.every((f) => f.trim() === '')) continue;
      rows.push(r);
      chunk += `${fields.map(csvField).join(',')}\n`;
      if (chunk.length > 1 << 20) await flush();
    }
    await flush();
  } finally {
    stream.end();
    await closed;
  }
  if (!header)
    throw new BadInputError(`${where} is empty; expected a header row and data rows`, {
      place: { file: where },
    });
  const letters: Record<string, string> = {};
  header.forEach((n, j) => {
    letters[n] = columnLetter(j + 1);
  });
  return { header, layout: { name: sheet, rows, letters } };
}
