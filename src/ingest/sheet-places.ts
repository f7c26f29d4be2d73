/**
 * Rejects of an Excel sheet placed in the sheet: the CSV path numbers a sheet's rows as records of the CSV written
 * from it (header = line 1, no blank lines, no broken rows), so record line L is the sheet row `rows[L - 2]`; and
 * each reject's column (contract column, extra feature or header name, `a+b` for keys) gets the sheet's column
 * letters, so `followup rejects` says `loans.xlsx#Sheet1:12:C`.
 * Reads and writes: temp `file_rejects` (line), temp `sheet_letters` (reject column → letters).
 */
import type { Warehouse } from '../warehouse/db.ts';
import type { Reader } from './stage.ts';
import type { SheetLayout } from './workbook.ts';

/** Reject column name → sheet letters: header names, and contract or extra columns read from a header name. */
export function lettersByName(layout: SheetLayout, reader: Reader): Map<string, string> {
  const out = new Map(Object.entries(layout.letters));
  for (const c of [...reader.cols.map((c) => ({ name: c.col, from: c.from })), ...reader.extras])
    if (c.from !== undefined && layout.letters[c.from] !== undefined && !out.has(c.name))
      out.set(c.name, layout.letters[c.from] as string);
  return out;
}

/** Rewrites `file_rejects.line` to sheet rows and fills temp `sheet_letters` for `saveRejects`. */
export async function placeInSheet(w: Warehouse, layout: SheetLayout, reader: Reader): Promise<void> {
  const lines = await w.all<{ line: bigint }>(
    'SELECT DISTINCT line FROM file_rejects WHERE line IS NOT NULL ORDER BY line',
  );
  await w.run('CREATE OR REPLACE TEMP TABLE sheet_rows (line BIGINT, sheet_row BIGINT)');
  // Numbers only (computed here), so the VALUES list carries no user text.
  const values = lines.flatMap(({ line }) => {
    const row = layout.rows[Number(line) - 2];
    return row === undefined ? [] : [`(${line}, ${row})`];
  });
  for (let i = 0; i < values.length; i += 10_000)
    await w.run(`INSERT INTO sheet_rows VALUES ${values.slice(i, i + 10_000).join(',')}`);
  await w.run('UPDATE file_rejects f SET line = s.sheet_row FROM sheet_rows s WHERE f.line = s.line');
  await w.run('DROP TABLE sheet_rows');

  const byName = lettersByName(layout, reader);
  const columns = await w.all<{ column: string }>(
    'SELECT DISTINCT "column" FROM file_rejects WHERE "column" IS NOT NULL',
  );
  await w.run('CREATE OR REPLACE TEMP TABLE sheet_letters ("column" VARCHAR, letters VARCHAR)');
  for (const { column } of columns) {
    const parts = column.split('+').map((p) => byName.get(p));
    // A derived or constant column has no cell; its reject names the row only.
    if (parts.every((p) => p !== undefined))
      await w.run('INSERT INTO sheet_letters VALUES ($1, $2)', [column, parts.join('+')]);
  }
}
