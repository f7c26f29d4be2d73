/**
 * Stage "validate", set-based in SQL, in two statements per file:
 *   1. `buildTyped`: one scan of the file (the Reader of stage.ts) → temp `typ`: each contract column typed
 *      (TRY_CAST, codes mapped) and, where typing can change it, its trimmed text too (`__raw_<i>`, to report the
 *      value as delivered).
 *   2. `checkRules`: rows breaking at least one rule → one `file_rejects` row per broken rule. Verdicts are built
 *      only for rows that break something, so clean data pays for one filter pass.
 * Reads: the file, loans (references), pg_timezone_names(). Writes: typ, file_rejects. Row identity: typ.rowid.
 *
 * Rules: required, type, enum, range, phone (E.164), zone (IANA), date_order, duplicate_key, unknown_loan,
 * paid_before_disbursement. Derived values (days past due) are not columns of the contract, so never read.
 */
import { type ColumnSpec, columnsOf } from '../contract/columns.ts';
import type { Mapping } from '../contract/mapping.ts';
import { TABLES, type TableName } from '../contract/tables.ts';
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
  if (c.kind === 'enum') return Object.keys(m[table]?.codes[col] ?? {}).length > 0 ? 'full' : 'none';
  return c.kind === 'int' || c.kind === 'number' || c.kind === 'date' || c.kind === 'timestamptz'
    ? 'failed'
    : 'none';
}

/** The typed expression of one column from its trimmed raw text `v`. */
function typedExpr(c: ColumnSpec, v: string, col: string, table: TableName, m: Mapping, p: Params): string {
  const tm = m[table];
  const zone = tm?.time_zone ?? m.time_zone;
  switch (c.kind) {
    case 'int':
      return `TRY_CAST(${v} AS BIGINT)`;
    case 'number':
      return `TRY_CAST(${v} AS DOUBLE)`;
    case 'date':
      return tm?.date_format
        ? `CAST(try_strptime(${v}, ${p.bind(tm.date_format)}) AS DATE)`
        : `TRY_CAST(${v} AS DATE)`;
    case 'timestamptz': {
      if (tm?.timestamp_format) {
        const parsed = `try_strptime(${v}, ${p.bind(tm.timestamp_format)})`;
        return zone
          ? `timezone(${p.bind(zone)}, CAST(${parsed} AS TIMESTAMP))`
          : `CAST(${parsed} AS TIMESTAMPTZ)`;
      }
      // A naive timestamp is ambiguous by hours; it is accepted only when the mapping names its zone.
      // Offsets beyond ±14:00 do not exist; DuckDB would accept them, so the pattern refuses them.
      const hasOffset = `regexp_matches(${v}, '([Zz]|[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?|\\s[A-Za-z_]+/[A-Za-z_/+-]+|\\sUTC)$')`;
      const naive = zone ? `timezone(${p.bind(zone)}, TRY_CAST(${v} AS TIMESTAMP))` : 'NULL';
      return `CASE WHEN ${hasOffset} THEN TRY_CAST(${v} AS TIMESTAMPTZ) ELSE ${naive} END`;
    }
    case 'enum': {
      const codes = Object.entries(tm?.codes[col] ?? {});
      if (!codes.length) return v;
      return `CASE ${v} ${codes.map(([from, to]) => `WHEN ${p.bind(from)} THEN ${p.bind(to)}`).join(' ')} ELSE ${v} END`;
    }
    default:
      return v;
  }
}

const EXPECT: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  date: 'a date (YYYY-MM-DD or the mapping date_format)',
  timestamptz: 'a timestamp with a UTC offset (e.g. 2024-03-01T09:30:00+08:00) or a mapping time_zone',
};

/** Collects rule verdicts: a struct per broken rule, and the condition that selects rows breaking any. */
class Rules {
  readonly verdicts: string[] = [];
  readonly conditions: string[] = [];
  add(when: string, col: string, value: string, rule: string, message: string): void {
    this.conditions.push(`coalesce(${when}, false)`);
    this.verdicts.push(
      `CASE WHEN ${when} THEN {'column': ${literal(col)}, 'value': CAST(${value} AS VARCHAR), 'rule': ${literal(rule)}, 'message': ${literal(message)}} END`,
    );
  }
}

/** Scans the file once into temp `typ` (raw text and typed value of every contract column). */
export async function buildTyped(
  w: Warehouse,
  src: OpenedSource,
  reader: Reader,
  mapping: Mapping,
): Promise<{ rows: number; base: bigint; consecutive: boolean }> {
  const spec = TABLES[src.table];
  const p = new Params();
  const inner: string[] = [];
  const outer: string[] = [];
  reader.cols.forEach(({ col, from }, i) => {
    const c = columnsOf(spec)[col] as ColumnSpec;
    const x = from === undefined ? 'CAST(NULL AS VARCHAR)' : `CAST(${ident(from)} AS VARCHAR)`;
    // Trimming allocates a new string per value; most values have nothing to trim, so test first.
    const text = `CASE WHEN starts_with(${x}, ' ') OR ends_with(${x}, ' ') THEN NULLIF(trim(${x}), '') WHEN ${x} = '' THEN NULL ELSE ${x} END`;
    const txt = ident(`__txt_${i}`);
    const C = ident(col);
    const mode = rawMode(c, col, src.table, mapping);
    if (mode === 'none') {
      inner.push(`${text} AS ${C}`);
      outer.push(C);
      return;
    }
    inner.push(`${text} AS ${txt}`, `${typedExpr(c, txt, col, src.table, mapping, p)} AS ${C}`);
    // Materializing strings is the dearest part of the scan: keep the text only where the typed value failed.
    outer.push(
      mode === 'full' ? `${txt} AS ${raw(i)}` : `CASE WHEN ${C} IS NULL THEN ${txt} END AS ${raw(i)}`,
      C,
    );
  });
  // DuckDB resolves a column alias used later in the same SELECT list, so each text is computed once.
  await reading(src, () =>
    w.run(
      `CREATE OR REPLACE TEMP TABLE typ AS SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${reader.from})`,
      p.values,
    ),
  );
  const n = await w.one<{ n: bigint; base: bigint | null; hi: bigint | null }>(
    'SELECT count(*) AS n, min(rowid) AS base, max(rowid) AS hi FROM typ',
  );
  const rows = Number(n?.n ?? 0);
  const base = n?.base ?? 0n;
  // Rows of one scan are numbered consecutively; if that ever changed, only reported lines would suffer.
  const consecutive = rows === 0 || (n?.hi ?? 0n) - base + 1n === BigInt(rows);
  return { rows, base, consecutive };
}

/** Applies every rule of the table to `typ` (alias t); `line` is the SQL of a row's file line (see lineOf). */
export async function checkRules(
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
    if (c.required !== false) rules.add(missing, col, r, 'required', `${col} is required; found nothing`);
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
        `${col}: expected an IANA time zone such as Asia/Shanghai`,
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
  const refs = table === 'repayments' || table === 'contacts';
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
      .map(
        ([col]) =>
          `t.${ident(col)} IN (SELECT name FROM pg_timezone_names()) AS ${ident(`__zone_ok_${col}`)}`,
      ),
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
