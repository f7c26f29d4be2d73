/**
 * Stage "validate", set-based in SQL: temp `stg` (raw text) → temp `typ` (typed contract columns) and one
 * reject row per broken rule in temp `file_rejects`. One scan builds every rule's verdict as a list per row.
 * Reads: stg, loans (references), pg_timezone_names(). Writes: typ, file_rejects.
 *
 * Rules: required, type, enum, range, phone (E.164), zone (IANA), date_order, duplicate_key, unknown_loan,
 * paid_before_disbursement. Derived values (days past due) are not columns of the contract, so never read.
 */
import type { ColumnSpec } from '../contract/columns.ts';
import type { Mapping } from '../contract/mapping.ts';
import { TABLES, type TableName } from '../contract/tables.ts';
import { ident, literal, type Warehouse } from '../warehouse/db.ts';

/** Collects bound parameters while SQL text is assembled; user text only ever enters through here. */
class Params {
  readonly values: string[] = [];
  bind(v: string): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

const raw = (i: number) => ident(`__raw_${i}`);

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

/** A rule's verdict: a struct when broken, NULL when kept. */
function verdict(when: string, col: string, value: string, rule: string, message: string): string {
  return `CASE WHEN ${when} THEN {'column': ${literal(col)}, 'value': CAST(${value} AS VARCHAR), 'rule': ${literal(rule)}, 'message': ${literal(message)}} END`;
}

export async function validate(w: Warehouse, table: TableName, mapping: Mapping): Promise<void> {
  const spec = TABLES[table];
  const cols = Object.entries(spec.columns) as [string, ColumnSpec][];
  const p = new Params();
  const inner = cols.map(([col, c], i) => {
    const v = `NULLIF(trim(${ident(col)}), '')`;
    return `${v} AS ${raw(i)}, ${typedExpr(c, v, col, table, mapping, p)} AS ${ident(col)}`;
  });
  const key = spec.key.map((k) => `t.${ident(k)}`).join(', ');
  const refs = table === 'repayments' || table === 'contacts';
  const outer = [
    't.*',
    `count(*) OVER (PARTITION BY ${key}) AS __dups`,
    refs ? 'l.loan_id IS NOT NULL AS __ref, l.disbursed_on AS __ref_disbursed' : 'NULL AS __ref',
    ...cols
      .filter(([, c]) => c.kind === 'zone')
      .map(
        ([col]) =>
          `t.${ident(col)} IN (SELECT name FROM pg_timezone_names()) AS ${ident(`__zone_ok_${col}`)}`,
      ),
  ];
  await w.run(
    `CREATE OR REPLACE TEMP TABLE typ AS SELECT ${outer.join(', ')}
     FROM (SELECT __row, __line, ${inner.join(', ')} FROM stg) t
     ${refs ? 'LEFT JOIN loans l ON l.loan_id = t.loan_id' : ''}`,
    p.values,
  );

  const checks: string[] = [];
  cols.forEach(([col, c], i) => {
    const r = raw(i);
    const t = `typ.${ident(col)}`;
    if (c.required !== false)
      checks.push(verdict(`${r} IS NULL`, col, r, 'required', `${col} is required; found nothing`));
    if (EXPECT[c.kind])
      checks.push(
        verdict(`${r} IS NOT NULL AND ${t} IS NULL`, col, r, 'type', `${col}: expected ${EXPECT[c.kind]}`),
      );
    if (c.kind === 'enum' && c.values)
      checks.push(
        verdict(
          `${t} NOT IN (${c.values.map(literal).join(', ')})`,
          col,
          r,
          'enum',
          `${col}: expected one of ${c.values.join(', ')}`,
        ),
      );
    if (c.min !== undefined)
      checks.push(verdict(`${t} < ${c.min}`, col, r, 'range', `${col}: expected at least ${c.min}`));
    if (c.max !== undefined)
      checks.push(verdict(`${t} > ${c.max}`, col, r, 'range', `${col}: expected at most ${c.max}`));
    if (c.kind === 'phone')
      checks.push(
        verdict(
          `NOT regexp_full_match(${t}, '\\+[1-9][0-9]{6,14}')`,
          col,
          r,
          'phone',
          `${col}: expected E.164 (+ then 7-15 digits, e.g. +8613800138000)`,
        ),
      );
    if (c.kind === 'zone')
      checks.push(
        verdict(
          `${t} IS NOT NULL AND NOT ${ident(`__zone_ok_${col}`)}`,
          col,
          r,
          'zone',
          `${col}: expected an IANA time zone such as Asia/Shanghai`,
        ),
      );
  });
  const keyText = spec.key.map((k) => `CAST(typ.${ident(k)} AS VARCHAR)`).join(` || '/' || `);
  const keyNotNull = spec.key.map((k) => `typ.${ident(k)} IS NOT NULL`).join(' AND ');
  checks.push(
    verdict(
      `${keyNotNull} AND __dups > 1`,
      spec.key.join('+'),
      keyText,
      'duplicate_key',
      `key ${spec.key.join('+')} appears more than once in this file; every occurrence is refused`,
    ),
  );
  if (table === 'loans')
    checks.push(
      verdict(
        'typ.maturity_on <= typ.disbursed_on',
        'maturity_on',
        'typ.maturity_on',
        'date_order',
        'maturity_on: expected after disbursed_on',
      ),
    );
  if (refs) {
    checks.push(
      verdict(
        'typ.loan_id IS NOT NULL AND NOT __ref',
        'loan_id',
        'typ.loan_id',
        'unknown_loan',
        'loan_id: expected a loan in the warehouse or in this batch',
      ),
    );
  }
  if (table === 'repayments')
    checks.push(
      verdict(
        'typ.paid_on < __ref_disbursed',
        'paid_on',
        'typ.paid_on',
        'paid_before_disbursement',
        "paid_on: expected on or after the loan's disbursed_on",
      ),
    );
  await w.run(`INSERT INTO file_rejects SELECT __row, __line, e.column, e.value, e.rule, e.message FROM (
    SELECT __row, __line, unnest(list_filter([${checks.join(',\n')}], x -> x IS NOT NULL)) AS e FROM typ) v`);
}
