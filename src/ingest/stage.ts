/**
 * Stage "read": plans how DuckDB's own reader reads one opened file (dialect, columns as text or, for a CSV's plain
 * numbers and dates, typed; the contract columns they map to), and turns rows the CSV reader refused into
 * `file_rejects` rows with their lines.
 * Reads: the file's header (DESCRIBE). Writes: temp tables `file_rejects`, `line_gaps` (replaced per file).
 * The scan itself runs in typed.ts, straight into a table of typed rows (twice when a typed read meets a bad value).
 */

import { exprSources } from '../contract/expr.ts';
import { type AnyTableSpec, columnsOf, TABLES } from '../contract/index.ts';
import { type ColumnSource, columnSource, type ExtraColumn, type Mapping } from '../contract/mapping.ts';
import { BadInputError } from '../core/errors.ts';
import { literal, type Warehouse } from '../warehouse/db.ts';
import type { OpenedSource } from './source.ts';

/**
 * Temp table of one file's rejected rows, one per broken rule; copied to `rejects` with the batch id. `row_id` is
 * the parsed row (`typ.rowid`), NULL for rows DuckDB could not parse; `line` is only for people to read.
 */
export const FILE_REJECTS_DDL =
  'CREATE OR REPLACE TEMP TABLE file_rejects (row_id BIGINT, line BIGINT, "column" VARCHAR, value VARCHAR, rule VARCHAR, message VARCHAR)';

/**
 * Contract column → its source and the name in the file, after checking every required column (and every
 * declared extra column) is present. Constants and derived columns read no file column.
 */
function resolveColumns(src: OpenedSource, names: string[], mapping: Mapping, delimiter: string) {
  const spec: AnyTableSpec = TABLES[src.table];
  const cols: ReaderColumn[] = [];
  const missing: string[] = [];
  for (const [col, c] of Object.entries(columnsOf(spec))) {
    const source = columnSource(mapping, src.table, col);
    if (source.kind !== 'column') {
      cols.push({ col, from: undefined, source });
      continue;
    }
    const present = names.includes(source.column);
    // A column with a default may be absent altogether: every row takes the default.
    if (!present && c.required !== false && source.default === undefined)
      missing.push(source.column === col ? col : `${source.column} (→ ${col})`);
    cols.push({ col, from: present ? source.column : undefined, source });
  }
  const extras: ReaderExtra[] = [];
  for (const x of mapping[src.table]?.extra ?? []) {
    if (x.source.kind !== 'column') {
      extras.push({ ...x, from: undefined });
      continue;
    }
    const present = names.includes(x.source.column);
    if (!present && x.source.default === undefined) missing.push(`${x.source.column} (→ extra ${x.name})`);
    extras.push({ ...x, from: present ? x.source.column : undefined });
  }
  // File columns expressions read through source('…'), as text.
  const sources = [
    ...new Set(
      [...cols.map((c) => c.source), ...extras.map((x) => x.source)].flatMap((s) =>
        s.kind === 'expr' ? exprSources(s.expr) : [],
      ),
    ),
  ];
  for (const s of sources) if (!names.includes(s)) missing.push(`${s} (read by an expression)`);
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
          : 'map lender column names with --mapping (columns: { contract_name: lender_name }), or give a { const: … } or { expr: … }',
      },
    );
  }
  return { cols, extras, sources };
}

