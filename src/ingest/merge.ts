/**
 * Stage "merge": accepted rows of a file → the contract table, by natural key.
 * Reads: the file's typed rows (temp `typ` or STAGE, typed.ts; accepted rows: those without a file_rejects row),
 * <table>. Writes: <table> (insert / update, or STAGE renamed to it), <table>_history (superseded rows).
 *
 * A key not yet in the table is inserted; a key whose values differ is updated after its old version is copied to
 * history; a key with identical values is left alone, so delivering the same file twice changes nothing. A staged
 * file loaded into an empty table becomes that table (adopt).
 */
import { columnsOf } from '../contract/columns.ts';
import { TABLES, type TableName } from '../contract/tables.ts';
import { ident, type Warehouse } from '../warehouse/db.ts';
import { historyTable } from './ledger.ts';
import { STAGE } from './typed.ts';

export interface MergeCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * `rows`: the file's typed rows: the table holding them, with identity `__row` (relation) and without (plain), and
 * how many (typed.ts; unknown after panel.ts derived them).
 */
export async function merge(
  w: Warehouse,
  table: TableName,
  batchId: string,
  at: string,
  rows: { table: string; relation: string; plain: string; rows?: number },
): Promise<MergeCounts> {
  const spec = TABLES[table];
  const cols = Object.keys(columnsOf(spec));
  const keys: readonly string[] = spec.key;
  const vals = cols.filter((c) => !keys.includes(c));
  const on = keys.map((k) => `t.${ident(k)} = a.${ident(k)}`).join(' AND ');
  const differs = vals.map((c) => `t.${ident(c)} IS DISTINCT FROM a.${ident(c)}`).join(' OR ');
  const T = ident(table);
  const colList = cols.map(ident).join(', ');
  const rejected =
    (
      await w.one<{ n: bigint }>(
        'SELECT count(DISTINCT row_id) AS n FROM file_rejects WHERE row_id IS NOT NULL',
      )
    )?.n ?? 0n;
  // Without a rejected row the accepted rows are all rows: no identity, no anti-join to pay for.
  const accepted =
    rejected === 0n
      ? `(SELECT ${colList} FROM ${rows.plain})`
      : `(SELECT ${colList} FROM ${rows.relation} s
    ANTI JOIN (SELECT row_id FROM file_rejects WHERE row_id IS NOT NULL) r ON r.row_id = s.__row)`;
  const k0 = `t.${ident(keys[0] ?? '')}`;
  // Into an empty table (a first load) every accepted row is new: count them without looking for them.
  const empty = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${T} LIMIT 1)`);
  const c =
    (empty?.n ?? 0n) === 0n
      ? rows.rows !== undefined
        ? { ins: BigInt(rows.rows) - rejected, upd: 0n, same: 0n }
        : await w.one<{ ins: bigint; upd: bigint; same: bigint }>(
            `SELECT count(*) AS ins, 0 AS upd, 0 AS same FROM ${accepted} a`,
          )
      : // Counting through the join avoids materializing the accepted rows a second time.
        await w.one<{ ins: bigint; upd: bigint; same: bigint }>(
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
  const intoEmpty = (empty?.n ?? 0n) === 0n;
  if (out.inserted > 0 && !(intoEmpty && rows.table === STAGE && (await adopt(w, table, rejected > 0n)))) {
    // All new (a first load): no need to look for them in the table again.
    const onlyNew = out.updated === 0 && out.unchanged === 0;
    await w.run(
      `INSERT INTO ${T} (${colList}) SELECT ${colList} FROM ${accepted} a ${onlyNew ? '' : `ANTI JOIN ${T} t ON ${on}`}`,
    );
  }
  return out;
}

/**
 * A first load of a staged file (typed.ts STAGE) into its empty contract table: the stage becomes the table
 * instead of being copied into it, since writing the rows a second time costs as much as reading the file. Its
 * refused rows are deleted, its working columns dropped, the contract's NOT NULL constraints set (each checked on
 * its column), the empty table dropped and the stage renamed, all inside the batch's transaction. Returns false,
 * touching nothing, when the stage's columns would not be the table's exactly (names, order, types): an older
 * warehouse's layout stays as it is and the rows are copied.
 */
async function adopt(w: Warehouse, table: TableName, rejected: boolean): Promise<boolean> {
  const layout = async (t: string) =>
    w.all<{ name: string; type: string; nullable: string }>(
      `SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [t],
    );
  const target = await layout(table);
  const staged = await layout(STAGE);
  const names = new Set(target.map((c) => c.name));
  const kept = staged.filter((c) => names.has(c.name));
  if (kept.map((c) => `${c.name} ${c.type}`).join() !== target.map((c) => `${c.name} ${c.type}`).join())
    return false;
  if (rejected)
    await w.run(
      `DELETE FROM ${STAGE} WHERE rowid IN (SELECT row_id FROM file_rejects WHERE row_id IS NOT NULL)`,
    );
  for (const c of staged)
    if (!names.has(c.name)) await w.run(`ALTER TABLE ${STAGE} DROP COLUMN ${ident(c.name)}`);
  for (const c of target)
    if (c.nullable === 'NO') await w.run(`ALTER TABLE ${STAGE} ALTER COLUMN ${ident(c.name)} SET NOT NULL`);
  await w.run(`DROP TABLE ${ident(table)}`);
  await w.run(`ALTER TABLE ${STAGE} RENAME TO ${ident(table)}`);
  return true;
}
