/**
 * The column-mapping file: how a lender's export maps onto the data contract (src/contract/tables.ts) without
 * editing the data. Loaded as placed YAML (src/core/placed-yaml.ts) and validated with zod; every problem is
 * reported at once with its key path and file:line:column.
 *
 * ```yaml
 * encoding: gbk                # text encoding of CSV/JSON files (default utf-8)
 * delimiter: ","               # CSV field separator (default ",")
 * time_zone: Asia/Shanghai     # zone for timestamps without a UTC offset (default: such timestamps are rejected)
 * files:                       # file name (or glob with * and ?) → table, overrides the name prefix
 *   "贷款台账*.csv": loans
 * loans:
 *   columns:                   # contract column → where its value comes from
 *     loan_id: 贷款编号                                # a lender column
 *     credit_grade: { const: BBB }                     # the same value on every row
 *     income: { column: 月收入, default: 0 }             # a lender column, this value where it is empty
 *     disbursed_on: { column: 放款日, format: "%d/%m/%Y" } # a date or timestamp in its own strptime format
 *     maturity_on: { expr: "disbursed_on + term_months months" }  # derived (src/contract/expr.ts)
 *   codes: { loan_type: { 个人: personal, 企业: corporate } } # contract or extra column → lender code → code
 *   date_format: "%Y/%m/%d"    # DuckDB strptime format for dates (default ISO YYYY-MM-DD)
 *   timestamp_format: "%Y/%m/%d %H:%M:%S"  # strptime format for timestamps (default ISO 8601)
 *   extra:                     # further columns kept as model features (loans and contacts)
 *     applicant_age: { column: AGE, type: numeric }
 *     housing: { column: HOUSING, type: categorical }
 * ```
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BadInputError, type Place } from '../core/errors.ts';
import { describeIssue, parsePlacedYaml } from '../core/placed-yaml.ts';
import { columnsOf } from './columns.ts';
import { EXPR_FUNCTIONS, type Expr, ExprError, exprColumns, parseExpr } from './expr.ts';
import { TABLE_NAMES, TABLES, type TableName } from './tables.ts';
import { isAcceptedZone, ZONE_RULE } from './zones.ts';

const tableName = z.enum(TABLE_NAMES as [TableName, ...TableName[]]);
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** Where one column's value comes from. A plain string is a lender column name. */
const columnSourceSchema = z.union([
  z.string().min(1),
  z.object({ const: scalar }).strict(),
  z
    .object({
      column: z.string().min(1),
      /** Used where the lender's value is empty. */
      default: scalar.optional(),
      /** strptime format of this date or timestamp column; overrides the table's. */
      format: z.string().min(1).optional(),
    })
    .strict(),
  z.object({ expr: z.string().min(1) }).strict(),
]);

const COLUMN_FORMS =
  'a lender column name, { const: value }, { column: name, default: value, format: strptime } or { expr: "…" }';

/** An extra column: a lender column (or a derived value) kept beside the contract columns and used as a feature. */
const extraColumn = z
  .object({
    column: z.string().min(1).optional(),
    expr: z.string().min(1).optional(),
    type: z.enum(['numeric', 'categorical']),
    default: scalar.optional(),
  })
  .strict();

const tableMapping = z
  .object({
    /** Contract column → its source. Unmapped columns keep their contract name. */
    columns: z.record(z.string(), columnSourceSchema).default({}),
    /** Contract or extra column → { lender code → code }. Codes not listed pass through unchanged. */
    codes: z.record(z.string(), z.record(z.string(), scalar)).default({}),
    /** DuckDB strptime format for date columns. Default: ISO `YYYY-MM-DD`. */
    date_format: z.string().min(1).optional(),
    /** DuckDB strptime format for timestamp columns. Default: ISO 8601 with or without an offset. */
    timestamp_format: z.string().min(1).optional(),
    /** Zone for naive timestamps of this table; overrides the top-level `time_zone`. */
    time_zone: z.string().min(1).optional(),
    /** Feature name (snake_case) → extra column. */
    extra: z.record(z.string(), extraColumn).default({}),
    /** Excel workbooks: the sheet that holds this table (default: a sheet named after the table, or the only one). */
    sheet: z.string().min(1).optional(),
  })
  .strict();

