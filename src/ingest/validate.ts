/**
 * Stage "validate", set-based in SQL, in two statements per file:
 *   1. `buildTyped`: one scan of the file (the Reader of stage.ts) → temp `typ`: each contract column typed
 *      (TRY_CAST, codes mapped) and, where typing can change it, its trimmed text too (`__raw_<i>`, to report the
 *      value as delivered).
 *   2. `checkRowRules`: rows breaking at least one rule → one `file_rejects` row per broken rule. Verdicts are built
 *      only for rows that break something, so clean data pays for one filter pass.
 * Reads: the file, loans (references), pg_timezone_names(). Writes: typ, file_rejects. Row identity: typ.rowid.
 *
 * Rules: required, type, enum, range, phone (E.164), zone (canonical IANA, src/contract/zones.ts), characters
 * (no control or invisible characters in ids and codes), length, date_order, duplicate_key, unknown_loan,
 * paid_before_disbursement. Derived values (days past due) are not columns of the contract, so never read.
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
import { isAcceptedZone, ZONE_RULE } from '../contract/zones.ts';
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

const raw = (i: number) => ident(`__raw_${i}`);

/**
 * Which delivered text `typ` keeps beside a typed column: `full` (codes mapped: the value as delivered is needed
 * for any message), `failed` (casts: the text only where the cast failed, NULL elsewhere), `none` (text columns:
 * the typed value is the text).
 */
function rawMode(c: ColumnSpec, col: string, table: TableName, m: Mapping): 'full' | 'failed' | 'none' {
  // A derived value has no delivered text: its typed value is all there is to report.
  if (c.kind === 'enum' && columnSource(m, table, col).kind === 'expr') return 'none';
  if (c.kind === 'enum') return Object.keys(m[table]?.codes[col] ?? {}).length > 0 ? 'full' : 'none';
  return c.kind === 'int' || c.kind === 'number' || c.kind === 'date' || c.kind === 'timestamptz'
    ? 'failed'
    : 'none';
}

/** Invisible or control characters: C0/C1 controls, zero-width and direction marks, BOM, soft hyphen. */
const INVISIBLE =
  '[\\x00-\\x1F\\x7F-\\x9F\\x{00AD}\\x{200B}-\\x{200F}\\x{2028}-\\x{202E}\\x{2060}-\\x{2064}\\x{FEFF}]';

/** Longest id or text value accepted; longer is a broken export (or an attack), not an identifier. */
export const MAX_TEXT_LENGTH = 256;

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

const EXPECT: Record<string, string> = {
  int: 'an integer (no fraction; not NaN or Infinity)',
  number: 'a number (finite: not NaN, Infinity or infinity)',
  date: `a date (YYYY-MM-DD or the mapping date_format), finite and between ${DATE_RANGE.min} and ${DATE_RANGE.max}`,
  timestamptz: `a timestamp with a UTC offset (e.g. 2024-03-01T09:30:00+08:00) or a mapping time_zone, finite and between ${DATE_RANGE.min} and ${DATE_RANGE.max}`,
};

/** Collects rule verdicts: a struct per broken rule, and the condition that selects rows breaking any. */
class Rules {
  readonly verdicts: string[] = [];
  readonly conditions: string[] = [];
  /** `message` is text; `messageSql`, when given, an SQL expression for it (a message that names what it found). */
  add(when: string, col: string, value: string, rule: string, message: string, messageSql?: string): void {
    this.conditions.push(`coalesce(${when}, false)`);
    this.verdicts.push(
      `CASE WHEN ${when} THEN {'column': ${literal(col)}, 'value': CAST(${value} AS VARCHAR), 'rule': ${literal(rule)}, 'message': ${messageSql ?? literal(message)}} END`,
    );
  }
}

