/**
 * The column-mapping file: how a lender's export maps onto the data contract (src/contract/tables.ts) without
 * editing the data. Validated with zod; every problem is reported with the key path that holds it.
 *
 * ```yaml
 * encoding: gbk                # text encoding of CSV/JSON files (default utf-8)
 * delimiter: ","               # CSV field separator (default ",")
 * time_zone: Asia/Shanghai     # zone for timestamps without a UTC offset (default: such timestamps are rejected)
 * files:                       # file name (or glob with * and ?) → table, overrides the name prefix
 *   "贷款台账*.csv": loans
 * loans:
 *   columns: { loan_id: 贷款编号, borrower_id: 客户号 }   # contract column → lender column
 *   codes: { loan_type: { 个人: personal, 企业: corporate } } # contract column → lender code → contract code
 *   date_format: "%Y/%m/%d"    # DuckDB strptime format for dates (default ISO YYYY-MM-DD)
 *   timestamp_format: "%Y/%m/%d %H:%M:%S"  # strptime format for timestamps (default ISO 8601)
 * ```
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BadInputError } from '../core/errors.ts';
import { columnsOf } from './columns.ts';
import { TABLE_NAMES, TABLES, type TableName } from './tables.ts';
import { isAcceptedZone, ZONE_RULE } from './zones.ts';

const tableName = z.enum(TABLE_NAMES as [TableName, ...TableName[]]);

const tableMapping = z
  .object({
    /** Contract column → column name in the lender's file. Unmapped columns keep their contract name. */
    columns: z.record(z.string(), z.string().min(1)).default({}),
    /** Contract column → { lender code → contract code }. Codes not listed pass through unchanged. */
    codes: z.record(z.string(), z.record(z.string(), z.string())).default({}),
    /** DuckDB strptime format for date columns. Default: ISO `YYYY-MM-DD`. */
    date_format: z.string().min(1).optional(),
    /** DuckDB strptime format for timestamp columns. Default: ISO 8601 with or without an offset. */
    timestamp_format: z.string().min(1).optional(),
    /** Zone for naive timestamps of this table; overrides the top-level `time_zone`. */
    time_zone: z.string().min(1).optional(),
  })
  .strict();

export const mappingSchema = z
  .object({
    /** Text encoding of CSV and JSON Lines files (any iconv-lite name, e.g. gbk, gb18030). Default: utf-8. */
    encoding: z.string().min(1).optional(),
    /** CSV field separator, one character. Default: `,`. */
    delimiter: z.string().length(1).optional(),
    /** IANA zone applied to timestamps that carry no UTC offset. Default: none (such values are rejected). */
    time_zone: z.string().min(1).optional(),
    /** File name or glob (`*`, `?`) → table; wins over the file-name prefix. */
    files: z.record(z.string(), tableName).default({}),
    loans: tableMapping.optional(),
    repayments: tableMapping.optional(),
    contacts: tableMapping.optional(),
    market: tableMapping.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    // Every naive timestamp of the batch is read in this zone: an abbreviation would shift them all by hours.
    const zones: [string | undefined, (string | number)[]][] = [
      [m.time_zone, ['time_zone']],
      ...TABLE_NAMES.map((t): [string | undefined, (string | number)[]] => [
        m[t]?.time_zone,
        [t, 'time_zone'],
      ]),
    ];
    for (const [zone, path] of zones)
      if (zone !== undefined && !isAcceptedZone(zone))
        ctx.addIssue({
          code: 'custom',
          path,
          message: `expected ${ZONE_RULE}; found ${JSON.stringify(zone)}`,
        });
    // Keys must name real contract columns: a typo would otherwise silently leave a column unmapped.
    for (const t of TABLE_NAMES) {
      const tm = m[t];
      if (!tm) continue;
      const known = Object.keys(columnsOf(TABLES[t]));
      for (const section of ['columns', 'codes'] as const) {
        for (const col of Object.keys(tm[section])) {
          if (!known.includes(col))
            ctx.addIssue({
              code: 'custom',
              path: [t, section, col],
              message: `unknown ${t} column "${col}"; expected one of ${known.join(', ')}`,
            });
        }
      }
      for (const col of Object.keys(tm.codes)) {
        const spec = columnsOf(TABLES[t])[col];
        if (spec && spec.kind !== 'enum')
          ctx.addIssue({
            code: 'custom',
            path: [t, 'codes', col],
            message: `codes apply to enum columns only; ${t}.${col} is ${spec.kind}`,
          });
      }
    }
  });

/** A validated mapping file. */
export type Mapping = z.infer<typeof mappingSchema>;
/** The mapping of one table. */
export type TableMapping = z.infer<typeof tableMapping>;

/** The mapping used when no file is given: contract names, UTF-8, comma, no codes. */
export const EMPTY_MAPPING: Mapping = mappingSchema.parse({});

/** Parses mapping text; `source` names the file in error messages. Reports every problem, not the first. */
export function parseMapping(text: string, source: string): Mapping {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new BadInputError(`mapping ${source} is not valid YAML: ${(e as Error).message}`, {
      place: { file: source },
      cause: e,
    });
  }
  const res = mappingSchema.safeParse(raw ?? {});
  if (res.success) return res.data;
  const problems = res.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
  throw new BadInputError(`mapping ${source} is invalid:\n  ${problems.join('\n  ')}`, {
    place: { file: source, column: res.error.issues[0]?.path.join('.') ?? '' },
    hint: 'keys: encoding, delimiter, time_zone, files, loans, repayments, contacts, market',
  });
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

/** Lender column name for a contract column. */
export function sourceColumn(m: Mapping, table: TableName, column: string): string {
  return m[table]?.columns[column] ?? column;
}
