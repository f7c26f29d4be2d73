/**
 * Collects PSI per (model, feature) between the training and the scored population in score_population.
 * Bins are the deciles of the training population (computed in DuckDB, so large populations stay in the
 * warehouse), plus one bin for missing values when any are present. Reads: score_population.
 */
import type { Warehouse } from '../../warehouse/db.ts';
import { tableExists } from '../inputs.ts';
import { psiBand, psiFromCounts, psiNoiseP95 } from '../metrics/psi.ts';
import { round6 } from '../metrics/util.ts';
import type { Part, PsiRow } from '../types.ts';

const BIN_SQL = `
WITH edges AS (
  SELECT model, feature,
         list_distinct(quantile_disc(value, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])) AS e
  FROM score_population WHERE population = 'train' AND value IS NOT NULL
  GROUP BY model, feature
), binned AS (
  SELECT s.model, s.feature, s.population,
         -- bin = number of training deciles strictly below the value; missing values get bin -1
         CASE WHEN s.value IS NULL THEN -1 ELSE len(list_filter(edges.e, x -> x < s.value)) END AS bin
  FROM score_population s JOIN edges ON s.model = edges.model AND s.feature = edges.feature
  WHERE s.population IN ('train', 'scored')
)
SELECT model, feature, population, bin::INTEGER AS bin, count(*)::INTEGER AS n
FROM binned GROUP BY ALL ORDER BY model, feature, population, bin`;

export async function collectStability(w: Warehouse): Promise<Part<PsiRow[]>> {
  if (!(await tableExists(w, 'score_population')))
    return { ok: false, reason: 'table score_population does not exist (run the score stage first)' };
  const rows = await w.all<{ model: string; feature: string; population: string; bin: number; n: number }>(
    BIN_SQL,
  );
  const byKey = new Map<
    string,
    { model: string; feature: string; train: Map<number, number>; scored: Map<number, number> }
  >();
  for (const r of rows) {
    const key = `${r.model}\u0000${r.feature}`;
    const e = byKey.get(key) ?? { model: r.model, feature: r.feature, train: new Map(), scored: new Map() };
    (r.population === 'train' ? e.train : e.scored).set(r.bin, r.n);
    byKey.set(key, e);
  }
  const out: PsiRow[] = [];
  for (const e of byKey.values()) {
    if (e.scored.size === 0) continue;
    const bins = [...new Set([...e.train.keys(), ...e.scored.keys()])].sort((a, b) => a - b);
    const exp = bins.map((b) => e.train.get(b) ?? 0);
    const act = bins.map((b) => e.scored.get(b) ?? 0);
    const psi = psiFromCounts(exp, act);
    const n = exp.reduce((s, v) => s + v, 0);
    const m = act.reduce((s, v) => s + v, 0);
    out.push({
      model: e.model,
      feature: e.feature,
      psi: round6(psi),
      band: psiBand(psi),
      n_train: n,
      n_scored: m,
      bins: bins.length,
      noise_p95: round6(psiNoiseP95(n, m, bins.length)),
    });
  }
  if (out.length === 0)
    return {
      ok: false,
      reason: "score_population has no feature with both a 'train' and a 'scored' population",
    };
  return { ok: true, value: out };
}