/** Scans the file once into temp `typ` (raw text and typed value of every contract column). */
export async function buildTyped(
  w: Warehouse,
  src: OpenedSource,
  reader: Reader,
  mapping: Mapping,
): Promise<{ rows: number; base: bigint; consecutive: boolean; dstColumns: string[] }> {
  const spec = TABLES[src.table];
  const p = new Params();
  const dstColumns: string[] = [];
  // A subquery cannot sit beside select-list aliases, so the zone list is a constant (ICU's names, quoted).
  const zones = Object.values(columnsOf(spec)).some((c) => c.kind === 'timestamptz')
    ? await w.all<{ name: string }>('SELECT name FROM accepted_zones ORDER BY name')
    : [];
  const zoneList = `[${zones.map((z) => literal(z.name)).join(', ')}]::VARCHAR[]`;
  const inner: string[] = [];
  const outer: string[] = [];
  reader.cols.forEach(({ col, from, source }, i) => {
    const c = columnsOf(spec)[col] as ColumnSpec;
    const text = sourceText(source, from, p);
    const txt = ident(`__txt_${i}`);
    const C = ident(col);
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
    if (c.kind === 'timestamptz' && zone) {
      dstColumns.push(`__dst_${i}`);
      outer.push(`${dstKind(p.bind(zone), ident(`__local_${i}`))} AS ${ident(`__dst_${i}`)}`);
    }
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
  // DuckDB resolves a column alias used later in the same SELECT list, so each text is computed once.
  await reading(src, () =>
    w.run(
      `CREATE OR REPLACE TEMP TABLE typ AS SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${reader.from})`,
      p.values,
    ),
  );
  await deriveColumns(w, src, reader, mapping);
  const n = await w.one<{ n: bigint; base: bigint | null; hi: bigint | null }>(
    'SELECT count(*) AS n, min(rowid) AS base, max(rowid) AS hi FROM typ',
  );
  const rows = Number(n?.n ?? 0);
  const base = n?.base ?? 0n;
  // Rows of one scan are numbered consecutively; if that ever changed, only reported lines would suffer.
  const consecutive = rows === 0 || (n?.hi ?? 0n) - base + 1n === BigInt(rows);
  return { rows, base, consecutive, dstColumns };
}

/** Applies every rule of the table to `typ` (alias t); `line` is the SQL of a row's file line (see lineOf). */
export async function checkRowRules(
  w: Warehouse,
  table: TableName,
  mapping: Mapping,
  line: string,
): Promise<void> {
  const spec = TABLES[table];
  const cols = Object.entries(columnsOf(spec)) as [string, ColumnSpec][];
  const rules = new Rules();
  cols.forEach(([col, c], i) => {
    const t = `v.${ident(col)}`;
    const mode = rawMode(c, col, table, mapping);
    // The value to report: as delivered where kept, else the typed value as text.
    const r = mode === 'full' ? raw(i) : mode === 'failed' ? `coalesce(${raw(i)}, CAST(${t} AS VARCHAR))` : t;
    const missing =
      mode === 'full'
        ? `${raw(i)} IS NULL`
        : mode === 'failed'
          ? `${raw(i)} IS NULL AND ${t} IS NULL`
          : `${t} IS NULL`;
    const source = columnSource(mapping, table, col);
    if (c.required !== false)
      rules.add(
        missing,
        col,
        r,
        'required',
        source.kind === 'expr'
          ? `${col} is required; its expression "${source.text}" gave nothing for this row (an input is empty or does not compute)`
          : `${col} is required; found nothing`,
      );
    if (EXPECT[c.kind])
      rules.add(`${raw(i)} IS NOT NULL`, col, r, 'type', `${col}: expected ${EXPECT[c.kind]}`);
    if (c.kind === 'enum' && c.values)
      rules.add(
        `${t} NOT IN (${c.values.map(literal).join(', ')})`,
        col,
        r,
        'enum',
        `${col}: expected one of ${c.values.join(', ')}`,
      );
    if (c.min !== undefined)
      rules.add(`${t} < ${c.min}`, col, r, 'range', `${col}: expected at least ${c.min}`);
    if (c.max !== undefined)
      rules.add(`${t} > ${c.max}`, col, r, 'range', `${col}: expected at most ${c.max}`);
    if (c.kind === 'phone')
      rules.add(
        `NOT regexp_full_match(${t}, '\\+[1-9][0-9]{6,14}')`,
        col,
        r,
        'phone',
        `${col}: expected E.164 (+ then 7-15 digits, e.g. +8613800138000)`,
      );
    if (c.kind === 'zone')
      rules.add(
        `${t} IS NOT NULL AND NOT ${ident(`__zone_ok_${col}`)}`,
        col,
        r,
        'zone',
        `${col}: expected ${ZONE_RULE}`,
      );
    // Ids and codes are compared byte for byte: an invisible character makes a look-alike key, a second loan.
    if (c.kind === 'id' || c.kind === 'text' || c.kind === 'enum' || c.kind === 'zone') {
      const bad = `regexp_extract(${t}, '${INVISIBLE}')`;
      rules.add(
        `regexp_matches(${t}, '${INVISIBLE}')`,
        col,
        `regexp_replace(${t}, '${INVISIBLE}', '\uFFFD', 'g')`,
        'characters',
        `${col}: expected no control or invisible characters`,
        `${literal(`${col}: expected no control or invisible characters; found `)} || printf('U+%04X', unicode(${bad})) || ' (shown as U+FFFD in value)'`,
      );
    }
    if (c.kind === 'id' || c.kind === 'text')
      rules.add(
        `length(${t}) > ${MAX_TEXT_LENGTH}`,
        col,
        `left(${t}, 64) || '… (' || length(${t}) || ' characters)'`,
        'length',
        `${col}: expected at most ${MAX_TEXT_LENGTH} characters`,
      );
  });
  (mapping[table]?.extra ?? []).forEach((x, j) => {
    if (x.type !== 'numeric' || x.source.kind !== 'column') return;
    const xr = ident(`__xraw_${j}`);
    rules.add(
      `${xr} IS NOT NULL`,
      x.source.column,
      xr,
      'type',
      `${x.source.column} (extra ${x.name}): expected a number (finite: not NaN or Infinity)`,
    );
  });
  const keyText = spec.key.map((k) => `CAST(v.${ident(k)} AS VARCHAR)`).join(` || '/' || `);
  rules.add(
    '__dup',
    spec.key.join('+'),
    keyText,
    'duplicate_key',
    `key ${spec.key.join('+')} appears more than once in this file; every occurrence is refused`,
  );
  const refs = table === 'repayments' || table === 'contacts' || table === 'status_panel';
  if (table === 'loans')
    rules.add(
      'v.maturity_on <= v.disbursed_on',
      'maturity_on',
      'v.maturity_on',
      'date_order',
      'maturity_on: expected after disbursed_on',
    );
  if (refs)
    rules.add(
      'v.loan_id IS NOT NULL AND NOT __ref',
      'loan_id',
      'v.loan_id',
      'unknown_loan',
      'loan_id: expected a loan in the warehouse or in this batch',
    );
  if (table === 'status_panel')
    rules.add(
      "v.month <> date_trunc('month', v.month)",
      'month',
      'v.month',
      'month_start',
      'month: expected the first day of a month (map it with format: "%Y-%m" or expr: month_start(…))',
    );
  if (table === 'repayments')
    rules.add(
      'v.paid_on < __ref_disbursed',
      'paid_on',
      'v.paid_on',
      'paid_before_disbursement',
      "paid_on: expected on or after the loan's disbursed_on",
    );

  // Context the rules need beyond the row: key duplicates, the referenced loan, the zone list.
  const keyCols = spec.key.map(ident).join(', ');
  const keyNotNull = spec.key.map((k) => `${ident(k)} IS NOT NULL`).join(' AND ');
  const context = [
    't.*',
    't.rowid AS __row',
    `${line} AS __line`,
    'd.__dup IS NOT NULL AS __dup',
    refs ? 'l.loan_id IS NOT NULL AS __ref, l.disbursed_on AS __ref_disbursed' : 'NULL AS __ref',
    ...cols
      .filter(([, c]) => c.kind === 'zone')
      .map(([col]) => `t.${ident(col)} IN (SELECT name FROM accepted_zones) AS ${ident(`__zone_ok_${col}`)}`),
  ];
  const dupOn = spec.key.map((k) => `d.${ident(k)} = t.${ident(k)}`).join(' AND ');
  await w.run(`INSERT INTO file_rejects SELECT __row, __line, e.column, e.value, e.rule, e.message FROM (
    SELECT __row, __line, unnest(list_filter([${rules.verdicts.join(',\n')}], x -> x IS NOT NULL)) AS e
    FROM (SELECT ${context.join(', ')} FROM typ t
      LEFT JOIN (SELECT ${keyCols}, true AS __dup FROM typ WHERE ${keyNotNull} GROUP BY ALL HAVING count(*) > 1) d
        ON ${dupOn}
      ${refs ? 'LEFT JOIN loans l ON l.loan_id = t.loan_id' : ''}) v
    WHERE ${rules.conditions.join(' OR ')}) x`);
}

/**
 * Temp `accepted_zones`: the zones DuckDB's ICU knows (features convert local hours in SQL) that the contract
 * accepts (src/contract/zones.ts). Built once per batch, before any file is typed: zone columns and zone names at
 * the end of timestamps are checked against it.
 */
export async function ensureAcceptedZones(w: Warehouse): Promise<void> {
  const names = await w.all<{ name: string }>('SELECT DISTINCT name FROM pg_timezone_names()');
  const ok = names.map((n) => n.name).filter(isAcceptedZone);
  await w.run('CREATE OR REPLACE TEMP TABLE accepted_zones (name VARCHAR PRIMARY KEY)');
  // Names from ICU itself, quoted: no user text in this statement.
  if (ok.length)
    await w.run(`INSERT INTO accepted_zones VALUES ${ok.map((z) => `(${literal(z)})`).join(', ')}`);
}

/**
 * How many accepted rows of `typ` had a naive local time in a DST gap or overlap (resolved by RFC 5545's rule);
 * undefined when none (or the table has no such column).
 */
export async function dstCounts(
  w: Warehouse,
  dstColumns: string[],
): Promise<{ gap: number; overlap: number } | undefined> {
  if (dstColumns.length === 0) return undefined;
  const kinds = dstColumns.map(ident);
  const any = (k: string) => kinds.map((c) => `${c} = '${k}'`).join(' OR ');
  const r = await w.one<{ gap: bigint; overlap: bigint }>(
    `SELECT count(*) FILTER (WHERE ${any('gap')}) AS gap, count(*) FILTER (WHERE ${any('overlap')}) AS overlap
     FROM typ ANTI JOIN (SELECT row_id FROM file_rejects WHERE row_id IS NOT NULL) r ON r.row_id = typ.rowid`,
  );
  const gap = Number(r?.gap ?? 0);
  const overlap = Number(r?.overlap ?? 0);
  return gap + overlap > 0 ? { gap, overlap } : undefined;
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