const mappingSchema = z
  .object({
    /** Text encoding of CSV and JSON Lines files (any iconv-lite name, e.g. gbk, gb18030). Default: utf-8. */
    encoding: z.string().min(1).optional(),
    /** CSV field separator, one character. Default: `,`. */
    delimiter: z.string().length(1).optional(),
    /** IANA zone applied to timestamps that carry no UTC offset. Default: none (such values are rejected). */
    time_zone: z.string().min(1).optional(),
    /** File name or glob (`*`, `?`) → table; wins over the file-name prefix. */
    files: z.record(z.string(), tableName).default({}),
    ...Object.fromEntries(TABLE_NAMES.map((t) => [t, tableMapping.optional()])),
  })
  .strict();

type RawTableMapping = z.infer<typeof tableMapping>;

/** One column's source after validation. */
export type ColumnSource =
  | { kind: 'column'; column: string; default?: string; format?: string }
  | { kind: 'const'; value: string }
  | { kind: 'expr'; text: string; expr: Expr };

/** One extra column after validation. */
export interface ExtraColumn {
  /** Feature name, snake_case. */
  name: string;
  type: 'numeric' | 'categorical';
  source: ColumnSource;
}

/** The mapping of one table. */
export interface TableMapping {
  /** Contract column → source, for the columns the file names (others keep their contract name). */
  sources: Record<string, ColumnSource>;
  codes: Record<string, Record<string, string>>;
  date_format?: string;
  timestamp_format?: string;
  time_zone?: string;
  extra: ExtraColumn[];
  sheet?: string;
}

/** A validated mapping file. */
export interface Mapping {
  encoding?: string;
  delimiter?: string;
  time_zone?: string;
  files: Record<string, TableName>;
  loans?: TableMapping;
  repayments?: TableMapping;
  contacts?: TableMapping;
  market?: TableMapping;
  status_panel?: TableMapping;
}

/** Tables whose extra columns become features: attributes of the loan, and of each contact. */
export const EXTRA_TABLES: readonly TableName[] = ['loans', 'contacts'];

const FEATURE_NAME = /^[a-z][a-z0-9_]{0,47}$/;

/** One problem of a mapping file, with its key path and place. */
export interface MappingProblem {
  path: (string | number)[];
  message: string;
  place: Place;
}

/** A mapping file that failed validation: every problem with its key path and file:line:column. */
export class MappingError extends BadInputError {
  readonly problems: MappingProblem[];
  constructor(file: string, problems: MappingProblem[]) {
    const lines = problems.map((p) => {
      const where = p.place.line === undefined ? '' : ` (${p.place.file}:${p.place.line}:${p.place.column})`;
      return `${p.path.join('.') || '(top level)'}${where}: ${p.message}`;
    });
    super(`mapping ${file} is invalid:\n  ${lines.join('\n  ')}`, {
      place: problems[0]?.place ?? { file },
      hint: `keys: encoding, delimiter, time_zone, files, ${TABLE_NAMES.join(', ')}; see the README's mapping section`,
    });
    this.problems = problems;
  }
}

/** The mapping used when no file is given: contract names, UTF-8, comma, no codes. */
export const EMPTY_MAPPING: Mapping = { files: {} };

