/**
 * Stage "merge extras": the declared extra columns of accepted rows of temp `typ` → `<table>_extra`, beside the
 * contract table, keyed like it. Reads: typ, file_rejects. Writes: extra_columns (declarations), <table>_extra.
 *
 * Long format (key, name, num, txt) rather than added columns: batches may declare different extras, and the
 * contract tables (and their positional `_history` copies) stay exactly the contract. A key delivered again
 * replaces the values of the extras this batch declares; values of other extras are left alone.
 */
import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import type { TableName } from '../contract/tables.ts';
import { TABLES } from '../contract/tables.ts';
import { BadInputError } from '../core/errors.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { ReaderExtra } from './stage.ts';
import { extraColumnName } from './typed.ts';

/** Declared extra columns: one row per (table, name); the type is fixed by its first declaration. */
const EXTRA_COLUMNS_DDL = `CREATE TABLE IF NOT EXISTS extra_columns (
  tbl VARCHAR NOT NULL, name VARCHAR NOT NULL, type VARCHAR NOT NULL, source VARCHAR NOT NULL,
  declared_in VARCHAR NOT NULL, seq INTEGER NOT NULL)`;

/** Table of extra values beside contract table `t`. */
export function extraValuesTable(t: TableName): string {
  return `${t}_extra`;
}

/** Creates the declaration table and the value table of `t` when missing. */
export async function ensureExtraTables(w: Warehouse, t: TableName): Promise<void> {
  await w.run(EXTRA_COLUMNS_DDL);
  await w.run(
    `CREATE TABLE IF NOT EXISTS ${quotedIdentifier(extraValuesTable(t))} (key VARCHAR NOT NULL, name VARCHAR NOT NULL, num DOUBLE, txt VARCHAR)`,
  );
}

/** Stores the extras of the accepted rows; returns how many values were written. */
export async function mergeExtras(
  w: Warehouse,
  table: TableName,
  extras: readonly ReaderExtra[],
  batchId: string,
  file: string,
): Promise<number> {
  if (extras.length === 0) return 0;
  await ensureExtraTables(w, table);
  const declared = await w.all<{ name: string; type: string; declared_in: string }>(
    'SELECT name, type, declared_in FROM extra_columns WHERE tbl = $1',
    [table],
  );
  let seq = declared.length;
  for (const x of extras) {
    const d = declared.find((r) => r.name === x.name);
    // A feature that changed type would silently change meaning under models trained on it.
    if (d && d.type !== x.type)
      throw new BadInputError(
        `extra column ${table}.${x.name} was declared ${d.type} in batch ${d.declared_in}; the mapping now declares it ${x.type}`,
        {
          place: { file, column: x.name },
          hint: 'keep the type, or give the extra column a new name',
        },
      );
    if (!d)
      await w.run('INSERT INTO extra_columns VALUES ($1, $2, $3, $4, $5, $6)', [
        table,
        x.name,
        x.type,
        x.source.kind === 'column'
          ? `column ${x.source.column}`
          : x.source.kind === 'expr'
            ? `expr ${x.source.text}`
            : `const ${x.source.value}`,
        batchId,
        seq++,
      ]);
  }
  const key = quotedIdentifier(TABLES[table].key[0] as string);
  const T = quotedIdentifier(extraValuesTable(table));
  const accepted = `(SELECT * FROM typ ANTI JOIN (SELECT row_id FROM file_rejects WHERE row_id IS NOT NULL) r ON r.row_id = typ.rowid)`;
  const names = extras.map((x) => quotedString(x.name)).join(', ');
  await w.run(
    `DELETE FROM ${T} WHERE name IN (${names}) AND key IN (SELECT CAST(${key} AS VARCHAR) FROM ${accepted})`,
  );
  const parts = extras.map((x) => {
    const X = quotedIdentifier(extraColumnName(x.name));
    const num = x.type === 'numeric' ? `CAST(${X} AS DOUBLE)` : 'CAST(NULL AS DOUBLE)';
    const txt = x.type === 'categorical' ? `CAST(${X} AS VARCHAR)` : 'CAST(NULL AS VARCHAR)';
    return `SELECT CAST(${key} AS VARCHAR), ${quotedString(x.name)}, ${num}, ${txt} FROM ${accepted} a WHERE ${X} IS NOT NULL`;
  });
  await w.run(`INSERT INTO ${T} ${parts.join(' UNION ALL ')}`);
  const n = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${T} WHERE name IN (${names})`);
  return Number(n?.n ?? 0);
}
