/**
 * Stage "type": one scan of a file (the Reader of stage.ts) → a table of typed rows: each contract column typed
 * (codes mapped) and, where typing can refuse a value, its trimmed text too (`__raw_<i>`, to report the value as
 * delivered). Reads: the file. Writes: temp `typ`, or STAGE. Row identity: the table's rowid (scan order). The rules
 * run on it next (validate.ts), then merge.ts loads its accepted rows.
 *
 * Two ways to read, one result. A CSV file is first read with its plain number, integer and date columns typed by
 * DuckDB's reader: no text is materialized for them. When any of those casts fails (the reader refuses the row) or
 * gives a value the contract refuses (NaN, infinity, a fraction in an integer, a date outside DATE_RANGE), the
 * typed table is dropped and the file is read again as text into `typ`, every column typed in SQL with TRY_CAST:
 * the values those rows are reported with are then the text as delivered, exactly as before. Clean files pay for
 * one scan; a file with a bad value pays for two.
 *
 * Where the rows go. Writing a table costs most of a load, a temp table as much as one of the warehouse's. A CSV
 * whose mapping the scan alone applies (stageable) is therefore written to STAGE, a table of the warehouse inside
 * the batch's transaction: on a first load it becomes the contract table (merge.ts adopt), so the rows are written
 * once, as a bare `CREATE TABLE AS SELECT * FROM read_csv(…)` writes them; otherwise it is merged like `typ`, then
 * dropped. Every other file (Excel, JSON, Parquet, derived or extra columns, naive local times, status panels, a
 * failed typed read) goes to temp `typ`, as before. A killed or failed batch rolls back either.
 *
 * `type` is strict: a number must be finite (DuckDB reads NaN, Infinity and infinity as doubles), an integer must
 * have no fraction (DuckDB rounds 36.6 to 37), a date or timestamp must be finite and within DATE_RANGE (DuckDB
 * reads `infinity` and year 294276). A failed or refused typed value is NULL in `typ`, its text kept for the reject.
 *
 * Naive local timestamps (a mapping `time_zone`) that fall in a DST gap or overlap follow RFC 5545 §3.3.5 (as
 * Temporal's `compatible`): a time in a gap is read with the offset before the gap (02:30 on a spring-forward night
 * becomes 03:30 of the new offset), a time in an overlap is the earlier of its two instants. `typ.__dst_<i>` marks
 * them (`gap`, `overlap`) so the summary counts them.
 */
import { quotedIdentifier } from '@duckdb/node-api';
import { type ColumnSpec, columnsOf, DATE_RANGE, DUCKDB_TYPE } from '../contract/columns.ts';
import { exprSql, SOURCE_PREFIX } from '../contract/expr.ts';
import { type ColumnSource, columnSource, type Mapping } from '../contract/mapping.ts';
import { TABLES, type TableName } from '../contract/tables.ts';
import { BadInputError } from '../core/errors.ts';
import { ident, literal, type Warehouse } from '../warehouse/db.ts';
import type { OpenedSource } from './source.ts';
import { type Reader, reading } from './stage.ts';

