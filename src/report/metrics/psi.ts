/**
 * Population stability index between an expected (training) and an actual (scored) distribution over the same
 * bins: PSI = Σ (a − e)·ln(a / e). Bands follow credit-risk practice: < 0.10 stable, 0.10–0.25 watch, > 0.25 shift.
 * Because fixed bands raise false alarms on small samples, `psiNoiseP95` gives the PSI that pure sampling noise
 * stays under 95 % of the time: about (1/n + 1/m)·χ²₀.₉₅(bins − 1).
 */

/** Share floor for empty bins, so ln(a / e) stays finite (a common convention; 1e-4 ≈ 0.01 %). */
export const PSI_EPS = 1e-4;

/** PSI of two count vectors over the same bins. */
export function psiFromCounts(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  let te = 0;
  let ta = 0;
  for (let i = 0; i < expected.length; i++) {
    te += expected[i] as number;
    ta += actual[i] as number;
  }
  if (te === 0 || ta === 0) return 0;
  let s = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(PSI_EPS, (expected[i] as number) / te);
    const a = Math.max(PSI_EPS, (actual[i] as number) / ta);
    s += (a - e) * Math.log(a / e);
  }
  return s;
}

/** Band of a PSI value. */
export function psiBand(psi: number): 'stable' | 'watch' | 'shift' {
  if (psi < 0.1) return 'stable';
  if (psi <= 0.25) return 'watch';
  return 'shift';
}

/** 95th percentile of PSI under no change for samples of n and m rows over `bins` bins. */
export function psiNoiseP95(n: number, m: number, bins: number): number {
  if (n === 0 || m === 0 || bins < 2) return 0;
  return (1 / n + 1 / m) * chi2Quantile95(bins - 1);
}

/** χ² 95th percentile by the Wilson–Hilferty approximation (within ~1 % for k ≥ 2). */
export function chi2Quantile95(k: number): number {
  const z = 1.6448536269514722;
  const a = 2 / (9 * k);
  return k * (1 - a + z * Math.sqrt(a)) ** 3;
}
