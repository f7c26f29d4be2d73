/**
 * Stage "discover": PATHs → the files to load, each with its table and format, in load order.
 * Reads: the file system (folders non-recursively). Writes: nothing.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Mapping, tableFromMapping } from '../contract/mapping.ts';
import { TABLE_NAMES, type TableName } from '../contract/tables.ts';
import { BadInputError } from '../core/errors.ts';
import type { Format, SourceFile } from './types.ts';
import { chooseSheets, Workbooks } from './workbook.ts';

// Loans first: repayments and contacts reference them, and the reference check sees loans of the same batch.
const LOAD_ORDER: Record<TableName, number> = {
  loans: 0,
  market: 1,
  repayments: 2,
  status_panel: 3,
  contacts: 4,
};

/** Format and compression from the file name, or undefined when it is not a supported data file. */
export function formatOf(name: string): { format: Format; gzip: boolean } | undefined {
  const lower = name.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  if (base.endsWith('.csv') || base.endsWith('.tsv') || base.endsWith('.txt')) return { format: 'csv', gzip };
  if (base.endsWith('.jsonl') || base.endsWith('.ndjson') || base.endsWith('.json'))
    return { format: 'json', gzip };
  if (base.endsWith('.parquet') && !gzip) return { format: 'parquet', gzip };
  if ((base.endsWith('.xlsx') || base.endsWith('.xlsm')) && !gzip) return { format: 'xlsx', gzip };
  return undefined;
}

/** Table from the mapping's `files`, else from the name prefix (loans*, repayments*, contacts*, market*). */
export function tableOf(name: string, mapping: Mapping): TableName | undefined {
  const mapped = tableFromMapping(mapping, name);
  if (mapped) return mapped;
  const lower = name.toLowerCase();
  return TABLE_NAMES.find((t) => lower.startsWith(t));
}

export interface Discovered {
  files: SourceFile[];
  skipped: { path: string; reason: string }[];
}

/**
 * `workbooks` lists the sheets of Excel files: a workbook may hold several tables, one per sheet (workbook.ts
 * says which sheet feeds which table).
 */
export async function discover(
  paths: string[],
  mapping: Mapping,
  workbooks: Workbooks = new Workbooks(),
): Promise<Discovered> {
  const files: SourceFile[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const consider = async (path: string) => {
    const name = basename(path);
    const fmt = formatOf(name);
    const table = tableOf(name, mapping);
    if (fmt?.format === 'xlsx') {
      const chosen = chooseSheets(path, await workbooks.sheetNames(path), mapping, table);
      for (const s of chosen.sheets) files.push({ path, table: s.table, ...fmt, sheet: s.sheet });
      skipped.push(...chosen.skipped);
    } else if (!fmt)
      skipped.push({
        path,
        reason: /\.xls$/i.test(name)
          ? 'Excel 97–2003 (.xls) is not read; save it as .xlsx or CSV'
          : 'not CSV, CSV.gz, Parquet, JSON Lines or Excel .xlsx',
      });
    else if (!table)
      skipped.push({
        path,
        reason: `name matches no table (expected a prefix ${TABLE_NAMES.join('/')} or a mapping files entry)`,
      });
    else files.push({ path, table, ...fmt });
  };
  for (const p of paths) {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(p);
    } catch {
      throw new BadInputError(`input ${p} does not exist; expected a file or a folder`, {
        place: { file: p },
      });
    }
    if (st.isDirectory()) {
      const entries = (await readdir(p, { withFileTypes: true })).filter((e) => e.isFile());
      for (const e of entries.map((e) => e.name).sort()) await consider(join(p, e));
    } else await consider(p);
  }
  // Stable sort keeps the given order within a table.
  files.sort((a, b) => LOAD_ORDER[a.table] - LOAD_ORDER[b.table]);
  const seen = new Set<string>();
  for (const f of files) {
    const id = f.sheet === undefined ? f.path : `${f.path}#${f.sheet}`;
    if (seen.has(id)) throw new BadInputError(`input ${id} is given twice`, { place: { file: f.path } });
    seen.add(id);
  }
  return { files, skipped };
}
