/**
 * Population stability index between an expected (reference) and an actual sample:
 *   PSI = Σ (a − e)·ln(a / e) over bins whose edges are the expected sample's quantiles.
 * Conventional reading: < 0.10 stable, 0.10–0.25 watch, > 0.25 shift. Fixed thresholds raise false alarms on
 * small samples: with no change PSI is about (1/n + 1/m)·χ²(bins − 1), so the verdict also compares PSI with the
 * 95th percentile of that distribution (`noChange95`) and only reports a change when it is exceeded.
 */
import type { Scores } from './types.ts';

/** PSI result. */
export interface PsiResult {
  psi: number;
  /** Inner bin edges from the expected sample (bins − 1 of them, fewer when values tie). */
  edges: number[];
  /** Shares per bin (each sums to 1), with 1e-4 floors so empty bins stay finite. */
  expected: number[];
  actual: number[];
  /** 95th percentile of PSI under no change: (1/n + 1/m)·χ²₀.₉₅(bins − 1). */
  noChange95: number;
  /** stable (< 0.10 or within no-change noise), watch (0.10–0.25), shift (> 0.25); both conditions must hold. */
  verdict: 'stable' | 'watch' | 'shift';
}

export function psi(expected: Scores, actual: Scores, bins = 10): PsiResult {
  if (!expected.length || !actual.length) throw new RangeError('psi: both samples must be non-empty');
  const sorted = Float64Array.from(expected).sort();
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const q = sorted[Math.floor((b * sorted.length) / bins)] as number;
    if (!edges.length || q > (edges[edges.length - 1] as number)) edges.push(q);
  }
  const share = (s: Scores) => {
    const c = new Float64Array(edges.length + 1);
    for (let i = 0; i < s.length; i++) {
      const v = s[i] as number;
      let lo = 0;
      let hi = edges.length;
      // first edge greater than v: values equal to an edge go to the bin above it
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((edges[mid] as number) > v) hi = mid;
        else lo = mid + 1;
      }
      c[lo] = (c[lo] as number) + 1;
    }
    return Array.from(c, (x) => Math.max(x / s.length, 1e-4));
  };
  const e = share(expected);
  const a = share(actual);
  let value = 0;
  for (let i = 0; i < e.length; i++) value += psiTerm(a[i] as number, e[i] as number);
  const df = Math.max(1, e.length - 1);
  const noChange95 = (1 / expected.length + 1 / actual.length) * chiSquare95(df);
  const level = psiBand(value);
  return {
    psi: value,
    edges,
    expected: e,
    actual: a,
    noChange95,
    verdict: value <= noChange95 ? 'stable' : level,
  };
}

/** Share floor for empty bins, so ln(a / e) stays finite (a common convention; 1e-4 = 0.01 %). */
export const PSI_EPS = 1e-4;

/** One bin's (a − e)·ln(a / e), both shares floored at PSI_EPS. Every PSI in the project sums these. */
export function psiTerm(a: number, e: number): number {
  const x = Math.max(a, PSI_EPS);
  const y = Math.max(e, PSI_EPS);
  return (x - y) * Math.log(x / y);
}

/** PSI of two count vectors over the same bins (0 when either is empty). */
export function psiFromCounts(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  let te = 0;
  let ta = 0;
  for (let i = 0; i < expected.length; i++) {
    te += expected[i] as number;
    ta += actual[i] as number;
  }
  if (te === 0 || ta === 0) return 0;
  let s = 0;
  for (let i = 0; i < expected.length; i++)
    s += psiTerm((actual[i] as number) / ta, (expected[i] as number) / te);
  return s;
}

/** Conventional band of a PSI value: < 0.10 stable, 0.10–0.25 watch, > 0.25 shift. */
export function psiBand(value: number): 'stable' | 'watch' | 'shift' {
  return value < 0.1 ? 'stable' : value <= 0.25 ? 'watch' : 'shift';
}

/** 95th percentile of χ²(df) by the Wilson–Hilferty approximation (within ~1% for df ≥ 3). */
export function chiSquare95(df: number): number {
  const z = 1.6448536269514722;
  const c = 2 / (9 * df);
  return df * (1 - c + z * Math.sqrt(c)) ** 3;
}
