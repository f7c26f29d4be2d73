/**
 * Streams a feature table from DuckDB into a column-oriented FeatureTable: typed arrays filled chunk by chunk
 * (DuckDB data chunks of ~2k rows), never row objects, so millions of rows fit in a few arrays.
 */
import { type DuckDBValue, listValue } from '@duckdb/node-api';
import { MismatchError } from '../core/errors.ts';
import { ident, type Warehouse } from '../warehouse/db.ts';
import type { FeatureManifest, FeatureTable } from './types.ts';

/** Row filter, bound as parameters. All fields optional; an empty filter reads every row. */
export interface RowFilter {
  /** Keep rows whose as_of is one of these dates (YYYY-MM-DD). */
  asOf?: readonly string[];
  /** Keep rows with as_of >= from (YYYY-MM-DD). */
  from?: string;
  /** Keep rows with as_of < to (YYYY-MM-DD). */
  to?: string;
  /** Keep rows of these loans. */
  loanIds?: readonly string[];
}

/** WHERE clause and parameters for a filter. */
export function whereSql(f: RowFilter = {}): { sql: string; params: DuckDBValue[] } {
  const conds: string[] = [];
  const params: DuckDBValue[] = [];
  const add = (cond: string, v: DuckDBValue) => {
    params.push(v);
    conds.push(cond.replace('?', `$${params.length}`));
  };
  if (f.asOf) add('list_contains(?::DATE[], as_of)', listValue([...f.asOf]));
  if (f.from) add('as_of >= ?::DATE', f.from);
  if (f.to) add('as_of < ?::DATE', f.to);
  if (f.loanIds) add('list_contains(?::VARCHAR[], loan_id)', listValue([...f.loanIds]));
  return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

/** Column names of a table, to check it carries what the manifest asks for. */
export async function tableColumns(w: Warehouse, table: string): Promise<Set<string>> {
  const rows = await w.all<{ column_name: string }>(
    "SELECT column_name FROM duckdb_columns() WHERE table_name = $1 AND schema_name IN ('main', 'temp')",
    [table],
  );
  return new Set(rows.map((r) => r.column_name));
}

/** Reads `table` (ordered by rid) into a FeatureTable with the manifest's features. */
export async function readFeatureTable(
  w: Warehouse,
  table: string,
  manifest: FeatureManifest,
  filter: RowFilter = {},
): Promise<FeatureTable> {
  const have = await tableColumns(w, table);
  const missing = manifest.features.filter((f) => !have.has(f.name)).map((f) => f.name);
  if (!have.has('loan_id') || missing.length)
    throw new MismatchError(
      `table ${table} does not carry the manifest's features: expected ${manifest.features.length} columns, missing ${missing.join(', ') || 'loan_id'}`,
      { hint: 'rebuild it with `followup features` using the same feature version' },
    );
  const keyCols = ['loan_id', ...['as_of', 'contact_id'].filter((k) => have.has(k))];
  const { sql: where, params } = whereSql(filter);
  const count = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${ident(table)} ${where}`, params);
  const n = Number(count?.n ?? 0);
  const numeric: Record<string, Float64Array> = {};
  const categorical: Record<string, (string | null)[]> = {};
  const keys: Record<string, string[]> = Object.fromEntries(keyCols.map((k) => [k, new Array<string>(n)]));
  for (const f of manifest.features) {
    // In shared memory: a worker thread given the table (recommend's reason-code worker) reads the same columns
    // instead of a structured-cloned copy (at 1M loans ~270 MB, plus the clone's transient buffer).
    if (f.type === 'numeric') numeric[f.name] = new Float64Array(new SharedArrayBuffer(n * 8));
    else categorical[f.name] = new Array<string | null>(n);
  }
  // Positional aliases (k0…, f0…): a feature's name never collides with a key's in the chunk's columns.
  const select = [
    ...keyCols.map((k, i) => `${ident(k)}::VARCHAR AS k${i}`),
    ...manifest.features.map((f, j) =>
      f.type === 'numeric' ? `${ident(f.name)}::DOUBLE AS f${j}` : `${ident(f.name)}::VARCHAR AS f${j}`,
    ),
  ];
  let at = 0;
  await w.chunks(
    `SELECT ${select.join(', ')} FROM ${ident(table)} ${where} ORDER BY rid`,
    params,
    (c, rows) => {
      keyCols.forEach((k, i) => {
        const dst = keys[k] as string[];
        const src = c[`k${i}`]!;
        for (let r = 0; r < rows; r++) dst[at + r] = src[r] as string;
      });
      manifest.features.forEach((f, j) => {
        const src = c[`f${j}`]!;
        if (f.type === 'numeric') {
          const dst = numeric[f.name] as Float64Array;
          for (let r = 0; r < rows; r++) dst[at + r] = src[r] === null ? Number.NaN : (src[r] as number);
        } else {
          const dst = categorical[f.name] as (string | null)[];
          for (let r = 0; r < rows; r++) dst[at + r] = src[r] as string | null;
        }
      });
      at += rows;
    },
  );
  return { manifest, n, keys: keys as FeatureTable['keys'], numeric, categorical };
}

/** Reads integer/boolean label columns of `table` in the same row order as readFeatureTable. */
export async function readIntColumns(
  w: Warehouse,
  table: string,
  columns: readonly string[],
  filter: RowFilter = {},
): Promise<Int32Array[]> {
  const { sql: where, params } = whereSql(filter);
  const reader = await w.conn.runAndReadAll(
    `SELECT ${columns.map((c) => `${ident(c)}::INTEGER`).join(', ')} FROM ${ident(table)} ${where} ORDER BY rid`,
    params,
  );
  return reader.getColumns().map((col) => Int32Array.from(col, (v) => (v === null ? 0 : Number(v))));
}