/** Parses mapping text; `source` names the file in error messages. Reports every problem, not the first. */
export function parseMapping(text: string, source: string): Mapping {
  let doc: ReturnType<typeof parsePlacedYaml>;
  try {
    doc = parsePlacedYaml(text, source, 'mapping');
  } catch (e) {
    const place = (e as BadInputError).place ?? { file: source };
    throw new BadInputError(`mapping ${source} is not valid YAML: ${(e as Error).message}`, {
      place,
      cause: e,
    });
  }
  const lines = text.split('\n');
  const placeOf = (path: (string | number)[], offset?: number): Place => {
    const p = doc.at(path)?.place ?? { file: source };
    if (offset === undefined || p.line === undefined || typeof p.column !== 'number') return p;
    // A quoted scalar starts at its quote; the expression's first character is one further.
    const first = lines[p.line - 1]?.[p.column - 1];
    return { ...p, column: p.column + offset + (first === '"' || first === "'" ? 1 : 0) };
  };
  const problems: MappingProblem[] = [];
  const add = (path: (string | number)[], message: string, offset?: number) =>
    problems.push({ path, message, place: placeOf(path, offset) });

  const res = mappingSchema.safeParse(doc.value ?? {}, { reportInput: true });
  if (!res.success) {
    for (const i of res.error.issues) {
      const path = i.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
      if (i.code === 'unrecognized_keys') for (const k of i.keys) add([...path, k], `unknown key "${k}"`);
      else if (i.code === 'invalid_union' && path[1] === 'columns' && path.length === 3)
        add(path, `expected ${COLUMN_FORMS}, found ${JSON.stringify(i.input)}`);
      else add(path, describeIssue(i));
    }
    throw new MappingError(source, problems);
  }
  const raw = res.data as z.infer<typeof mappingSchema> & Partial<Record<TableName, RawTableMapping>>;
  const zones: [string | undefined, (string | number)[]][] = [
    [raw.time_zone, ['time_zone']],
    ...TABLE_NAMES.map((t): [string | undefined, (string | number)[]] => [
      raw[t]?.time_zone,
      [t, 'time_zone'],
    ]),
  ];
  // Every naive timestamp of the batch is read in this zone: an abbreviation would shift them all by hours.
  for (const [zone, path] of zones)
    if (zone !== undefined && !isAcceptedZone(zone))
      add(path, `expected ${ZONE_RULE}; found ${JSON.stringify(zone)}`);

  const out: Mapping = { files: raw.files };
  if (raw.encoding !== undefined) out.encoding = raw.encoding;
  if (raw.delimiter !== undefined) out.delimiter = raw.delimiter;
  if (raw.time_zone !== undefined) out.time_zone = raw.time_zone;
  for (const t of TABLE_NAMES) {
    const tm = raw[t];
    if (tm) out[t] = checkTable(t, tm, add);
  }
  if (problems.length) throw new MappingError(source, problems);
  return out;
}

