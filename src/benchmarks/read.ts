/**
 * Reads a benchmark CSV with DuckDB (real CSV parsing: quoting, separators) into plain row objects. Every value
 * is read as text (DuckDB would turn yes/no into booleans); the adapters convert and report bad values.
 */
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadInputError } from '../core/errors.ts';
import { literal, openWarehouse } from '../warehouse/db.ts';

/** data-samples/public/ of this checkout. */
export const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../data-samples/public');

/** Reads all rows of a CSV in file order, each with its 0-based data-row index as `__row`. */
export async function readCsv(path: string, sep: string): Promise<Record<string, unknown>[]> {
  try {
    await access(path);
  } catch {
    throw new BadInputError(`benchmark data not found: ${path}`, {
      place: { file: path },
      hint: 'the public datasets live in data-samples/public/ (see their SOURCE.md)',
    });
  }
  const w = await openWarehouse(':memory:', { threads: 1 });
  try {
    // Paths cannot be bound as parameters in table functions; literal() quotes the path.
    return await w.all(
      `SELECT (row_number() OVER () - 1)::INTEGER AS __row, * FROM read_csv(${literal(path)}, header = true, delim = ${literal(sep)}, all_varchar = true)`,
    );
  } finally {
    w.close();
  }
}

/** A numeric column of the rows; throws BadInputError naming the row and column for a non-number. */
export function numCol(rows: Record<string, unknown>[], name: string, file: string): Float64Array {
  return Float64Array.from(rows, (r, i) => {
    const v = Number(r[name]);
    if (r[name] === null || r[name] === undefined || Number.isNaN(v))
      throw new BadInputError(`expected a number in column ${name}; found ${JSON.stringify(r[name])}`, {
        place: { file, line: i + 2, column: name, value: r[name] },
      });
    return v;
  });
}
