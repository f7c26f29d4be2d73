/**
 * JSON Lines and Parquet: the full recommendation with its model and policy versions, the phone (masked on
 * request) and the export bookkeeping (state, sequence, version hash), both written by DuckDB COPY.
 * JSON Lines carries dates as YYYY-MM-DD and instants as ISO 8601 UTC strings; Parquet keeps native types.
 * Reads: temp table export_plan. Writes: the output file.
 */
import { literal, type Warehouse } from '../warehouse/db.ts';
import { recordSelect } from './fields.ts';

export async function writeJsonl(
  w: Warehouse,
  cols: string[],
  maskPhone: boolean,
  path: string,
): Promise<void> {
  const sel = recordSelect(cols, { maskPhone, iso: true });
  await w.run(`COPY (SELECT ${sel} FROM export_plan) TO ${literal(path)} (FORMAT json)`);
}

export async function writeParquet(
  w: Warehouse,
  cols: string[],
  maskPhone: boolean,
  path: string,
): Promise<void> {
  const sel = recordSelect(cols, { maskPhone, iso: false });
  await w.run(`COPY (SELECT ${sel} FROM export_plan) TO ${literal(path)} (FORMAT parquet, COMPRESSION zstd)`);
}
