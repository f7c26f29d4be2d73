/**
 * Stage "validate", set-based in SQL, on the typed rows of one file (typed.ts):
 *   1. find the rows that break a rule: one filter pass for the rules of a row alone; for the rules over a set,
 *      a comparison of each key with the previous one (sorted keys are distinct; else key hashes are grouped), one
 *      group per loan id against loans, one per zone name against the accepted zones, then the rows of what fails;
 *   2. for those rows only, one `file_rejects` row per broken rule. Clean data pays for the first step alone.
 * Reads: the file's typed rows (temp `typ`, or the file itself: typed.ts), loans (references), pg_timezone_names().
 * Writes: file_rejects. Row identity: `__row` of the rows' relation.
 *
 * Rules: required, type, enum, range, phone (E.164), zone (canonical IANA, src/contract/zones.ts), characters
 * (no control or invisible characters in ids and codes), length, date_order, duplicate_key, unknown_loan,
 * paid_before_disbursement. Derived values (days past due) are not columns of the contract, so never read.
 */
import { type ColumnSpec, columnsOf, DATE_RANGE, DUCKDB_TYPE } from '../contract/columns.ts';
import { columnSource, type Mapping } from '../contract/mapping.ts';
import { TABLES, type TableName } from '../contract/tables.ts';
import { isAcceptedZone, ZONE_RULE } from '../contract/zones.ts';
import { ident, literal, type Warehouse } from '../warehouse/db.ts';
import { raw, rawMode } from './typed.ts';

/** Invisible or control characters: C0/C1 controls, zero-width and direction marks, BOM, soft hyphen. */
const INVISIBLE =
  '[\\x00-\\x1F\\x7F-\\x9F\\x{00AD}\\x{200B}-\\x{200F}\\x{2028}-\\x{202E}\\x{2060}-\\x{2064}\\x{FEFF}]';

/** Longest id or text value accepted; longer is a broken export (or an attack), not an identifier. */
export const MAX_TEXT_LENGTH = 256;

const EXPECT: Record<string, string> = {
  int: 'an integer (no fraction; not NaN or Infinity)',
  number: 'a number (finite: not NaN, Infinity or infinity)',
  date: `a date (YYYY-MM-DD or the mapping date_format), finite and between ${DATE_RANGE.min} and ${DATE_RANGE.max}`,
  timestamptz: `a timestamp with a UTC offset (e.g. 2024-03-01T09:30:00+08:00) or a mapping time_zone, finite and between ${DATE_RANGE.min} and ${DATE_RANGE.max}`,
};

/**
 * Collects rule verdicts: a struct per broken rule, the condition that selects rows breaking any, and, apart, the
 * conditions a row can be tested on alone (the first, filtering pass). Rules over a set (duplicates, references,
 * zones) and the characters rule (one test over all columns) find their rows in the first pass their own way.
 */
class Rules {
  readonly verdicts: string[] = [];
  readonly conditions: string[] = [];
  readonly rowConditions: string[] = [];
  /** Ids and free text (SQL over v), tested for invisible characters together in the filtering pass. */
  readonly visible: string[] = [];
  /** `message` is text; `messageSql`, when given, an SQL expression for it (a message that names what it found). */
  add(
    when: string,
    col: string,
    value: string,
    rule: string,
    message: string,
    messageSql?: string,
    found: 'by row' | 'apart' = 'by row',
  ): void {
    this.conditions.push(`coalesce(${when}, false)`);
    if (found === 'by row') this.rowConditions.push(`coalesce(${when}, false)`);
    this.verdicts.push(
      `CASE WHEN ${when} THEN {'column': ${literal(col)}, 'value': CAST(${value} AS VARCHAR), 'rule': ${literal(rule)}, 'message': ${messageSql ?? literal(message)}} END`,
    );
  }
}

/**
 * Applies every rule of the table to the file's typed rows `rows` (a relation with identity `__row`: typed.ts);
 * `line` is the SQL of a row's file line (see lineOf, over alias t), `typed` the columns the reader typed (they have
 * no delivered text, and no value of theirs failed its type).
 */
