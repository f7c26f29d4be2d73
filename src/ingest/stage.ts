/**
 * Stage "stage": one opened file → temp table `stg` (every contract column as raw VARCHAR, plus `__line`), and
 * structurally broken CSV rows → temp table `file_rejects`.
 * Reads: the file through DuckDB's own readers. Writes: temp tables `stg`, `file_rejects` (replaced per file).
 */
import { type AnyTableSpec, TABLES } from '../contract/index.ts';
import { type Mapping, sourceColumn } from '../contract/mapping.ts';
import { BadInputError } from '../core/errors.ts';
import { ident, literal, type Warehouse } from '../warehouse/db.ts';
import type { OpenedSource } from './source.ts';

/**
 * Temp table of one file's rejected rows, one per broken rule; copied to `rejects` with the batch id. `row_id` is
 * the staged row (`stg.__row`), NULL for rows DuckDB could not parse; `line` is only for people to read.
 */
export const FILE_REJECTS_DDL =
  'CREATE OR REPLACE TEMP TABLE file_rejects (row_id BIGINT, line BIGINT, "column" VARCHAR, value VARCHAR, rule VARCHAR, message VARCHAR)';

export interface Staged {
  /** Rows read, including structurally broken ones. */
  rowsIn: number;
}

/** Contract column → name in the file, after checking every required column is present. */
function resolveColumns(src: OpenedSource, names: string[], mapping: Mapping, delimiter: string) {
  const spec: AnyTableSpec = TABLES[src.table];
  const cols: { col: string; from: string | undefined }[] = [];
  const missing: string[] = [];
  for (const [col, c] of Object.entries(spec.columns)) {
    const from = sourceColumn(mapping, src.table, col);
    const present = names.includes(from);
    if (!present && c.required !== false) missing.push(from === col ? col : `${from} (→ ${col})`);
    cols.push({ col, from: present ? from : undefined });
  }
  if (missing.length) {
    const only = names.length === 1 ? (names[0] ?? '') : '';
    const other = [';', '\t', '|'].find((d) => only.includes(d));
    const found = names.length > 8 ? `${names.slice(0, 8).join(', ')}, …` : names.join(', ');
    throw new BadInputError(
      `${src.path}: missing required ${src.table} column(s) ${missing.join(', ')}; found ${names.length} column(s): ${found}` +
        (other
          ? `. The header looks ${JSON.stringify(other)}-delimited; expected ${JSON.stringify(delimiter)}`
          : ''),
      {
        place: { file: src.path, line: 1, column: missing[0] ?? '' },
        hint: other
          ? 'set `delimiter:` in the mapping file, or re-export with commas'
          : 'map lender column names with --mapping (columns: { contract_name: lender_name })',
      },
    );
  }
  return cols;
}

/** Runs a read that may fail on the file's bytes, naming the file in the error. */
async function reading<T>(src: OpenedSource, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? '';
    const what = /gzip|inflate|zlib|truncated/i.test(msg)
      ? `expected a complete gzip stream, found a damaged or truncated one (${msg})`
      : msg;
    throw new BadInputError(`cannot read ${src.path}: ${what}`, { place: { file: src.path }, cause: e });
  }
}

export async function stageFile(
  w: Warehouse,
  src: OpenedSource,
  mapping: Mapping,
  delimiter: string,
): Promise<Staged> {
  await w.run(FILE_REJECTS_DDL);
  const path = literal(src.readPath);
  let from: string;
  let lineExpr: string;
  let rowExpr: string;
  let names = src.header;
  if (src.format === 'csv') {
    // Explicit dialect and columns: sniffing would "fix" a wrong delimiter or stumble on a few broken rows.
    const columns = `{${names.map((n) => `${literal(n)}: 'VARCHAR'`).join(', ')}}`;
    from = `read_csv(${path}, auto_detect=false, header=true, delim=${literal(delimiter)}, quote='"', escape='"', columns=${columns}, compression=${src.readGzip ? "'gzip'" : "'none'"}, store_rejects=true, rejects_table='stg_rej_errors', rejects_scan='stg_rej_scans')`;
    rowExpr = 'row_number() OVER ()';
    lineExpr = '__row + 1';
  } else {
    from =
      src.format === 'parquet'
        ? `read_parquet(${path}, file_row_number=true)`
        : `read_json(${path}, format='newline_delimited'${src.readGzip ? ", compression='gzip'" : ''})`;
    const described = await reading(src, () =>
      w.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${from}`),
    );
    names = described
      .map((d) => d.column_name)
      .filter((n) => !(src.format === 'parquet' && n === 'file_row_number'));
    // JSON type detection would turn "…+08:00" into a TIMESTAMP and drop the offset: read every field as text.
    if (src.format === 'json')
      from = `read_json(${path}, format='newline_delimited', columns={${names.map((n) => `${literal(n)}: 'VARCHAR'`).join(', ')}}${src.readGzip ? ", compression='gzip'" : ''})`;
    rowExpr = src.format === 'parquet' ? 'file_row_number + 1' : 'row_number() OVER ()';
    lineExpr = '__row';
  }
  const cols = resolveColumns(src, names, mapping, delimiter);
  const select = cols
    .map(
      ({ col, from: f }) => `${f === undefined ? 'NULL' : `CAST(${ident(f)} AS VARCHAR)`} AS ${ident(col)}`,
    )
    .join(', ');
  await w.run('DROP TABLE IF EXISTS stg_rej_errors; DROP TABLE IF EXISTS stg_rej_scans');
  await reading(src, () =>
    w.run(
      `CREATE OR REPLACE TEMP TABLE stg AS SELECT ${rowExpr} AS __row, ${lineExpr} AS __line, ${select} FROM ${from}`,
    ),
  );
  let broken = 0;
  if (src.format === 'csv') broken = await collectBrokenRows(w);
  const n = await w.one<{ n: bigint }>('SELECT count(*) AS n FROM stg');
  return { rowsIn: Number(n?.n ?? 0) + broken };
}

/**
 * Rows DuckDB refused (wrong field count, bad quoting, invalid UTF-8) → file_rejects, one per line. Good rows were
 * numbered by position; each refused line before a row shifts its file line by one, so fix `__line` here.
 */
async function collectBrokenRows(w: Warehouse): Promise<number> {
  const exists = await w.one<{ n: bigint }>(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'stg_rej_errors'",
  );
  if (!exists || exists.n === 0n) return 0;
  await w.run(`INSERT INTO file_rejects
    SELECT NULL, line, arg_min(column_name, column_idx), arg_min(left(csv_line, 200), column_idx), 'csv_structure',
           arg_min(lower(error_type) || ': ' || error_message, column_idx)
    FROM stg_rej_errors GROUP BY line`);
  const n = await w.one<{ n: bigint }>('SELECT count(*) AS n FROM file_rejects');
  const broken = Number(n?.n ?? 0);
  if (broken > 0) {
    // r_j - 1 - j good rows precede the j-th refused line r_j (header on line 1), so good row k sits after it
    // exactly when r_j - j <= k, i.e. r_j - j < k + 1 = its unshifted line. (Quoted fields spanning lines are
    // counted as one line: reported lines are then approximate, identities (__row) stay exact.)
    await w.run(`UPDATE stg SET __line = __line + (
      SELECT count(*) FROM (SELECT line - row_number() OVER (ORDER BY line) AS gap FROM file_rejects) r
      WHERE r.gap < stg.__row + 1)`);
  }
  return broken;
}
