/**
 * Runs feature families over a spine and joins their outputs into one table (of the warehouse, or a temp table):
 *   spine (rid, loan_id, as_of, cutoff, …) ─► fx_<family> per family ─► <out>(rid, keys…, features…, extras…)
 * Reads: the spine, loans, repayments, contacts, market. Writes: `out` (replaced), scratch temp tables dropped.
 */
import { ident, type Warehouse } from '../warehouse/db.ts';
import type { FeatureFamily } from './families/index.ts';

export interface AssembleOptions {
  /** Temp table holding the spine. */
  spine: string;
  /** Families to compute, in column order. */
  families: readonly FeatureFamily[];
  /** Output table, replaced. */
  out: string;
  /**
   * Make `out` a temp table of the connection (default: a table of the warehouse). For a table read once and
   * dropped (the scoring state): nothing written to the database file and its log.
   */
  temp?: boolean;
  /** Spine columns copied to the output besides rid (default loan_id, as_of). */
  keys?: readonly string[];
  /** Extra `(table, columns)` joined on rid after the features, e.g. labels. */
  extras?: readonly { table: string; columns: readonly string[] }[];
}

export async function assembleFeatures(w: Warehouse, o: AssembleOptions): Promise<void> {
  const keys = o.keys ?? ['loan_id', 'as_of'];
  const parts: { table: string; columns: readonly string[] }[] = o.families.map((f) => ({
    table: `fx_${f.name}`,
    columns: f.features.map((x) => x.name),
  }));
  for (const f of o.families)
    await w.run(`CREATE OR REPLACE TEMP TABLE ${ident(`fx_${f.name}`)} AS ${f.sql(o.spine)}`);
  parts.push(...(o.extras ?? []));
  const cols = parts.flatMap((p, i) => p.columns.map((c) => `t${i}.${ident(c)}`));
  const joins = parts.map((p, i) => `LEFT JOIN ${ident(p.table)} t${i} ON t${i}.rid = s.rid`);
  await w.run(`
    CREATE OR REPLACE ${o.temp ? 'TEMP ' : ''}TABLE ${ident(o.out)} AS
    SELECT s.rid, ${keys.map((k) => `s.${ident(k)}`).join(', ')}, ${cols.join(', ')}
    FROM ${ident(o.spine)} s
    ${joins.join('\n    ')}
    ORDER BY s.rid`);
  for (const f of o.families) await w.run(`DROP TABLE IF EXISTS ${ident(`fx_${f.name}`)}`);
}
