/**
 * Calibration on (y, p) pairs: Brier score, expected calibration error (ECE) and the reliability bins it is
 * computed from. Bins are equal-width over [0, 1]; p = 1 falls in the last bin.
 */
import { round6 } from './util.ts';

/** Mean squared error of p against y (0–1; lower is better). 0 for no rows. */
export function brier(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += ((p[i] as number) - ((y[i] as number) >= 0.5 ? 1 : 0)) ** 2;
  return p.length ? s / p.length : 0;
}

/** Reliability bins: mean predicted and observed rate per equal-width bin; empty bins are left out. */
export function reliability(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  bins = 10,
): { bin: number; predicted: number; observed: number; n: number }[] {
  const n = new Float64Array(bins);
  const sp = new Float64Array(bins);
  const sy = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(pi * bins)));
    n[b] = (n[b] as number) + 1;
    sp[b] = (sp[b] as number) + pi;
    sy[b] = (sy[b] as number) + ((y[i] as number) >= 0.5 ? 1 : 0);
  }
  const out: { bin: number; predicted: number; observed: number; n: number }[] = [];
  for (let b = 0; b < bins; b++) {
    const nb = n[b] as number;
    if (nb > 0)
      out.push({
        bin: b,
        predicted: round6((sp[b] as number) / nb),
        observed: round6((sy[b] as number) / nb),
        n: nb,
      });
  }
  return out;
}

/** ECE = Σ_b (n_b / N)·|observed_b − predicted_b| over the reliability bins (0–1). */
export function ece(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): number {
  const total = p.length;
  if (total === 0) return 0;
  let s = 0;
  for (const b of reliability(y, p, bins)) s += (b.n / total) * Math.abs(b.observed - b.predicted);
  return s;
}
