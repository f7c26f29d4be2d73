/**
 * PSI per feature and for the score between a model's training population and the population it last scored
 * (table score_population, written by train and score). Missing values are their own bin.
 *
 * Sample-size-aware verdict (domain.md): with no change PSI ≈ (1/n + 1/m)·χ²(bins − 1), so a feature drifts only
 * when its PSI exceeds BOTH the fixed band (0.10 watch, 0.25 shift) AND the 95 % no-change quantile.
 */
import { chiSquare95, psi, psiBand, psiTerm as term } from '../evaluate/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { tableExists } from '../warehouse/introspect.ts';
import { SCORE_FEATURE } from '../warehouse/report-inputs.ts';

/** PSI of one feature (or of the score). */
export interface DriftRow {
  /** Feature name, or `score`. */
  feature: string;
  psi: number;
  /** 95th percentile of PSI under no change for these sample sizes and bins. */
  noChange95: number;
  /** stable, watch (0.10–0.25) or shift (> 0.25); stable whenever PSI ≤ noChange95. */
  verdict: 'stable' | 'watch' | 'shift';
  /** Rows in the training and in the scored population. */
  n: number;
  m: number;
  /** Share of missing values in each. */
  missingTrain: number;
  missingScored: number;
  /** Bins the PSI summed over (training deciles, fewer when values tie, plus one for missing values). */
  bins: number;
}

/**
 * Drift of one model's populations; null when either population is absent. `from` is a relation with
 * score_population's columns (the report passes one that adds the registry's saved training population).
 */
export async function populationDrift(
  w: Warehouse,
  model: string,
  bins = 10,
  from = 'score_population',
): Promise<DriftRow[] | null> {
  if (from === 'score_population' && !(await tableExists(w, 'score_population'))) return null;
  const rows = await w.all<{
    feature: string;
    population: string;
    vals: number[] | null;
    missing: number;
    n: number;
  }>(
    `SELECT feature, population, list(value ORDER BY value) FILTER (WHERE value IS NOT NULL) AS vals,
            count(*) FILTER (WHERE value IS NULL)::INTEGER AS missing, count(*)::INTEGER AS n
     FROM ${from} WHERE model = $1 AND population IN ('train', 'scored')
     GROUP BY feature, population ORDER BY feature, population`,
    [model],
  );
  const by = new Map<string, { train?: (typeof rows)[number]; scored?: (typeof rows)[number] }>();
  for (const r of rows) {
    const e = by.get(r.feature) ?? {};
    e[r.population as 'train' | 'scored'] = r;
    by.set(r.feature, e);
  }
  const out: DriftRow[] = [];
  for (const [feature, e] of by) {
    if (!e.train || !e.scored) continue;
    out.push(featureDrift(feature, e.train, e.scored, bins));
  }
  if (!out.length) return null;
  // The score first, then the largest shifts.
  return out.sort(
    (a, b) => Number(b.feature === SCORE_FEATURE) - Number(a.feature === SCORE_FEATURE) || b.psi - a.psi,
  );
}

interface Sample {
  vals: number[] | null;
  missing: number;
  n: number;
}

/** PSI over the deciles of the training values plus one bin for missing values. */
export function featureDrift(feature: string, train: Sample, scored: Sample, bins = 10): DriftRow {
  const pe = train.missing / train.n;
  const pa = scored.missing / scored.n;
  const ev = train.vals ?? [];
  const av = scored.vals ?? [];
  let value = 0;
  let nBins = 0;
  if (ev.length && av.length) {
    const r = psi(ev, av, bins);
    nBins = r.expected.length;
    for (let i = 0; i < nBins; i++)
      value += term((r.actual[i] as number) * (1 - pa), (r.expected[i] as number) * (1 - pe));
  } else if (ev.length || av.length) {
    nBins = 1;
    value += term(1 - pa, 1 - pe);
  }
  if (pe > 0 || pa > 0) {
    nBins += 1;
    value += term(pa, pe);
  }
  const noChange95 = (1 / train.n + 1 / scored.n) * chiSquare95(Math.max(1, nBins - 1));
  const band = psiBand(value);
  return {
    feature,
    psi: value,
    noChange95,
    verdict: value <= noChange95 ? 'stable' : band,
    n: train.n,
    m: scored.n,
    missingTrain: pe,
    missingScored: pa,
    bins: nBins,
  };
}