export async function checkRowRules(
  w: Warehouse,
  table: TableName,
  mapping: Mapping,
  line: string,
  rows: { relation: string; plain: string; breaks?: string },
  typed: ReadonlySet<string> = new Set(),
): Promise<void> {
  const spec = TABLES[table];
  const cols = Object.entries(columnsOf(spec)) as [string, ColumnSpec][];
  const rules = rulesOf(table, mapping, typed);
  const refs = REFERRING.has(table);
  const keyCols = spec.key.map(ident).join(', ');
  const dupOn = spec.key.map((k) => `d.${ident(k)} = t.${ident(k)}`).join(' AND ');
  // 1. The rows that break something. The rules of a row alone: one filter pass (or the marks the scan made).
  const own = rows.breaks ? `v.${rows.breaks}` : breaksOwnRule(rules);
  await w.run(
    `CREATE OR REPLACE TEMP TABLE flagged AS SELECT v.__row AS r FROM ${rows.relation} v WHERE ${own}`,
  );
  const flag = (sql: string) => w.run(`INSERT INTO flagged ${sql}`);
  //    Duplicate keys.
  if (await duplicateKeys(w, spec, rows.plain))
    await flag(`SELECT t.__row FROM ${rows.relation} t SEMI JOIN dup_keys d ON ${dupOn}`);
  //    Loans, one group per loan id: unknown, or paid before its disbursement (the earliest payment tells).
  if (refs) {
    const paid = table === 'repayments';
    await w.run(`CREATE OR REPLACE TEMP TABLE bad_loans AS
      SELECT g.loan_id FROM (SELECT loan_id${paid ? ', min(paid_on) AS first_paid' : ''} FROM ${rows.plain}
        WHERE loan_id IS NOT NULL GROUP BY loan_id) g
      LEFT JOIN loans l ON l.loan_id = g.loan_id
      WHERE l.loan_id IS NULL${paid ? ' OR g.first_paid < l.disbursed_on' : ''}`);
    if (await any(w, 'bad_loans'))
      await flag(`SELECT t.__row FROM ${rows.relation} t SEMI JOIN bad_loans b ON b.loan_id = t.loan_id`);
    await w.run('DROP TABLE bad_loans');
  }
  //    Zones, one group per value: a name the contract does not accept.
  for (const [col, c] of cols) {
    if (c.kind !== 'zone') continue;
    const Z = ident(col);
    await w.run(`CREATE OR REPLACE TEMP TABLE bad_zones AS
      SELECT DISTINCT ${Z} AS z FROM ${rows.plain} WHERE ${Z} IS NOT NULL AND ${Z} NOT IN (SELECT name FROM accepted_zones)`);
    if (await any(w, 'bad_zones'))
      await flag(`SELECT t.__row FROM ${rows.relation} t SEMI JOIN bad_zones b ON b.z = t.${Z}`);
    await w.run('DROP TABLE bad_zones');
  }
  const n = await w.one<{ n: bigint }>('SELECT count(*) AS n FROM flagged');
  if ((n?.n ?? 0n) > 0n) {
    // 2. Their verdicts, one file_rejects row per broken rule, with the context the rules need beyond the row.
    const context = [
      't.*',
      `${line} AS __line`,
      'd.__dup IS NOT NULL AS __dup',
      refs ? 'l.loan_id IS NOT NULL AS __ref, l.disbursed_on AS __ref_disbursed' : 'NULL AS __ref',
      ...cols
        .filter(([, c]) => c.kind === 'zone')
        .map(
          ([col]) => `t.${ident(col)} IN (SELECT name FROM accepted_zones) AS ${ident(`__zone_ok_${col}`)}`,
        ),
    ];
    await w.run(`INSERT INTO file_rejects SELECT __row, __line, e.column, e.value, e.rule, e.message FROM (
      SELECT __row, __line, unnest(list_filter([${rules.verdicts.join(',\n')}], x -> x IS NOT NULL)) AS e
      FROM (SELECT ${context.join(', ')} FROM ${rows.relation} t SEMI JOIN flagged f ON f.r = t.__row
        LEFT JOIN (SELECT ${keyCols}, true AS __dup FROM dup_keys) d ON ${dupOn}
        ${refs ? 'LEFT JOIN loans l ON l.loan_id = t.loan_id' : ''}) v
      WHERE ${rules.conditions.join(' OR ')}) x`);
  }
  await w.run('DROP TABLE dup_keys; DROP TABLE flagged');
}

