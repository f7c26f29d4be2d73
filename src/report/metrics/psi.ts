/**
 * PSI for the report: every number comes from src/evaluate (the one implementation `monitor` also uses), so the
 * page and `followup monitor` agree to the last digit. Bands: < 0.10 stable, 0.10–0.25 watch, > 0.25 shift;
 * `psiNoiseP95` is the PSI sampling noise stays under 95 % of the time, about (1/n + 1/m)·χ²₀.₉₅(bins − 1).
 */
import { chiSquare95 } from '../../evaluate/index.ts';

export { PSI_EPS, psiBand, psiFromCounts } from '../../evaluate/index.ts';

/** 95th percentile of PSI under no change for samples of n and m rows over `bins` bins. */
export function psiNoiseP95(n: number, m: number, bins: number): number {
  if (n === 0 || m === 0 || bins < 2) return 0;
  return (1 / n + 1 / m) * chiSquare95(bins - 1);
}

/** χ² 95th percentile (Wilson–Hilferty), as src/evaluate computes it. */
export const chi2Quantile95 = chiSquare95;