/** Cross-key checks of one table's mapping; returns the normalized mapping. */
function checkTable(
  t: TableName,
  tm: RawTableMapping,
  add: (path: (string | number)[], message: string, offset?: number) => void,
): TableMapping {
  const spec = columnsOf(TABLES[t]);
  const known = Object.keys(spec);
  const extraNames = Object.keys(tm.extra);
  // Keys must name real contract columns: a typo would otherwise silently leave a column unmapped.
  for (const col of Object.keys(tm.columns))
    if (!known.includes(col))
      add([t, 'columns', col], `unknown ${t} column "${col}"; expected one of ${known.join(', ')}`);
  for (const col of Object.keys(tm.codes)) {
    const c = spec[col];
    const x = tm.extra[col];
    if (!c && !x)
      add(
        [t, 'codes', col],
        `unknown ${t} column "${col}"; expected one of ${[...known, ...extraNames].join(', ')}`,
      );
    else if (c && c.kind !== 'enum')
      add(
        [t, 'codes', col],
        `codes apply to enum and categorical extra columns only; ${t}.${col} is ${c.kind}`,
      );
    else if (x && x.type !== 'categorical')
      add([t, 'codes', col], `codes apply to categorical extra columns only; ${col} is numeric`);
  }
  if (extraNames.length && !EXTRA_TABLES.includes(t))
    add([t, 'extra'], `extra columns are read on ${EXTRA_TABLES.join(' and ')} only; found them on ${t}`);

  // Names an expression may read: contract columns not derived after it, and extras declared before it.
  const derivedOrder = Object.entries(tm.columns)
    .filter(([, s]) => typeof s === 'object' && 'expr' in s)
    .map(([c]) => c);
  const sources: Record<string, ColumnSource> = {};
  const readable = (self: string, extraBefore: string[]) =>
    new Set([
      ...known.filter(
        (c) => !derivedOrder.includes(c) || derivedOrder.indexOf(c) < derivedOrder.indexOf(self),
      ),
      ...extraBefore,
    ]);
  const source = (
    s: z.infer<typeof columnSourceSchema> | { column?: string; expr?: string; default?: string },
    path: (string | number)[],
    self: string,
    extraBefore: string[],
    kind: string | undefined,
  ): ColumnSource | undefined => {
    if (typeof s === 'string') return { kind: 'column', column: s };
    if ('const' in s && s.const !== undefined) return { kind: 'const', value: s.const };
    if ('expr' in s && s.expr !== undefined) {
      try {
        const expr = parseExpr(s.expr);
        const names = readable(self, extraBefore);
        for (const c of exprColumns(expr))
          if (!names.has(c.name)) {
            add(
              [...path, 'expr'],
              `expected a column of ${t} (${[...names].join(', ')}), found "${c.name}"` +
                (derivedOrder.includes(c.name) ? ' (derived later or itself)' : ''),
              c.at,
            );
            return undefined;
          }
        return { kind: 'expr', text: s.expr, expr };
      } catch (e) {
        if (!(e instanceof ExprError)) throw e;
        add(
          [...path, 'expr'],
          `${e.message} (expressions: columns, numbers, 'text', + - * /, N days|months|years, functions ${EXPR_FUNCTIONS.join(', ')})`,
          e.offset,
        );
        return undefined;
      }
    }
    const col = s as { column?: string; default?: string; format?: string };
    if (col.column === undefined) return undefined;
    if (col.format !== undefined && kind !== 'date' && kind !== 'timestamptz')
      add([...path, 'format'], `format applies to date and timestamp columns only; ${t}.${self} is ${kind}`);
    return {
      kind: 'column',
      column: col.column,
      ...(col.default !== undefined ? { default: col.default } : {}),
      ...(col.format !== undefined ? { format: col.format } : {}),
    };
  };
  for (const [col, s] of Object.entries(tm.columns)) {
    if (!known.includes(col)) continue;
    const r = source(s, [t, 'columns', col], col, [], spec[col]?.kind);
    if (r) sources[col] = r;
  }
  const extra: ExtraColumn[] = [];
  extraNames.forEach((name, i) => {
    const x = tm.extra[name] as z.infer<typeof extraColumn>;
    const path = [t, 'extra', name];
    if (!FEATURE_NAME.test(name))
      add(path, `expected a snake_case feature name (a-z, 0-9, _; starting with a letter), found "${name}"`);
    if (known.includes(name))
      add(path, `"${name}" is a contract column of ${t}; name the extra column otherwise`);
    if ((x.column === undefined) === (x.expr === undefined)) {
      add(path, 'expected exactly one of column or expr');
      return;
    }
    if (x.expr !== undefined && x.default !== undefined)
      add([...path, 'default'], 'default applies to a column, not to expr (use coalesce in the expression)');
    const r = source(
      x.expr !== undefined
        ? { expr: x.expr }
        : { column: x.column as string, ...(x.default !== undefined ? { default: x.default } : {}) },
      path,
      name,
      extraNames.slice(0, i),
      x.type,
    );
    if (r) extra.push({ name, type: x.type, source: r });
  });
  return {
    sources,
    codes: tm.codes,
    extra,
    ...(tm.date_format !== undefined ? { date_format: tm.date_format } : {}),
    ...(tm.timestamp_format !== undefined ? { timestamp_format: tm.timestamp_format } : {}),
    ...(tm.time_zone !== undefined ? { time_zone: tm.time_zone } : {}),
    ...(tm.sheet !== undefined ? { sheet: tm.sheet } : {}),
  };
}

/** Reads and validates a mapping YAML file. */
export async function loadMapping(path: string): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new BadInputError(`cannot read mapping ${path}: ${(e as Error).message}`, {
      place: { file: path },
      cause: e,
    });
  }
  return parseMapping(text, path);
}

/** The table a file name is assigned to by the mapping's `files` globs, if any. */
export function tableFromMapping(m: Mapping, fileName: string): TableName | undefined {
  for (const [pattern, table] of Object.entries(m.files)) {
    const re = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replaceAll('*', '.*')
        .replaceAll('?', '.')}$`,
    );
    if (re.test(fileName)) return table;
  }
  return undefined;
}

/** Source of a contract column: its mapping, or the column of the same name. */
export function columnSource(m: Mapping, table: TableName, column: string): ColumnSource {
  return m[table]?.sources[column] ?? { kind: 'column', column };
}

/** Lender column a contract column is read from, or undefined for constants and derived columns. */
export function sourceColumn(m: Mapping, table: TableName, column: string): string | undefined {
  const s = columnSource(m, table, column);
  return s.kind === 'column' ? s.column : undefined;
}