async function any(w: Warehouse, table: string): Promise<boolean> {
  return (
    ((await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${table} LIMIT 1)`))?.n ?? 0n) > 0n
  );
}

/**
 * Temp `dup_keys`: the keys (all parts present) that occur more than once in the rows; true when there is one.
 * Keys strictly increasing in the order a scan meets them are distinct whatever that order is, and exports usually
 * come sorted by their key: one comparison with the previous key settles most files. Otherwise rows are grouped
 * by a hash of their key, and only the keys whose hash repeats are grouped by the key itself (a hash collision is
 * a candidate, never a verdict).
 */
async function duplicateKeys(w: Warehouse, spec: (typeof TABLES)[TableName], rows: string): Promise<boolean> {
  const contract = columnsOf(spec);
  const key = spec.key.map(ident).join(', ');
  const keyNotNull = spec.key.map((k) => `${ident(k)} IS NOT NULL`).join(' AND ');
  await w.run(
    `CREATE OR REPLACE TEMP TABLE dup_keys (${spec.key.map((k) => `${ident(k)} ${DUCKDB_TYPE[(contract[k] as ColumnSpec).kind]}`).join(', ')})`,
  );
  const unordered = await w.one<{ n: bigint }>(
    `SELECT count(*) AS n FROM (SELECT k, lag(k) OVER () AS p
       FROM (SELECT ${spec.key.length > 1 ? `row(${key})` : key} AS k FROM ${rows} WHERE ${keyNotNull}))
     WHERE NOT (k > p)`,
  );
  if ((unordered?.n ?? 0n) === 0n) return false;
  await w.run(`CREATE OR REPLACE TEMP TABLE dup_hashes AS
    SELECT hash(${key}) AS h FROM ${rows} WHERE ${keyNotNull} GROUP BY 1 HAVING count(*) > 1`);
  if (await any(w, 'dup_hashes'))
    await w.run(`INSERT INTO dup_keys SELECT ${key} FROM ${rows} SEMI JOIN dup_hashes c ON c.h = hash(${key})
      WHERE ${keyNotNull} GROUP BY ALL HAVING count(*) > 1`);
  await w.run('DROP TABLE dup_hashes');
  return any(w, 'dup_keys');
}

/**
 * SQL that is true for a typed row (alias v) breaking a rule of its own (every rule but those over a set), for a
 * scan to mark its rows with as it reads them (typed.ts `marks`); `typed` are the columns the reader types.
 */
export function ownRulesBroken(table: TableName, mapping: Mapping, typed: ReadonlySet<string>): string {
  return breaksOwnRule(rulesOf(table, mapping, typed));
}

/** SQL that is true for a row (alias v) breaking a rule of its own (every rule but those over a set). */
function breaksOwnRule(rules: Rules): string {
  return [
    ...rules.rowConditions,
    // One pattern test over all the row's ids and codes: a character class matches within one value of the
    // concatenation exactly when it matches within that value alone.
    ...(rules.visible.length
      ? [`coalesce(regexp_matches(concat(${rules.visible.join(', ')}), '${INVISIBLE}'), false)`]
      : []),
  ].join(' OR ');
}

/** Tables whose rows name a loan (`loan_id`), checked against loans. */
const REFERRING = new Set<TableName>(['repayments', 'contacts', 'status_panel']);

/** Every rule of the table as SQL over the typed rows (alias v) and its context columns (checkRowRules). */
function rulesOf(table: TableName, mapping: Mapping, typed: ReadonlySet<string>): Rules {
  const spec = TABLES[table];
  const cols = Object.entries(columnsOf(spec)) as [string, ColumnSpec][];
  const rules = new Rules();
  cols.forEach(([col, c], i) => {
    const t = `v.${ident(col)}`;
    const mode = rawMode(c, col, table, mapping, typed);
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
    if (EXPECT[c.kind] && !typed.has(col))
      rules.add(`${raw(i)} IS NOT NULL`, col, r, 'type', `${col}: expected ${EXPECT[c.kind]}`);
    if (c.kind === 'enum' && c.values)
      rules.add(
        // Not `NOT IN (…)`: DuckDB plans a long IN list as a join, and a join in the scan that writes the rows
        // would give up their file order (their rowid is their line, typed.ts), so the marks use a list lookup.
        `${t} IS NOT NULL AND NOT list_contains([${c.values.map(literal).join(', ')}], ${t})`,
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
        undefined,
        'apart',
      );
    // Ids and codes are compared byte for byte: an invisible character makes a look-alike key, a second loan.
    if (c.kind === 'id' || c.kind === 'text' || c.kind === 'enum' || c.kind === 'zone') {
      // A code in its list (or a zone the contract accepts) has no such character: finding those rows is the enum
      // (or zone) rule's job, and the characters verdict is still given to every row found (checkRowRules, step 2).
      if (!((c.kind === 'enum' && c.values) || c.kind === 'zone')) rules.visible.push(t);
      const bad = `regexp_extract(${t}, '${INVISIBLE}')`;
      rules.add(
        `regexp_matches(${t}, '${INVISIBLE}')`,
        col,
        `regexp_replace(${t}, '${INVISIBLE}', '\uFFFD', 'g')`,
        'characters',
        `${col}: expected no control or invisible characters`,
        `${literal(`${col}: expected no control or invisible characters; found `)} || printf('U+%04X', unicode(${bad})) || ' (shown as U+FFFD in value)'`,
        'apart',
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
    undefined,
    'apart',
  );
  const refs = REFERRING.has(table);
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
      undefined,
      'apart',
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
      undefined,
      'apart',
    );
  return rules;
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
