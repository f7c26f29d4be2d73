/**
 * Stage "merge": accepted rows of temp `typ` → the contract table, by natural key.
 * Reads: typ, file_rejects, <table>. Writes: <table> (insert / update), <table>_history (superseded rows).
 *
 * A key not yet in the table is inserted; a key whose values differ is updated after its old version is copied to
 * history; a key with identical values is left alone, so delivering the same file twice changes nothing.
 */
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
  const cols = Object.keys(spec.columns);
  const keys: readonly string[] = spec.key;
  const vals = cols.filter((c) => !keys.includes(c));
  const on = keys.map((k) => `t.${ident(k)} = a.${ident(k)}`).join(' AND ');
  const differs = vals.map((c) => `t.${ident(c)} IS DISTINCT FROM a.${ident(c)}`).join(' OR ');
  const T = ident(table);
  // __act: 0 insert, 1 update, 2 unchanged.
  await w.run(`CREATE OR REPLACE TEMP TABLE acc AS
    SELECT ${cols.map((c) => `a.${ident(c)}`).join(', ')},
           CASE WHEN t.${ident(keys[0] ?? '')} IS NULL THEN 0 WHEN ${differs} THEN 1 ELSE 2 END AS __act
    FROM (SELECT * FROM typ WHERE __row NOT IN (SELECT row_id FROM file_rejects WHERE row_id IS NOT NULL)) a
    LEFT JOIN ${T} t ON ${on}`);
  const counts = await w.all<{ act: number; n: bigint }>(
    'SELECT __act AS act, count(*) AS n FROM acc GROUP BY 1',
  );
  const n = (act: number) => Number(counts.find((c) => c.act === act)?.n ?? 0);
  const out = { inserted: n(0), updated: n(1), unchanged: n(2) };
  const colList = cols.map(ident).join(', ');
  if (out.updated > 0) {
    const onU = keys.map((k) => `t.${ident(k)} = u.${ident(k)}`).join(' AND ');
    await w.run(
      `INSERT INTO ${ident(historyTable(table))}
       SELECT t.*, $1, CAST($2 AS TIMESTAMPTZ) FROM ${T} t SEMI JOIN (SELECT * FROM acc WHERE __act = 1) u ON ${onU}`,
      [batchId, at],
    );
    await w.run(
      `UPDATE ${T} t SET ${vals.map((c) => `${ident(c)} = u.${ident(c)}`).join(', ')}
       FROM (SELECT * FROM acc WHERE __act = 1) u WHERE ${onU}`,
    );
  }
  if (out.inserted > 0)
    await w.run(`INSERT INTO ${T} (${colList}) SELECT ${colList} FROM acc WHERE __act = 0`);
  return out;
}