/** Collects bound parameters while SQL text is assembled; user text only ever enters through here. */
class Params {
  readonly values: string[] = [];
  bind(v: string): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export const raw = (i: number) => ident(`__raw_${i}`);

/**
 * Which delivered text `typ` keeps beside a typed column: `full` (codes mapped: the value as delivered is needed
 * for any message), `failed` (casts: the text only where the cast failed, NULL elsewhere), `none` (text columns:
 * the typed value is the text).
 */
export function rawMode(
  c: ColumnSpec,
  col: string,
  table: TableName,
  m: Mapping,
  typed?: ReadonlySet<string>,
): 'full' | 'failed' | 'none' {
  // Typed by the reader, and kept only when every value was accepted: there is no failed text to keep.
  if (typed?.has(col)) return 'none';
  // A derived value has no delivered text: its typed value is all there is to report.
  if (c.kind === 'enum' && columnSource(m, table, col).kind === 'expr') return 'none';
  if (c.kind === 'enum') return Object.keys(m[table]?.codes[col] ?? {}).length > 0 ? 'full' : 'none';
  return c.kind === 'int' || c.kind === 'number' || c.kind === 'date' || c.kind === 'timestamptz'
    ? 'failed'
    : 'none';
}

/**
 * The typed expression of one column from its trimmed raw text `v`, as select-list items of the inner scan (later
 * items may use earlier aliases). The last item is the typed column `C`; `local` names a naive local timestamp.
 */
function typedItems(
  c: ColumnSpec,
  v: string,
  i: number,
  C: string,
  col: string,
  table: TableName,
  m: Mapping,
  p: Params,
  zoneList: string,
  format: string | undefined,
): string[] {
  const tm = m[table];
  const zone = tm?.time_zone ?? m.time_zone;
  const cast = ident(`__cast_${i}`);
  switch (c.kind) {
    case 'int':
      // DuckDB rounds '36.6' to 37: an integer must equal its own double reading.
      return [
        `TRY_CAST(${v} AS BIGINT) AS ${cast}`,
        `CASE WHEN TRY_CAST(${v} AS DOUBLE) = ${cast} THEN ${cast} END AS ${C}`,
      ];
    case 'number':
      return [`TRY_CAST(${v} AS DOUBLE) AS ${cast}`, `CASE WHEN isfinite(${cast}) THEN ${cast} END AS ${C}`];
    case 'date': {
      const df = format ?? tm?.date_format;
      const d = df ? `CAST(try_strptime(${v}, ${p.bind(df)}) AS DATE)` : `TRY_CAST(${v} AS DATE)`;
      return [
        `${d} AS ${cast}`,
        `CASE WHEN ${cast} BETWEEN DATE '${DATE_RANGE.min}' AND DATE '${DATE_RANGE.max}' THEN ${cast} END AS ${C}`,
      ];
    }
    case 'timestamptz': {
      const inRange = (x: string) =>
        `CASE WHEN ${x} >= TIMESTAMPTZ '${DATE_RANGE.min} 00:00:00+00' AND ${x} < TIMESTAMPTZ '${DATE_RANGE.max} 23:59:59.999999+00' THEN ${x} END`;
      const local = ident(`__local_${i}`);
      const z = zone ? p.bind(zone) : '';
      const tf = format ?? tm?.timestamp_format;
      if (tf) {
        const parsed = `try_strptime(${v}, ${p.bind(tf)})`;
        if (!zone) return [`CAST(${parsed} AS TIMESTAMPTZ) AS ${cast}`, `${inRange(cast)} AS ${C}`];
        return [
          `CAST(${parsed} AS TIMESTAMP) AS ${local}`,
          `${resolveLocal(z, local)} AS ${cast}`,
          `${inRange(cast)} AS ${C}`,
        ];
      }
      // A naive timestamp is ambiguous by hours; it is accepted only when the mapping names its zone.
      // Offsets beyond ±14:00 do not exist; DuckDB would accept them, so the pattern refuses them.
      // A zone name after the time must be one the contract accepts (no `CST`, no `US/Pacific`).
      const named = `regexp_extract(${v}, '\\s([A-Za-z_]+/[A-Za-z0-9_/+-]+|UTC)$', 1)`;
      // CASE, not OR: only the rare value without an offset pays for the zone-name lookup.
      const hasOffset = `(CASE WHEN regexp_matches(${v}, '([Zz]|[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?)$') THEN true ELSE list_contains(${zoneList}, ${named}) END)`;
      if (!zone)
        return [
          `CASE WHEN ${hasOffset} THEN TRY_CAST(${v} AS TIMESTAMPTZ) END AS ${cast}`,
          `${inRange(cast)} AS ${C}`,
        ];
      return [
        `CASE WHEN NOT ${hasOffset} THEN TRY_CAST(${v} AS TIMESTAMP) END AS ${local}`,
        `CASE WHEN ${hasOffset} THEN TRY_CAST(${v} AS TIMESTAMPTZ) ELSE ${resolveLocal(z, local)} END AS ${cast}`,
        `${inRange(cast)} AS ${C}`,
      ];
    }
    case 'enum': {
      const codes = Object.entries(tm?.codes[col] ?? {});
      if (!codes.length) return [`${v} AS ${C}`];
      return [
        `CASE ${v} ${codes.map(([from, to]) => `WHEN ${p.bind(from)} THEN ${p.bind(to)}`).join(' ')} ELSE ${v} END AS ${C}`,
      ];
    }
    default:
      return [`${v} AS ${C}`];
  }
}

/**
 * A naive local time in zone `z` → its instant, by RFC 5545's rule (module comment). ICU reads a time in an
 * overlap as the later instant and one in a gap with the offset before the gap; only the overlap needs moving:
 * when an hour (or half an hour, Lord Howe) earlier reads back as the same local time, that is the first instant.
 */
function resolveLocal(z: string, local: string): string {
  const at = `timezone(${z}, ${local})`;
  const back = (d: string) => `timezone(${z}, ${at} - INTERVAL ${d}) = ${local}`;
  return `CASE WHEN ${back('1 HOUR')} THEN ${at} - INTERVAL 1 HOUR WHEN ${back('30 MINUTE')} THEN ${at} - INTERVAL 30 MINUTE ELSE ${at} END`;
}

/** `gap` / `overlap` / NULL for a naive local time (see resolveLocal), for the summary's counts. */
function dstKind(z: string, local: string): string {
  const at = `timezone(${z}, ${local})`;
  return `CASE WHEN ${local} IS NULL THEN NULL
    WHEN timezone(${z}, ${at}) <> ${local} THEN 'gap'
    WHEN timezone(${z}, ${at} - INTERVAL 1 HOUR) = ${local} OR timezone(${z}, ${at} - INTERVAL 30 MINUTE) = ${local} THEN 'overlap' END`;
}

/** Where the typed rows of one file are, and what their scan found. */
export interface TypedScan {
  rows: number;
  /** Identity of the first row (rows are numbered from it, in file order). */
  base: bigint;
  consecutive: boolean;
  /** `__dst_<i>` columns marking naive local times in a DST gap or overlap. */
  dstColumns: string[];
  /** Contract columns the CSV reader typed (no `__raw_<i>`: every value of theirs was accepted). */
  typed: ReadonlySet<string>;
  /** The typed read refused or doubted a value, so the file was read again as text. */
  reread: boolean;
  /**
   * Table holding the rows: temp `typ`, or STAGE, a table of the warehouse itself (module comment), which a first
   * load makes the contract table instead of copying it (merge.ts).
   */
  table: string;
  /** The rows with their identity `__row` (the table's rowid: base … base + rows − 1, in file order). */
  relation: string;
  /** The same rows without an identity. */
  plain: string;
  /**
   * A boolean column of the rows marking those that break a rule of their own, when the scan computed it (given
   * `marks`, for STAGE): the rules then read that column instead of the rows.
   */
  breaks?: string;
}

/** The warehouse table a clean CSV's typed rows are written to (typed.ts module comment). */
export const STAGE = 'ingest_stage';

/** A table of typed rows as a TypedScan's relations. */
export const rowsOf = (table: string) => ({
  table,
  relation: `(SELECT rowid AS __row, * FROM ${table})`,
  plain: table,
});

/**
 * Reads one file's typed rows (module comment): a CSV whose mapping the scan alone applies is written typed by the
 * reader into STAGE, every other file into temp `typ`, typed by the reader where it can; a typed read that meets a
 * value it cannot take as is gives way to a read as text into `typ`.
 */
export async function buildTyped(
  w: Warehouse,
  src: OpenedSource,
  reader: Reader,
  mapping: Mapping,
  opts: { marks?: (typed: ReadonlySet<string>) => string } = {},
): Promise<TypedScan> {
  const typed = reader.typed;
  const staged = typed !== undefined && stageable(src, reader, mapping);
  if (typed && (staged || typed.columns.size > 0)) {
    const table = staged ? STAGE : 'typ';
    const keys = new Set(typed.columns.keys());
    const marks = staged ? opts.marks?.(keys) : undefined;
    await scan(w, src, reader, mapping, typed.columns, typed.from, table, marks);
    if ((await typedReadHeld(w, table)) && (await noCastRefused(w)))
      return {
        ...(await finish(w, src, reader, mapping, keys, false, table)),
        ...(marks ? { breaks: BREAKS } : {}),
      };
    // The reader refused a row over a cast (its text is gone) or took a value the contract refuses: read as text.
    await w.run(
      `DROP TABLE ${table}; DROP TABLE IF EXISTS stg_rej_errors; DROP TABLE IF EXISTS stg_rej_scans`,
    );
  }
  await scan(w, src, reader, mapping, new Map(), reader.from, 'typ');
  return finish(w, src, reader, mapping, new Set(), (typed?.columns.size ?? 0) > 0, 'typ');
}

/** Column of STAGE marking the rows that break a rule of their own, computed while the file is read (opts.marks). */
const BREAKS = '__breaks';

/**
 * Whether the scan alone applies the file's mapping, so its rows can be staged in the warehouse: a CSV (a sheet's
 * CSV is small, and its places are told from typ), no derived column (those are computed on typed rows, in place),
 * no extra column (kept beside the table, from typ), no naive local times (their DST counts read typ), no status
 * panel (its installments are derived from typ).
 */
function stageable(src: OpenedSource, reader: Reader, mapping: Mapping): boolean {
  const zone = mapping[src.table]?.time_zone ?? mapping.time_zone;
  return (
    src.format === 'csv' &&
    src.table !== 'status_panel' &&
    reader.extras.length === 0 &&
    reader.sources.length === 0 &&
    reader.cols.every((c) => c.source.kind !== 'expr') &&
    !(zone && reader.cols.some((c) => columnsOf(TABLES[src.table])[c.col]?.kind === 'timestamptz'))
  );
}

/** True when no value of a typed column was refused by the contract (NaN, a fraction in an integer, …). */
async function typedReadHeld(w: Warehouse, table: string): Promise<boolean> {
  const bad = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${table} WHERE __typed_bad`);
  return (bad?.n ?? 0n) === 0n;
}

/** True when the reader refused no row over a cast (a typed column's text it could not parse). */
export async function noCastRefused(w: Warehouse): Promise<boolean> {
  const errors = await w.one<{ n: bigint }>(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'stg_rej_errors'",
  );
  if (!errors || errors.n === 0n) return true;
  const casts = await w.one<{ n: bigint }>(
    "SELECT count(*) AS n FROM stg_rej_errors WHERE error_type = 'CAST'",
  );
  return (casts?.n ?? 0n) === 0n;
}

/** Derived columns, then the row count and numbering of the scan. */
async function finish(
  w: Warehouse,
  src: OpenedSource,
  reader: Reader,
  mapping: Mapping,
  typed: ReadonlySet<string>,
  reread: boolean,
  table: string,
): Promise<TypedScan> {
  await deriveColumns(w, src, reader, mapping);
  const n = await w.one<{ n: bigint; base: bigint | null; hi: bigint | null }>(
    `SELECT count(*) AS n, min(rowid) AS base, max(rowid) AS hi FROM ${table}`,
  );
  const rows = Number(n?.n ?? 0);
  const base = n?.base ?? 0n;
  // Rows of one scan are numbered consecutively; if that ever changed, only reported lines would suffer.
  const consecutive = rows === 0 || (n?.hi ?? 0n) - base + 1n === BigInt(rows);
  const dstColumns = dstNames(reader, src, mapping);
  return { rows, base, consecutive, dstColumns, typed, reread, ...rowsOf(table) };
}

function dstNames(reader: Reader, src: OpenedSource, mapping: Mapping): string[] {
  if (!(mapping[src.table]?.time_zone ?? mapping.time_zone)) return [];
  const spec = columnsOf(TABLES[src.table]);
  return reader.cols.flatMap(({ col }, i) => (spec[col]?.kind === 'timestamptz' ? [`__dst_${i}`] : []));
}

/** Largest integer a double holds exactly: beyond it the text, not the double, is the value delivered. */
const EXACT_INT = 9007199254740992;

/**
 * A column the reader typed (file column `f`): the value as the contract takes it, and the condition under which
 * the contract refuses it (then the file is read again as text).
 */
function typedByReader(c: ColumnSpec, f: string): { value: string; refused: string } {
  switch (c.kind) {
    case 'int': {
      const whole = `${f} = trunc(${f}) AND abs(${f}) < ${EXACT_INT}`;
      return { value: `CASE WHEN ${whole} THEN CAST(${f} AS BIGINT) END`, refused: `NOT (${whole})` };
    }
    case 'number':
      return { value: `CASE WHEN isfinite(${f}) THEN ${f} END`, refused: `NOT isfinite(${f})` };
    case 'date': {
      const within = `${f} BETWEEN DATE '${DATE_RANGE.min}' AND DATE '${DATE_RANGE.max}'`;
      return { value: `CASE WHEN ${within} THEN ${f} END`, refused: `NOT (${within})` };
    }
    default:
      throw new Error(`internal: the reader does not type ${c.kind} columns`);
  }
}

/**
 * One scan of the file into `table` (temp `typ`, or STAGE in the warehouse); `typed` holds the contract columns
 * read typed (→ their file column).
 */
async function scan(
  w: Warehouse,
  src: OpenedSource,
  reader: Reader,
  mapping: Mapping,
  typed: ReadonlyMap<string, string>,
  from: string,
  table: string,
  marks?: string,
): Promise<void> {
  const p = new Params();
  const zones = await zoneList(w, src);
  const select = selectSql(src, reader, mapping, typed, from, p, zones);
  // The marks are computed on the rows as they are read, in parallel, instead of by another pass over the table.
  // A row's rowid is its line (lineOf), so this statement must keep the file's order: DuckDB keeps it through
  // projections and filters, not through a join or an aggregate (test/ingest/stage.test.ts loads a large file).
  const rows = marks ? `SELECT v.*, (${marks}) AS ${BREAKS} FROM (${select}) v` : select;
  await reading(src, () =>
    w.run(`CREATE OR REPLACE ${table === 'typ' ? 'TEMP ' : ''}TABLE ${table} AS ${rows}`, p.values),
  );
}

/** ICU's zone names the contract accepts, as a constant list (a subquery cannot sit beside select-list aliases). */
async function zoneList(w: Warehouse, src: OpenedSource): Promise<string> {
  const zones = Object.values(columnsOf(TABLES[src.table])).some((c) => c.kind === 'timestamptz')
    ? await w.all<{ name: string }>('SELECT name FROM accepted_zones ORDER BY name')
    : [];
  return `[${zones.map((z) => literal(z.name)).join(', ')}]::VARCHAR[]`;
}

/**
 * The SELECT of one scan of `from`: every contract column typed, the text kept where typing can refuse it, the
 * extras, the file columns expressions read, and `__typed_bad` (a value a typed column's reader took that the
 * contract refuses).
 */
function selectSql(
  src: OpenedSource,
  reader: Reader,
  mapping: Mapping,
  typed: ReadonlyMap<string, string>,
  from: string,
  p: Params,
  zoneList = '[]::VARCHAR[]',
): string {
  const spec = TABLES[src.table];
  const inner: string[] = [];
  const outer: string[] = [];
  const refused: string[] = [];
  reader.cols.forEach(({ col, from: file, source }, i) => {
    const c = columnsOf(spec)[col] as ColumnSpec;
    const C = ident(col);
    const byReader = typed.get(col);
    if (byReader !== undefined) {
      const t = typedByReader(c, ident(byReader));
      inner.push(`${t.value} AS ${C}`);
      refused.push(t.refused);
      outer.push(C);
      return;
    }
    const text = sourceText(source, file, p);
    const txt = ident(`__txt_${i}`);
    const mode = rawMode(c, col, src.table, mapping);
    if (mode === 'none') {
      inner.push(`${text} AS ${C}`);
      outer.push(C);
      return;
    }
    const format = source.kind === 'column' ? source.format : undefined;
    inner.push(
      `${text} AS ${txt}`,
      ...typedItems(c, txt, i, C, col, src.table, mapping, p, zoneList, format),
    );
    // Materializing strings is the dearest part of the scan: keep the text only where the typed value failed.
    outer.push(
      mode === 'full' ? `${txt} AS ${raw(i)}` : `CASE WHEN ${C} IS NULL THEN ${txt} END AS ${raw(i)}`,
      C,
    );
    const zone = mapping[src.table]?.time_zone ?? mapping.time_zone;
    if (c.kind === 'timestamptz' && zone)
      outer.push(`${dstKind(p.bind(zone), ident(`__local_${i}`))} AS ${ident(`__dst_${i}`)}`);
  });
  reader.extras.forEach((x, j) => {
    const X = quotedIdentifier(extraColumnName(x.name));
    const codes = Object.entries(mapping[src.table]?.codes[x.name] ?? {});
    if (x.source.kind === 'expr') {
      inner.push(`CAST(NULL AS ${x.type === 'numeric' ? 'DOUBLE' : 'VARCHAR'}) AS ${X}`);
      outer.push(X);
      return;
    }
    const txt = ident(`__xtxt_${j}`);
    inner.push(`${sourceText(x.source, x.from, p)} AS ${txt}`);
    if (x.type === 'numeric') {
      const cast = ident(`__xcast_${j}`);
      inner.push(
        `TRY_CAST(${txt} AS DOUBLE) AS ${cast}`,
        `CASE WHEN isfinite(${cast}) THEN ${cast} END AS ${X}`,
      );
      outer.push(`CASE WHEN ${X} IS NULL THEN ${txt} END AS ${ident(`__xraw_${j}`)}`, X);
    } else {
      inner.push(
        codes.length
          ? `CASE ${txt} ${codes.map(([f, t]) => `WHEN ${p.bind(f)} THEN ${p.bind(t)}`).join(' ')} ELSE ${txt} END AS ${X}`
          : `${txt} AS ${X}`,
      );
      outer.push(X);
    }
  });
  for (const s of reader.sources) {
    const S = quotedIdentifier(`${SOURCE_PREFIX}${s}`);
    inner.push(`${sourceText({ kind: 'column', column: s }, s, p)} AS ${S}`);
    outer.push(S);
  }
  inner.push(`${refused.length ? `(${refused.join(' OR ')})` : 'false'} AS __typed_bad`);
  outer.push('__typed_bad');
  // DuckDB resolves a column alias used later in the same SELECT list, so each text is computed once.
  return `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${from})`;
}

/** Name of an extra column in the typed temp table (kept apart from contract names). */
export function extraColumnName(name: string): string {
  return `x__${name}`;
}

/**
 * The trimmed text of one source, NULL when empty: a file column (or NULL when absent), its default where empty,
 * or a constant. Derived columns read nothing here (NULL); deriveColumns fills them once the row is typed.
 */
function sourceText(source: ColumnSource, from: string | undefined, p: Params): string {
  if (source.kind === 'const') return `CAST(${p.bind(source.value)} AS VARCHAR)`;
  if (source.kind === 'expr') return 'CAST(NULL AS VARCHAR)';
  const x = from === undefined ? 'CAST(NULL AS VARCHAR)' : `CAST(${ident(from)} AS VARCHAR)`;
  // Trimming allocates a new string per value; most values have nothing to trim, so test first.
  const text = `CASE WHEN starts_with(${x}, ' ') OR ends_with(${x}, ' ') THEN NULLIF(trim(${x}), '') WHEN ${x} = '' THEN NULL ELSE ${x} END`;
  return source.default === undefined
    ? text
    : `coalesce(${text}, CAST(${p.bind(source.default)} AS VARCHAR))`;
}

/**
 * Fills derived contract and extra columns of `typ` from their expressions, in declaration order, on typed values.
 * The expression was parsed and checked when the mapping was loaded (src/contract/expr.ts); its SQL quotes every
 * identifier and string, so mapping text never reaches DuckDB as SQL.
 */
async function deriveColumns(
  w: Warehouse,
  src: OpenedSource,
  reader: Reader,
  mapping: Mapping,
): Promise<void> {
  const contract = columnsOf(TABLES[src.table]);
  const column = (name: string) =>
    quotedIdentifier(name in contract || name.startsWith(SOURCE_PREFIX) ? name : extraColumnName(name));
  const codes = (name: string, sql: string): string => {
    const entries = Object.entries(mapping[src.table]?.codes[name] ?? {});
    if (!entries.length) return sql;
    return `CASE CAST(${sql} AS VARCHAR) ${entries.map(([f, t]) => `WHEN ${literal(f)} THEN ${literal(t)}`).join(' ')} ELSE CAST(${sql} AS VARCHAR) END`;
  };
  const jobs: { target: string; value: string; text: string; what: string }[] = [];
  for (const { col, source } of reader.cols) {
    if (source.kind !== 'expr') continue;
    const c = contract[col] as ColumnSpec;
    const e = exprSql(source.expr, column);
    const value =
      c.kind === 'enum'
        ? codes(col, e)
        : c.kind === 'number'
          ? finite(e)
          : `TRY_CAST(${e} AS ${DUCKDB_TYPE[c.kind]})`;
    jobs.push({ target: quotedIdentifier(col), value, text: source.text, what: `${src.table}.${col}` });
  }
  for (const x of reader.extras) {
    if (x.source.kind !== 'expr') continue;
    const e = exprSql(x.source.expr, column);
    const value = x.type === 'numeric' ? finite(e) : codes(x.name, `CAST(${e} AS VARCHAR)`);
    jobs.push({
      target: quotedIdentifier(extraColumnName(x.name)),
      value,
      text: x.source.text,
      what: `extra ${x.name}`,
    });
  }
  for (const j of jobs) {
    try {
      await w.run(`UPDATE typ SET ${j.target} = ${j.value}`);
    } catch (e) {
      // Types the parser cannot know (a date times a number, text plus a date) surface here, from DuckDB's binder.
      throw new BadInputError(
        `mapping: ${j.what} = "${j.text}" does not compute on ${src.path}: ${(e as Error).message.split('\n')[0]}`,
        {
          place: { file: src.path, column: j.what },
          hint: 'dates take + N days|months|years; numbers take + - * /',
        },
      );
    }
  }
}

const finite = (e: string) =>
  `CASE WHEN isfinite(TRY_CAST(${e} AS DOUBLE)) THEN TRY_CAST(${e} AS DOUBLE) END`;
