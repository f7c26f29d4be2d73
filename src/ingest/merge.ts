/**
 * Stage "merge": accepted rows of temp `typ` → the contract table, by natural key.
 * Reads: typ (accepted rows: those without a file_rejects row), <table>. Writes: <table> (insert / update), <table>_history (superseded rows).
 *
 * A key not yet in the table is inserted; a key whose values differ is updated after its old version is copied to
 * history; a key with identical values is left alone, so delivering the same file twice changes nothing.
 */
import { columnsOf } from '../contract/columns.ts';
import { TABLES, type TableName } from '../contract/tables.ts';
import { ident, type Warehouse } from '../warehouse/db.ts';
import { historyTable } from './ledger.ts';

export interface MergeCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export async function merge(
  w: Warehouse,
  table: TableName,
  batchId: string,
  at: string,
): Promise<MergeCounts> {
  const spec = TABLES[table];
  const cols = Object.keys(columnsOf(spec));
  const keys: readonly string[] = spec.key;
  const vals = cols.filter((c) => !keys.includes(c));
  const on = keys.map((k) => `t.${ident(k)} = a.${ident(k)}`).join(' AND ');
  const differs = vals.map((c) => `t.${ident(c)} IS DISTINCT FROM a.${ident(c)}`).join(' OR ');
  const T = ident(table);
  const colList = cols.map(ident).join(', ');
  const accepted = `(SELECT ${colList} FROM typ
    ANTI JOIN (SELECT row_id FROM file_rejects WHERE row_id IS NOT NULL) r ON r.row_id = typ.rowid)`;
  const k0 = `t.${ident(keys[0] ?? '')}`;
  // Counting through the join avoids materializing the accepted rows a second time.
  const c = await w.one<{ ins: bigint; upd: bigint; same: bigint }>(
    `SELECT count(*) FILTER (WHERE ${k0} IS NULL) AS ins,
            count(*) FILTER (WHERE ${k0} IS NOT NULL AND (${differs})) AS upd,
            count(*) FILTER (WHERE ${k0} IS NOT NULL AND NOT (${differs})) AS same
     FROM ${accepted} a LEFT JOIN ${T} t ON ${on}`,
  );
  const out = {
    inserted: Number(c?.ins ?? 0),
    updated: Number(c?.upd ?? 0),
    unchanged: Number(c?.same ?? 0),
  };
  if (out.updated > 0) {
    await w.run(`CREATE OR REPLACE TEMP TABLE changed AS
      SELECT a.* FROM ${accepted} a JOIN ${T} t ON ${on} WHERE ${differs}`);
    const onU = keys.map((k) => `t.${ident(k)} = u.${ident(k)}`).join(' AND ');
    await w.run(
      `INSERT INTO ${ident(historyTable(table))}
       SELECT t.*, $1, CAST($2 AS TIMESTAMPTZ) FROM ${T} t SEMI JOIN changed u ON ${onU}`,
      [batchId, at],
    );
    await w.run(
      `UPDATE ${T} t SET ${vals.map((v) => `${ident(v)} = u.${ident(v)}`).join(', ')} FROM changed u WHERE ${onU}`,
    );
    await w.run('DROP TABLE changed');
  }
  if (out.inserted > 0) {
    // All new (a first load): no need to look for them in the table again.
    const onlyNew = out.updated === 0 && out.unchanged === 0;
    await w.run(
      `INSERT INTO ${T} (${colList}) SELECT ${colList} FROM ${accepted} a ${onlyNew ? '' : `ANTI JOIN ${T} t ON ${on}`}`,
    );
  }
  return out;
}