/** Runs a read that may fail on the file's bytes, naming the file in the error. */
export async function reading<T>(src: OpenedSource, fn: () => Promise<T>): Promise<T> {
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

/** One contract column of a reader: its source, and the column of the file it is read from (if any). */
export interface ReaderColumn {
  col: string;
  /** Column of the file; undefined when absent (read as NULL or the default), constant or derived. */
  from: string | undefined;
  source: ColumnSource;
}

/** One extra column of a reader. */
export interface ReaderExtra extends ExtraColumn {
  from: string | undefined;
}

/** How to read one file: a DuckDB table expression and where each contract column comes from. */
export interface Reader {
  /** `read_csv(…)`, `read_parquet(…)` or `read_json(…)`, every option fixed. */
  from: string;
  /** Contract columns in contract order. */
  cols: ReaderColumn[];
  /** Declared extra columns, in declaration order. */
  extras: ReaderExtra[];
  /** File columns read by expressions through source('…'). */
  sources: string[];
  /** File line of the first data row: 2 for CSV (after the header), 1 for JSON Lines and Parquet rows. */
  firstLine: number;
  /**
   * CSV only: the read with the plain numeric and date columns typed by DuckDB's reader (typed.ts tries it first,
   * and reads the file as text again only when a cast fails): `from`, and contract column → file column read typed
   * (none when the file has no plain number or date: the read is then the text one).
   */
  typed?: { from: string; columns: Map<string, string> };
}

/** Plans the read of one file and checks its columns; starts a fresh `file_rejects`. */
export async function openReader(
  w: Warehouse,
  src: OpenedSource,
  mapping: Mapping,
  delimiter: string,
): Promise<Reader> {
  await w.run(FILE_REJECTS_DDL);
  await w.run('DROP TABLE IF EXISTS stg_rej_errors; DROP TABLE IF EXISTS stg_rej_scans');
  const path = literal(src.readPath);
  const asText = (names: string[]) => `{${names.map((n) => `${literal(n)}: 'VARCHAR'`).join(', ')}}`;
  if (src.format === 'csv' || src.format === 'xlsx') {
    // A sheet was written as comma-delimited CSV (workbook.ts), whatever the mapping says of delimited text.
    const delim = src.format === 'xlsx' ? ',' : delimiter;
    // Explicit dialect and columns: sniffing would "fix" a wrong delimiter or stumble on a few broken rows.
    const csv = (columns: string) =>
      `read_csv(${path}, auto_detect=false, header=true, delim=${literal(delim)}, quote='"', escape='"', columns=${columns}, compression=${src.readGzip ? "'gzip'" : "'none'"}, store_rejects=true, rejects_table='stg_rej_errors', rejects_scan='stg_rej_scans')`;
    const resolved = resolveColumns(src, src.header, mapping, delim);
    const plan: Reader = { from: csv(asText(src.header)), ...resolved, firstLine: 2 };
    // A sheet's CSV holds values as the workbook rendered them: read as text, like before.
    if (src.format !== 'csv') return plan;
    const typed = typedColumns(src, resolved, mapping);
    const types = new Map([...typed.entries()].map(([col, from]) => [from, READER_TYPE[kindOf(src, col)]]));
    const columns = `{${src.header.map((n) => `${literal(n)}: ${literal(types.get(n) ?? 'VARCHAR')}`).join(', ')}}`;
    return { ...plan, typed: { from: csv(columns), columns: typed } };
  }
  const gz = src.readGzip ? ", compression='gzip'" : '';
  let from =
    src.format === 'parquet'
      ? `read_parquet(${path})`
      : `read_json(${path}, format='newline_delimited'${gz})`;
  const described = await reading(src, () =>
    w.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${from}`),
  );
  const names = described.map((d) => d.column_name);
  // JSON type detection would turn "…+08:00" into a TIMESTAMP and drop the offset: read every field as text.
  if (src.format === 'json')
    from = `read_json(${path}, format='newline_delimited', columns=${asText(names)}${gz})`;
  return { from, ...resolveColumns(src, names, mapping, delimiter), firstLine: 1 };
}

/**
 * How the reader types a column read typed: integers as DOUBLE too, since DuckDB's integer parse rounds 36.6 to 37
 * and reads 0x10 as 16, where the contract refuses both (typed.ts checks the double is a whole number).
 */
const READER_TYPE = { int: 'DOUBLE', number: 'DOUBLE', date: 'DATE' } as Record<string, string>;

const kindOf = (src: OpenedSource, col: string) =>
  (columnsOf(TABLES[src.table])[col]?.kind ?? 'text') as string;

/**
 * Contract columns the CSV reader may type itself (→ their file column): plain int, number and date columns read
 * from exactly one file column, with no default, no strptime format and no other use (an extra column or an
 * expression reads the same file column as text). Everything else is read as text and typed in SQL.
 */
function typedColumns(
  src: OpenedSource,
  r: { cols: ReaderColumn[]; extras: ReaderExtra[]; sources: string[] },
  mapping: Mapping,
): Map<string, string> {
  const uses = new Map<string, number>();
  const use = (f: string | undefined) => f !== undefined && uses.set(f, (uses.get(f) ?? 0) + 1);
  for (const c of r.cols) use(c.from);
  for (const x of r.extras) use(x.from);
  for (const s of r.sources) use(s);
  const out = new Map<string, string>();
  for (const { col, from, source } of r.cols) {
    if (from === undefined || source.kind !== 'column' || uses.get(from) !== 1) continue;
    if (source.format !== undefined || source.default !== undefined) continue;
    const kind = kindOf(src, col);
    if (!(kind in READER_TYPE)) continue;
    if (kind === 'date' && mapping[src.table]?.date_format) continue;
    out.set(col, from);
  }
  return out;
}

/**
 * Rows DuckDB refused (wrong field count, bad quoting, invalid UTF-8, a line over the size limit) → file_rejects,
 * one per line, and their positions → temp `line_gaps`, so the lines of the rows after them can be told (see
 * `lineOf`). A row refused as a whole (too many columns, too long a line) names the column `(row)`. Returns each refused row's record-based line → the byte offset where its record starts (lines.ts).
 */
export async function collectBrokenRows(w: Warehouse): Promise<Map<number, number>> {
  const exists = await w.one<{ n: bigint }>(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'stg_rej_errors'",
  );
  if (!exists || exists.n === 0n) return new Map();
  // A row refused as a whole (e.g. LINE SIZE OVER MAXIMUM) has no column_idx; arg_min skips NULL keys, so rank
  // those first instead of losing their message.
  await w.run(`INSERT INTO file_rejects
    SELECT NULL, line, coalesce(arg_min(column_name, coalesce(column_idx, -1)), '(row)'),
           arg_min(left(csv_line, 200), coalesce(column_idx, -1)), 'csv_structure',
           arg_min(lower(error_type) || ': ' || coalesce(error_message, error_type), coalesce(column_idx, -1))
    FROM stg_rej_errors GROUP BY line`);
  await w.run(`CREATE OR REPLACE TEMP TABLE line_gaps AS
    SELECT line - row_number() OVER (ORDER BY line) AS gap FROM file_rejects`);
  const at = await w.all<{ line: bigint; at: bigint }>(
    'SELECT line, min(line_byte_position) AS at FROM stg_rej_errors GROUP BY line',
  );
  return new Map(at.map((r) => [Number(r.line), Number(r.at)]));
}

/**
 * SQL for the file line of the parsed row `rowid`; `base` is the smallest rowid of the scan (temp rows written
 * inside a transaction are numbered from a large offset, in scan order). Without refused rows the line is
 * (rowid - base) + firstLine. Each refused line r_j (j-th, 1-based) before a row shifts it by one: r_j - 1 - j good
 * rows precede r_j, so row k (1-based) sits after it exactly when r_j - j < k + 1. Quoted fields spanning lines
 * count as one line, so lines are then approximate; row identities (rowid) stay exact.
 */
export function lineOf(reader: Reader, broken: number, rowid: string, base: bigint): string {
  const k0 = `(${rowid} - ${base})`;
  const line = `${k0} + ${reader.firstLine}`;
  return broken > 0 ? `${line} + (SELECT count(*) FROM line_gaps g WHERE g.gap < ${k0} + 2)` : line;
}
